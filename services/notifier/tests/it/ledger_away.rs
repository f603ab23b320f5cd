//! A ledger that is away while mails go out: each mail is kept in the notifier's own state, so it
//! is not sent again, and its `reminder_sent` is recorded once the ledger can be reached — after a
//! restart too, as the state is on disk.

use lofte_test_support::Gate;

use super::stack::{notifier, reminders_recorded, stack, tick};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_are_kept_and_recorded_once_the_ledger_is_back() {
    let st = stack().await;
    let reporters: usize = st.reporters();
    // The ledger it records into (and reads the people directory from) behind a gate: open while
    // the notifier starts (its first tick reads the directory), then away (the stream still flows).
    let gate = Gate::start(&st.ledger, true).await.unwrap();
    let mut settings = st.settings.clone();
    settings.ledger_url = gate.url().to_owned();
    let (url, cancel, task) = notifier(&settings, 37).await;
    tick(&url, "2022-04-01T09:00:00Z").await;
    gate.set_open(false);
    // The mails still go out, to the addresses last read.
    let r = tick(&url, "2022-05-02T08:00:00Z").await;
    assert_eq!((r["sent"].as_u64(), r["recorded"].as_u64()), (Some(reporters as u64), Some(0)), "{r}");
    let r = tick(&url, "2022-05-02T09:00:00Z").await;
    assert_eq!((r["sent"].as_u64(), r["recorded"].as_u64()), (Some(0), Some(0)), "kept, not sent again: {r}");
    cancel.cancel();
    task.await.unwrap().unwrap();
    assert!(reminders_recorded(&st.ledger).await.is_empty());

    // Restarted with the ledger reachable: what was kept is recorded, nothing is sent again.
    let (url, cancel, task) = notifier(&st.settings, 0).await;
    let r = tick(&url, "2022-05-02T10:00:00Z").await;
    assert_eq!(r["sent"], 0, "{r}");
    let recorded = reminders_recorded(&st.ledger).await;
    assert_eq!(recorded.len(), reporters, "one reminder_sent per mail");
    assert!(recorded.iter().all(|e| e["data"]["message_id"].as_str().is_some_and(|id| id.starts_with("<due-14."))));
    assert_eq!(st.smtp.messages().len(), reporters);
    assert_eq!(tick(&url, "2022-05-02T11:00:00Z").await["recorded"], 0, "recorded once");
    cancel.cancel();
    task.await.unwrap().unwrap();
}
