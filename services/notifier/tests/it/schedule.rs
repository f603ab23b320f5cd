//! Which mails are due, walking dates across Jönköping 2022's first tertial (follow-up due Monday
//! 16 May 2022): reminders 14 and 3 days before and on the day to every reporter of an
//! organisation that owes, nothing to one that submitted, each once; escalations to the
//! coordinators from 18 May; nothing once the tertial is approved.

use std::collections::BTreeSet;

use jiff::civil::date;
use lofte_notifier::{
    people::People,
    schedule::{due_today, plans_of},
};
use lofte_proto::{
    calendar::{Occasion, ReminderPolicy},
    command::parse_event,
    envelope::Envelope,
    ids::{LedgerId, OrgId},
    people::{Person, PersonRole},
    planfile, Event, Hash,
};
use serde_json::json;
use uuid::Uuid;

fn log() -> (planfile::PlanFile, Vec<Envelope>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/plans/jonkoping-2022.toml");
    let pf = planfile::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut events = vec![];
    for e in pf.events() {
        push(&mut events, &pf, "kommunen", e, "2022-01-03T08:00:00Z");
    }
    (pf, events)
}

fn push(events: &mut Vec<Envelope>, pf: &planfile::PlanFile, actor: &str, event: Event, at: &str) {
    let seq = events.len() as u64 + 1;
    events.push(Envelope {
        id: Uuid::from_u128(seq as u128),
        ledger: LedgerId::new("jkpg").unwrap(),
        seq,
        prev_hash: Hash::GENESIS,
        hash: Hash::GENESIS,
        recorded_at: at.parse().unwrap(),
        plan: pf.plan_id().clone(),
        stream: String::new(),
        stream_version: seq,
        actor: OrgId::new(actor).unwrap(),
        author: actor.into(),
        schema: 1,
        event,
        correlation_id: None,
        causation_id: None,
        idempotency_key: None,
    });
}

fn reporters(pf: &planfile::PlanFile, orgs: &[&str]) -> BTreeSet<String> {
    pf.people()
        .iter()
        .filter(|p| p.role == PersonRole::Reporter && p.orgs.iter().any(|o| orgs.contains(&o.as_str())))
        .map(|p| p.email.to_string())
        .collect()
}

/// The directory the plan files' people make, merged as the ledger merges them (the same address
/// and role is one person).
pub fn directory(files: &[&planfile::PlanFile]) -> People {
    let mut people: Vec<Person> = vec![];
    for new in files.iter().flat_map(|f| f.people()) {
        match people.iter_mut().find(|p| p.email.as_ref() == Some(&new.email) && p.role == new.role) {
            Some(p) => {
                if let Some(m) = p.merged(new) {
                    *p = m;
                }
            }
            None => people.push(new.clone().into_person(Uuid::from_u128(people.len() as u128 + 1))),
        }
    }
    People(people)
}

#[test]
fn reminders_escalations_and_at_most_once() {
    let (pf, mut events) = log();
    let policy = ReminderPolicy::default();
    let none = BTreeSet::new();
    let t1 = "2022-T1".parse().unwrap();

    // 2 May: 14 days before. Every organisation owes something: every reporter gets one digest.
    let people = directory(&[&pf]);
    let due = due_today(&plans_of(&events, date(2022, 5, 2)), &people, date(2022, 5, 2), &policy, &none);
    assert!(due.iter().all(|d| d.occasion == Occasion::Before(14)));
    let to: BTreeSet<String> = due.iter().map(|d| d.to.email.to_string()).collect();
    assert_eq!(to, reporters(&pf, &["polisen", "kommunen", "vatterhem"]));
    assert_eq!(due.len(), to.len(), "one digest per recipient");

    // Vätterhem submits everything it owes for T1: it is reminded of nothing more.
    let vatterhem_owes: Vec<String> = due
        .iter()
        .find(|d| reporters(&pf, &["vatterhem"]).contains(&d.to.email.to_string()))
        .unwrap()
        .items
        .iter()
        .filter(|i| i.org.as_str() == "vatterhem")
        .map(|i| i.activity.to_string())
        .collect();
    assert!(!vatterhem_owes.is_empty());
    for a in &vatterhem_owes {
        let e = parse_event("follow_up_submitted", json!({"activity": a, "tertial": "2022-T1"})).unwrap();
        push(&mut events, &pf, "vatterhem", e, "2022-05-03T08:00:00Z");
    }
    // Record the 14-day reminders as sent, as the notifier does.
    for d in &due {
        let e = parse_event(
            "reminder_sent",
            json!({"tertial": "2022-T1", "occasion": d.occasion.id(),
            "person": d.to.person, "message_id": "<x@lofte>", "activities": []}),
        )
        .unwrap();
        push(&mut events, &pf, "kommunen", e, "2022-05-02T08:00:00Z");
    }
    // 10 May: the latest occasion (14 days before) was sent: nothing is due.
    assert!(due_today(&plans_of(&events, date(2022, 5, 10)), &people, date(2022, 5, 10), &policy, &none).is_empty());
    // 13 May: 3 days before — to the organisations that still owe, not Vätterhem.
    let due = due_today(&plans_of(&events, date(2022, 5, 13)), &people, date(2022, 5, 13), &policy, &none);
    let to: BTreeSet<String> = due.iter().map(|d| d.to.email.to_string()).collect();
    assert_eq!(to, reporters(&pf, &["polisen", "kommunen"]));
    assert!(due.iter().all(|d| d.occasion == Occasion::Before(3)));

    // 18 May: two days after the due date, the coordinators are told who still owes what.
    let due = due_today(&plans_of(&events, date(2022, 5, 18)), &people, date(2022, 5, 18), &policy, &none);
    let escalations: Vec<_> = due.iter().filter(|d| d.occasion == Occasion::Escalation(1)).collect();
    let coordinators: BTreeSet<String> =
        pf.people().iter().filter(|p| p.role == PersonRole::Coordinator).map(|p| p.email.to_string()).collect();
    assert_eq!(escalations.iter().map(|d| d.to.email.to_string()).collect::<BTreeSet<_>>(), coordinators);
    assert!(escalations[0].items.iter().all(|i| i.org.as_str() != "vatterhem" && i.tertial == t1));

    // Once T1 is approved, nothing more about it.
    push(
        &mut events,
        &pf,
        "kommunen",
        parse_event("follow_up_approved", json!({"tertial": "2022-T1"})).unwrap(),
        "2022-05-20T08:00:00Z",
    );
    assert!(due_today(&plans_of(&events, date(2022, 5, 25)), &people, date(2022, 5, 25), &policy, &none)
        .iter()
        .all(|d| d.items.iter().all(|i| i.tertial != t1)));
}

#[test]
fn one_digest_per_recipient_across_plans() {
    // The same plan adopted twice under two ids: the same reporters owe in both.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/plans/jonkoping-2022.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let other = planfile::parse(&text.replacen("id = \"jonkoping-2022\"", "id = \"huskvarna-2022\"", 1)).unwrap();
    let (pf, mut events) = log();
    for e in other.events() {
        push(&mut events, &other, "kommunen", e, "2022-01-03T08:00:00Z");
    }
    let people = directory(&[&pf, &other]);
    let due = due_today(
        &plans_of(&events, date(2022, 5, 2)),
        &people,
        date(2022, 5, 2),
        &ReminderPolicy::default(),
        &BTreeSet::new(),
    );
    let to: BTreeSet<String> = due.iter().map(|d| d.to.email.to_string()).collect();
    assert_eq!(due.len(), to.len(), "one digest per recipient, not one per plan");
    assert_eq!(to, reporters(&pf, &["polisen", "kommunen", "vatterhem"]));
    for d in &due {
        let plans: BTreeSet<&str> = d.items.iter().map(|i| i.plan.as_str()).collect();
        assert_eq!(plans, BTreeSet::from(["huskvarna-2022", "jonkoping-2022"]), "{}", d.to.email);
    }
}
