//! The log against the stream's copy, with a real nats-server: a data directory lost whole is
//! restored from the stream only when asked (`--restore-from-stream`), with the same events,
//! hashes, idempotency keys and stream versions; a publish JetStream drops as a duplicate of a
//! different event stops the outbox and the appends.

use std::time::Duration;

use lofte_ledger::settings::AckMode;
use lofte_test_support::{poll_until, NatsServer, ServiceProcess};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::common::{patrol, wait_ready, TestLedger};

async fn ledger(dir: &std::path::Path, id: &str, nats: &str, restore: bool) -> TestLedger {
    let (id, nats) = (id.to_owned(), nats.to_owned());
    TestLedger::start_with(dir, move |s| {
        s.ledger_id = id.parse().unwrap();
        s.nats.connection.url = Some(nats);
        s.nats.ack_mode = AckMode::Replicated;
        s.nats.retry_max_ms = 200;
        s.restore_from_stream = restore;
    })
    .await
}

/// `/readyz` until it stops saying the ledger is still checking; the last answer.
async fn settled(l: &TestLedger) -> (StatusCode, Value) {
    poll_until("the ledger to compare its log with the stream", Duration::from_secs(30), || async {
        let (s, v) = l.get_json("/readyz").await;
        Ok::<_, String>((v["type"] != "urn:lofte:problem:checking-log").then_some((s, v)))
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_data_directory_is_restored_from_the_stream_only_when_asked() {
    let nats = NatsServer::start().await.unwrap();
    let (first, lost, typo) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let l = ledger(first.path(), "jkpg", &nats.url(), false).await.with_plan().await;
    let mut keyed = vec![];
    for d in 1..=30u64 {
        let body = patrol(&format!("2022-03-{:02}", d % 28 + 1), json!(d));
        let key = format!("patrol-{d}");
        let (s, _, ev) = l.post_with(&body, &[("Idempotency-Key", key.as_str())]).await;
        assert_eq!(s, StatusCode::CREATED, "{ev}");
        keyed.push((key, body, ev));
    }
    let head = l.head().await;
    let stream_version = keyed.last().unwrap().2["stream_version"].clone();
    l.stop().await;

    // Without the flag, an empty directory (a mistyped path) refuses appends and says what to do.
    let t = ledger(typo.path(), "jkpg", &nats.url(), false).await;
    let (s, v) = settled(&t).await;
    assert_eq!(
        (s, v["type"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("urn:lofte:problem:log-refused")),
        "{v}"
    );
    let detail = v["detail"].as_str().unwrap();
    assert!(detail.contains("--restore-from-stream") && detail.contains(typo.path().to_str().unwrap()), "{detail}");
    let (s, _, refused) = t.post_with(&patrol("2022-05-01", json!(1)), &[]).await;
    assert_eq!((s, refused["type"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("urn:lofte:problem:log-refused")));
    assert_eq!(t.head().await.0, 0, "a refused append wrote nothing");
    t.stop().await;

    // With it (the real binary's flag), the same log: head, hashes, keys and stream versions.
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_lofte-ledger"));
    let data = lost.path().to_str().unwrap();
    let url = nats.url();
    let args = ["--listen", "127.0.0.1:0", "--data-dir", data, "--ledger-id", "jkpg", "--nats-url", &url];
    let p = ServiceProcess::start(bin, &[&args[..], &["--restore-from-stream"]].concat()).unwrap();
    wait_ready(&p.url).await;
    let http = reqwest::Client::new();
    let v: Value = http.get(format!("{}/v1/verify", p.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (&v["ok"], v["head_seq"].as_u64(), v["head_hash"].as_str()),
        (&json!(true), Some(head.0), Some(&*head.1))
    );
    let post = |body: &Value, header: (&str, &str)| {
        http.post(format!("{}/v1/events", p.url)).header(header.0, header.1).json(body).send()
    };
    for (key, body, ev) in &keyed {
        let r = post(body, ("Idempotency-Key", key)).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "key {key}");
        let again: Value = r.json().await.unwrap();
        assert_eq!((&again["id"], &again["hash"]), (&ev["id"], &ev["hash"]), "key {key}");
    }
    let m = http.get(format!("{}/metrics", p.url)).send().await.unwrap().text().await.unwrap();
    assert!(m.contains(&format!("lofte_ledger_recovered_events_total {}\n", head.0)), "{m}");
    // Appends go on from the next seq, on the restored stream version.
    let expected = stream_version.as_u64().unwrap().to_string();
    let r = post(&patrol("2022-06-01", json!(5)), ("If-Match", &expected)).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["seq"].as_u64(), Some(head.0 + 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_of_a_different_event_stops_the_outbox_and_the_appends() {
    let nats = NatsServer::start().await.unwrap();
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // Two ledgers wrongly given one id, both started before either published anything.
    let a = ledger(da.path(), "twin", &nats.url(), false).await.ready().await;
    let b = ledger(db.path(), "twin", &nats.url(), false).await.ready().await;
    let a = a.with_plan().await;
    let (s, _, v) = b.post_with(&super::common::plan_commands()[0], &[]).await;
    // The stream already holds twin:1 (a's): b's seq 1 is dropped as a duplicate of another event.
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    let (s, v) = poll_until("b to refuse", Duration::from_secs(20), || async {
        let (s, v) = b.get_json("/readyz").await;
        Ok::<_, String>((v["type"] == "urn:lofte:problem:log-refused").then_some((s, v)))
    })
    .await
    .unwrap();
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert!(v["detail"].as_str().unwrap().contains("seq 1"), "{v}");
    let (_, _, m) = b.get("/metrics").await;
    assert!(m.contains("lofte_ledger_log_diverged 1") && m.contains("lofte_ledger_published_seq 0"), "{m}");
    let (s, _, _) = b.post_with(&patrol("2022-05-01", json!(1)), &[]).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    // a is unharmed.
    assert_eq!(a.post(&patrol("2022-05-01", json!(1))).await.0, StatusCode::CREATED);
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_ledgers_with_one_id_that_wrote_during_an_outage_never_both_publish() {
    let mut nats = NatsServer::start().await.unwrap();
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let start = |dir: &std::path::Path| {
        let (dir, url) = (dir.to_owned(), nats.url());
        async move {
            TestLedger::start_with(&dir, move |s| {
                s.ledger_id = "twin".parse().unwrap();
                s.nats.connection.url = Some(url);
                s.nats.retry_max_ms = 200;
            })
            .await
            .ready()
            .await
        }
    };
    let (a, b) = (start(da.path()).await, start(db.path()).await);
    nats.stop();
    // Both take appends in `local` mode while NATS is away: two different logs under one id.
    let a = a.with_plan().await;
    let b = b.with_plan().await;
    nats.restart().await.unwrap();
    // When NATS is back, whichever compares or publishes second finds the other's events under
    // its seqs, and refuses; the stream holds one log only.
    let refused = poll_until("one of them to refuse", Duration::from_secs(30), || async {
        let (_, ra) = a.get_json("/readyz").await;
        let (_, rb) = b.get_json("/readyz").await;
        let refused: Vec<_> =
            [&ra, &rb].iter().filter(|r| r["type"] == "urn:lofte:problem:log-refused").map(|r| r.to_string()).collect();
        Ok::<_, String>((!refused.is_empty()).then_some(refused))
    })
    .await
    .unwrap();
    assert_eq!(refused.len(), 1, "exactly one refuses: {refused:?}");
    assert!(refused[0].contains("seq"), "{refused:?}");
    a.stop().await;
    b.stop().await;
}
