//! Ticks that run at the same time — eight posted at once for the same day, while the notifier's
//! own periodic tick runs every second — send each mail once: over a real SMTP server, and with
//! the file transport. Every Message-ID arrives once, and has one `reminder_sent`.

use std::{collections::BTreeSet, path::PathBuf};

use serde_json::Value;
use tokio::task::JoinSet;

use super::stack::{head, message_ids_in, notifier, reminders_recorded, stack_of, tick, Stack};

/// Plans in the ledger: 12 × 5 reporters = 60 reminders per occasion.
const COPIES: usize = 12;
/// Ticks posted at once.
const AT_ONCE: usize = 8;

/// Where the mails arrive.
enum Outbox {
    Smtp,
    Files(PathBuf),
}

impl Outbox {
    /// The Message-ID of every mail that arrived, one entry per mail.
    fn message_ids(&self, st: &Stack) -> Vec<String> {
        match self {
            Outbox::Smtp => st.smtp.messages().iter().map(|m| m.header("Message-ID").unwrap()).collect(),
            Outbox::Files(dir) => message_ids_in(dir),
        }
    }
}

async fn ticks_at_once(url: &str, now: &str) -> Vec<Value> {
    let mut ticks = JoinSet::new();
    for _ in 0..AT_ONCE {
        let (url, now) = (url.to_owned(), now.to_owned());
        ticks.spawn(async move { tick(&url, &now).await });
    }
    ticks.join_all().await
}

async fn concurrent_ticks_send_each_mail_once(mut st: Stack, outbox: Outbox) {
    // The periodic tick runs alongside the posted ones, on the clock they move.
    st.settings.tick_secs = 1;
    let per_occasion = st.reminders_per_occasion();
    let (url, cancel, task) = notifier(&st.settings, head(&st.ledger).await).await;
    // 2 May and 13 May 2022: 14 and 3 days before the T1 follow-up is due.
    for (i, now) in ["2022-05-02T08:00:00Z", "2022-05-13T08:00:00Z"].into_iter().enumerate() {
        for r in ticks_at_once(&url, now).await {
            assert_eq!(r["failed"], 0, "{r}");
        }
        let ids = outbox.message_ids(&st);
        let distinct: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), (i + 1) * per_occasion, "every mail due by {now} arrived");
        assert_eq!(ids.len(), distinct.len(), "no Message-ID arrived twice by {now}");
    }
    cancel.cancel();
    task.await.unwrap().unwrap();
    // Once the notifier has stopped, with whatever periodic tick was running finished.
    let ids = outbox.message_ids(&st);
    let distinct: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!((ids.len(), distinct.len()), (2 * per_occasion, 2 * per_occasion));
    let recorded = reminders_recorded(&st.ledger).await;
    assert_eq!(recorded.len(), 2 * per_occasion, "one reminder_sent per mail");
    let recorded_ids: BTreeSet<String> =
        recorded.iter().map(|e| e["data"]["message_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(recorded_ids, distinct);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_ticks_send_each_mail_once_over_smtp() {
    let st = stack_of(COPIES).await;
    concurrent_ticks_send_each_mail_once(st, Outbox::Smtp).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_ticks_write_each_mail_once_as_a_file() {
    let mut st = stack_of(COPIES).await;
    let dir = tempfile::tempdir().unwrap();
    st.settings.smtp.host = None;
    st.settings.mail_dir = dir.path().join("mail");
    concurrent_ticks_send_each_mail_once(st, Outbox::Files(dir.path().join("mail"))).await;
}
