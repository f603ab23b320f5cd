//! A whole year of Jönköping 2022 on a simulated clock, with a real SMTP server: exactly the
//! expected mails arrive — count, recipients, activities — an organisation that submitted gets
//! nothing, an approved tertial stops its escalations, and every mail has its `reminder_sent`.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{civil::date, Timestamp};
use lofte_proto::{
    calendar::{due_date, occasions, ReminderPolicy},
    people::PersonRole,
    plan::PlanBook,
    Tertial,
};
use serde_json::json;

use super::stack::{head, notifier, post, reminders_recorded, stack, tick, wait_applied};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_year_of_jonkoping_2022() {
    let st = stack().await;
    let pf = &st.plan;
    let plan = pf.plan_id().to_string();
    let (url, cancel, task) = notifier(&st.settings, 37).await;

    let reporters = |org: &str| -> BTreeSet<String> {
        pf.people()
            .iter()
            .filter(|p| p.role == PersonRole::Reporter && p.orgs.iter().any(|o| o.as_str() == org))
            .map(|p| p.email.to_string())
            .collect()
    };
    let takes_part = |org: &str| -> BTreeSet<String> {
        pf.activities()
            .iter()
            .filter(|a| a.lead.as_str() == org || a.participants.iter().any(|p| p.as_str() == org))
            .map(|a| a.id.to_string())
            .collect()
    };
    let coordinators: BTreeSet<String> =
        pf.people().iter().filter(|p| p.role == PersonRole::Coordinator).map(|p| p.email.to_string()).collect();
    let all_reporters: BTreeSet<String> =
        ["polisen", "kommunen", "vatterhem"].iter().flat_map(|o| reporters(o)).collect();

    // Vätterhem submits all of its T2 follow-ups early.
    for a in takes_part("vatterhem") {
        post(&st.ledger, &json!({"plan": plan, "actor": "vatterhem", "kind": "follow_up_submitted", "data": {"activity": a, "tertial": "2022-T2"}}))
            .await;
    }
    wait_applied(&url, head(&st.ledger).await).await;

    let mut day = date(2022, 4, 1);
    while day <= date(2023, 5, 1) {
        if day == date(2022, 6, 10) {
            post(&st.ledger, &json!({"plan": plan, "actor": "kommunen", "kind": "follow_up_approved", "data": {"tertial": "2022-T1"}})).await;
            wait_applied(&url, head(&st.ledger).await).await;
        }
        let r = tick(&url, &format!("{day}T06:00:00Z")).await;
        assert_eq!(r["failed"], 0, "{day}: {r}");
        day = day.tomorrow().unwrap();
    }

    // What should have arrived, tertial by tertial.
    let mut book = PlanBook::default();
    for e in pf.events() {
        book.apply(pf.plan_id(), &e, Timestamp::UNIX_EPOCH);
    }
    let state = book.get(pf.plan_id()).unwrap();
    let policy = ReminderPolicy::default();
    let mut expected: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new(); // (tertial, occasion) → recipients
    for (t, owing, last_escalation) in [
        ("2022-T1", all_reporters.clone(), Some(date(2022, 6, 10))),
        ("2022-T2", all_reporters.difference(&reporters("vatterhem")).cloned().collect(), None),
        ("2022-T3", all_reporters.clone(), None),
    ] {
        let tertial: Tertial = t.parse().unwrap();
        let due = due_date(state, tertial, &policy);
        for (o, when) in occasions(due, &policy, date(2023, 5, 1)) {
            let to = if o.is_escalation() {
                if last_escalation.is_some_and(|stop| when >= stop) {
                    continue;
                }
                coordinators.clone()
            } else {
                owing.clone()
            };
            expected.insert((t.to_owned(), o.id()), to);
        }
    }
    assert_eq!(expected[&("2022-T1".to_owned(), "escalation-4".to_owned())], coordinators);
    assert!(!expected.contains_key(&("2022-T1".to_owned(), "escalation-5".to_owned())), "approval stops escalations");

    let recorded = reminders_recorded(&st.ledger).await;
    // The events name people by id; the directory says who they are.
    let emails = st.emails().await;
    let mut got: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for e in &recorded {
        let d = &e["data"];
        let recipient = emails[d["person"].as_str().unwrap()].clone();
        got.entry((d["tertial"].as_str().unwrap().to_owned(), d["occasion"].as_str().unwrap().to_owned()))
            .or_default()
            .insert(recipient.clone());
        // The right activities: exactly what the recipient's organisation still owed.
        if !d["occasion"].as_str().unwrap().starts_with("escalation") {
            let org =
                ["polisen", "kommunen", "vatterhem"].into_iter().find(|o| reporters(o).contains(&recipient)).unwrap();
            let acts: BTreeSet<String> =
                d["activities"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect();
            assert_eq!(acts, takes_part(org), "{e}");
        }
    }
    assert_eq!(got, expected);
    let total: usize = expected.values().map(BTreeSet::len).sum();
    assert_eq!(recorded.len(), total, "each mail once, each with its reminder_sent");
    assert_eq!(st.smtp.messages().len(), total);
    cancel.cancel();
    task.await.unwrap().unwrap();
}
