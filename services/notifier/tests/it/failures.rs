//! A mail that keeps failing: after `max_attempts` a `reminder_failed` event is recorded and the
//! plan's coordinators get a note (once, when mail works again); the reminder itself is still
//! delivered once the server is back.

use serde_json::Value;

use super::stack::{notifier, stack, tick};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_recorded_and_coordinators_told() {
    let mut st = stack().await;
    st.settings.max_attempts = 1;
    let reporters: usize = st.reporters();
    let coordinators = st.coordinators();
    let (url, cancel, task) = notifier(&st.settings, 37).await;
    st.smtp.stop();
    let r = tick(&url, "2022-05-02T06:00:00Z").await;
    assert_eq!((r["sent"].as_u64(), r["failed"].as_u64()), (Some(0), Some(reporters as u64)), "{r}");
    let page: Value =
        reqwest::get(format!("{}/v1/events?after=0&limit=1000", st.ledger)).await.unwrap().json().await.unwrap();
    let failed = page["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "reminder_failed").count();
    assert_eq!(failed, reporters, "one reminder_failed per undelivered mail");

    st.smtp.restart().await.unwrap();
    let r = tick(&url, "2022-05-02T07:00:00Z").await;
    assert_eq!(r["sent"].as_u64(), Some((reporters + reporters * coordinators) as u64), "{r}");
    let notes = st
        .smtp
        .messages()
        .iter()
        .filter(|m| m.header("Message-ID").is_some_and(|id| id.starts_with("<failure.")))
        .count();
    assert_eq!(notes, reporters * coordinators);
    assert_eq!(tick(&url, "2022-05-02T08:00:00Z").await["sent"], 0, "notes go once");
    cancel.cancel();
    task.await.unwrap().unwrap();
}
