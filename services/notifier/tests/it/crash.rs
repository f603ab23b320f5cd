//! The real `lofte-notifier` SIGKILLed in the middle of a batch and restarted: no mail is missed,
//! and the only mail that can arrive twice is the one in flight when it died — with the same
//! Message-ID, so it is recognisably the same mail. Each mail has exactly one `reminder_sent`.

use std::{collections::BTreeSet, time::Duration};

use lofte_test_support::{poll_until, ServiceProcess};

use super::stack::{reminders_recorded, stack, tick, wait_applied};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_batch_it_misses_nothing_and_duplicates_nothing_new() {
    let st = stack().await;
    let dir = tempfile::tempdir().unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_lofte-notifier"));
    let mut args = st.process_args(dir.path());
    let smtp = ["--smtp-host", "127.0.0.1", "--smtp-port", &st.smtp.port().to_string(), "--smtp-tls", "none"];
    args.extend(smtp.map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let reporters: usize = st.reporters();
    let mut expected = 0;
    // Three occasions; each tick's batch is interrupted after its first mails are out.
    for (i, now) in ["2022-05-02T06:00:00Z", "2022-05-13T06:00:00Z", "2022-05-16T06:00:00Z"].iter().enumerate() {
        let mut p = ServiceProcess::start(bin, &args).unwrap();
        wait_applied(&p.url, if i == 0 { 37 } else { 0 }).await;
        let before = st.smtp.messages().len();
        let url = p.url.clone();
        let now = now.to_string();
        let ticking =
            tokio::spawn(async move { reqwest::Client::new().post(format!("{url}/v1/tick?now={now}")).send().await });
        poll_until("a first mail of the batch", Duration::from_secs(20), || async {
            Ok::<_, String>((st.smtp.messages().len() > before).then_some(()))
        })
        .await
        .unwrap();
        p.kill();
        let _ = ticking.await;
        // Restarted, it finishes the batch.
        let p = ServiceProcess::start(bin, &args).unwrap();
        wait_applied(&p.url, 0).await;
        let r = tick(&p.url, &format!("{}T07:00:00Z", &["2022-05-02", "2022-05-13", "2022-05-16"][i])).await;
        assert_eq!(r["failed"], 0, "{r}");
        expected += reporters;
    }
    let mails = st.smtp.messages();
    let ids: Vec<String> = mails.iter().filter_map(|m| m.header("Message-ID")).collect();
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), expected, "no mail missed");
    assert!(
        ids.len() <= expected + 3,
        "at most the one in-flight mail per kill arrives twice: {} for {expected}",
        ids.len()
    );
    let recorded = reminders_recorded(&st.ledger).await;
    assert_eq!(recorded.len(), expected, "exactly one reminder_sent per mail");
    let recorded_ids: BTreeSet<String> =
        recorded.iter().map(|e| e["data"]["message_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(recorded_ids, distinct.into_iter().cloned().collect());
}
