//! "Påminn nu" (ADR 0021): a coordinator's reminder outside the schedule goes once per request —
//! the same `Idempotency-Key` twice, at once, sends one mail per reporter and records one
//! `reminder_sent` per reporter and tertial — and leaves the schedule alone: the next scheduled
//! reminder still goes to everyone.

use std::collections::BTreeMap;

use serde_json::Value;

use super::stack::{notifier, reminders_recorded, stack, tick};

/// Manual reminders' Message-IDs begin so (the subject is MIME-encoded: it has "å").
const MANUAL: &str = "<manual.";

/// How many mails with a Message-ID starting `prefix` each address got (the mailbox keeps no order).
fn by_recipient(st: &super::stack::Stack, prefix: &str) -> BTreeMap<String, usize> {
    let mut n = BTreeMap::new();
    for m in st.smtp.messages() {
        if m.header("Message-ID").is_some_and(|s| s.starts_with(prefix)) {
            *n.entry(m.header("To").unwrap()).or_insert(0) += 1;
        }
    }
    n
}

async fn remind(url: &str, key: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().post(format!("{url}/v1/plans/jonkoping-2022/remind"));
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    req.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_request_reminds_once_and_the_schedule_goes_on() {
    let st = stack().await;
    let reporters = st.reporters();
    let emails = st.emails().await;
    let (url, cancel, task) = notifier(&st.settings, 37).await;
    // 2 May: tertial 1 has ended; the first scheduled reminder (14 days before) goes to everyone.
    let r = tick(&url, "2022-05-02T08:00:00Z").await;
    assert_eq!(r["sent"], reporters, "{r}");
    let scheduled = reminders_recorded(&st.ledger).await.len();

    // What a reminder now would do: every reporter, nothing sent.
    let preview: Value =
        reqwest::get(format!("{url}/v1/plans/jonkoping-2022/remind")).await.unwrap().json().await.unwrap();
    let would = preview["reporters"].as_array().unwrap();
    assert_eq!(would.len(), reporters, "{preview}");
    assert!(would.iter().all(|r| r["outcome"] == "would" && r["tertials"] == serde_json::json!(["2022-T1"])));
    assert!(!preview["owed"].as_array().unwrap().is_empty());
    assert!(by_recipient(&st, MANUAL).is_empty(), "a preview sends nothing");

    // Without a key: refused, nothing sent.
    assert_eq!(remind(&url, None).await.status(), 422);

    // A double click: the same key twice at once.
    let (a, b) =
        tokio::join!(remind(&url, Some("web-coordinator-nonce-1")), remind(&url, Some("web-coordinator-nonce-1")));
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    let outcomes: Vec<&Value> = a["reporters"]
        .as_array()
        .unwrap()
        .iter()
        .chain(b["reporters"].as_array().unwrap())
        .map(|r| &r["outcome"])
        .collect();
    assert_eq!(outcomes.iter().filter(|o| **o == "sent").count(), reporters, "{a} {b}");
    assert_eq!(outcomes.iter().filter(|o| **o == "already").count(), reporters, "{a} {b}");
    assert_eq!(a["occasion"], b["occasion"]);
    let occasion = a["occasion"].as_str().unwrap().to_owned();
    assert!(occasion.starts_with("manual-"), "{occasion}");

    let got = by_recipient(&st, MANUAL);
    // One address may be a reporter and a coordinator (two entries): count by address.
    for email in emails.values() {
        let reporter = would.iter().any(|r| emails.get(r["person"].as_str().unwrap()) == Some(email));
        assert_eq!(got.get(email).copied().unwrap_or(0), usize::from(reporter), "manual mails to {email}: {got:?}");
    }
    let manual: Vec<Value> = reminders_recorded(&st.ledger)
        .await
        .into_iter()
        .filter(|e| e["data"]["occasion"] == occasion.as_str())
        .collect();
    assert_eq!(manual.len(), reporters, "one reminder_sent per reporter and tertial: {manual:?}");
    let mut people: Vec<&str> = manual.iter().map(|e| e["data"]["person"].as_str().unwrap()).collect();
    people.sort_unstable();
    people.dedup();
    assert_eq!(people.len(), reporters);

    // Asked again later with the same key: nothing more.
    let again: Value = remind(&url, Some("web-coordinator-nonce-1")).await.json().await.unwrap();
    assert!(again["reporters"].as_array().unwrap().iter().all(|r| r["outcome"] == "already"), "{again}");
    assert_eq!(by_recipient(&st, MANUAL), got);

    // 13 May, three days before the due date: the scheduled reminder still goes to everyone.
    let r = tick(&url, "2022-05-13T08:00:00Z").await;
    assert_eq!(r["sent"], reporters, "the manual reminder does not stand in for a scheduled one: {r}");
    assert_eq!(reminders_recorded(&st.ledger).await.len(), scheduled + 2 * reporters);
    cancel.cancel();
    task.await.unwrap().unwrap();
}
