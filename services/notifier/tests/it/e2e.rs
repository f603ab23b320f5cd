//! The notifier across real parts: nats-server, a ledger publishing Jönköping 2022, a real SMTP
//! server. Reminders arrive once per recipient and occasion, each with its `reminder_sent` event;
//! a second tick and a restarted notifier send nothing again; an occasion during an SMTP outage is
//! delivered once the server is back, once.

use super::stack::{notifier, reminders_recorded, stack, tick};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_go_once_through_restarts_and_an_smtp_outage() {
    let mut st = stack().await;
    let reporters: usize = st.reporters();
    let (url, cancel, task) = notifier(&st.settings, 37).await;
    // 2 May 2022: 14 days before the T1 follow-up is due; every organisation owes.
    let r = tick(&url, "2022-05-02T08:00:00Z").await;
    assert_eq!(r["sent"], reporters, "{r}");
    assert_eq!(st.smtp.messages().len(), reporters);
    assert_eq!(reminders_recorded(&st.ledger).await.len(), reporters, "each mail has its reminder_sent event");
    // The same day again, and after a restart: nothing more.
    assert_eq!(tick(&url, "2022-05-02T15:00:00Z").await["sent"], 0);
    cancel.cancel();
    task.await.unwrap().unwrap();
    // Restarted, it resumes its durable consumer where it left off: nothing new to apply.
    let (url, cancel, task) = notifier(&st.settings, 0).await;
    assert_eq!(tick(&url, "2022-05-03T08:00:00Z").await["sent"], 0);
    assert_eq!(st.smtp.messages().len(), reporters);

    // 13 May: 3 days before — while the SMTP server is down.
    st.smtp.stop();
    let r = tick(&url, "2022-05-13T08:00:00Z").await;
    assert_eq!(r["sent"], 0, "{r}");
    assert!(r["failed"].as_u64().unwrap() > 0, "{r}");
    st.smtp.restart().await.unwrap();
    let r = tick(&url, "2022-05-13T09:00:00Z").await;
    assert_eq!(r["sent"], reporters, "delivered once the server is back: {r}");
    assert_eq!(tick(&url, "2022-05-13T10:00:00Z").await["sent"], 0, "and only once");
    assert_eq!(st.smtp.messages().len(), 2 * reporters);
    assert_eq!(reminders_recorded(&st.ledger).await.len(), 2 * reporters);
    let ids: std::collections::BTreeSet<String> =
        st.smtp.messages().iter().filter_map(|m| m.header("Message-ID")).collect();
    assert_eq!(ids.len(), 2 * reporters, "every mail its own Message-ID");
    cancel.cancel();
    task.await.unwrap().unwrap();
}
