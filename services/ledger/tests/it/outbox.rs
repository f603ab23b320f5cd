//! The outbox against a real nats-server (JetStream): every event in the stream exactly once and
//! in seq order per ledger, through NATS outages, ledger crashes while publishing, a lost stream,
//! and with several ledgers sharing one stream.

use std::{collections::BTreeMap, time::Duration};

use async_nats::jetstream;
use lofte_ledger::settings::AckMode;
use lofte_test_support::{poll_until, NatsServer, ServiceProcess};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::common::{patrol, plan_commands, wait_ready, TestLedger};

/// What the stream holds: per ledger, the seqs in stream order, with payload hashes.
async fn stream_contents(nats: &str) -> BTreeMap<String, Vec<(u64, String)>> {
    let js = jetstream::new(async_nats::connect(nats).await.unwrap());
    let mut out: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
    let Ok(mut s) = js.get_stream("LOFTE").await else { return out };
    let state = s.info().await.unwrap().state.clone();
    if state.messages == 0 {
        return out;
    }
    for n in state.first_sequence..=state.last_sequence {
        let m = s.get_raw_message(n).await.unwrap();
        let h = |k: &str| m.headers.get(k).unwrap().as_str().to_owned();
        let ev: Value = serde_json::from_slice(&m.payload).unwrap();
        assert_eq!(h("Lofte-Hash"), ev["hash"].as_str().unwrap());
        assert_eq!(h("Lofte-Seq"), ev["seq"].to_string());
        assert_eq!(
            m.subject.as_str(),
            format!("lofte.v1.{}.{}.{}", h("Lofte-Ledger"), ev["plan"].as_str().unwrap(), ev["kind"].as_str().unwrap())
        );
        out.entry(h("Lofte-Ledger"))
            .or_default()
            .push((h("Lofte-Seq").parse().unwrap(), ev["hash"].as_str().unwrap().to_owned()));
    }
    out
}

/// Waits until the stream holds exactly `head` events of `ledger`, then checks they are 1..=head
/// in order, each once.
async fn expect_stream_matches(nats: &str, ledger: &str, head: u64) {
    let got = poll_until("the stream to catch up", Duration::from_secs(30), || async {
        let c = stream_contents(nats).await;
        let n = c.get(ledger).map_or(0, Vec::len) as u64;
        Ok::<_, String>((n >= head).then_some(c))
    })
    .await
    .unwrap();
    let seqs: Vec<u64> = got[ledger].iter().map(|(s, _)| *s).collect();
    assert_eq!(seqs, (1..=head).collect::<Vec<_>>(), "ledger {ledger}: not each once, in order");
}

async fn ledger(dir: &std::path::Path, id: &str, nats: &str, mode: AckMode) -> TestLedger {
    let (id, nats) = (id.to_owned(), nats.to_owned());
    TestLedger::start_with(dir, move |s| {
        s.ledger_id = id.parse().unwrap();
        s.nats.connection.url = Some(nats);
        s.nats.ack_mode = mode;
        s.nats.retry_max_ms = 200;
        s.nats.replicated_timeout_ms = 1500;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_ledgers_share_one_stream_each_once_in_order() {
    let nats = NatsServer::start().await.unwrap();
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = ledger(da.path(), "jonkoping", &nats.url(), AckMode::Local).await.with_plan().await;
    let b = ledger(db.path(), "eksjo", &nats.url(), AckMode::Local).await.with_plan().await;
    for d in 0..150 {
        let date = format!("2022-{:02}-{:02}", d % 12 + 1, d % 28 + 1);
        assert_eq!(a.post(&patrol(&date, json!(d))).await.0, StatusCode::CREATED);
        assert_eq!(b.post(&patrol(&date, json!(d))).await.0, StatusCode::CREATED);
    }
    expect_stream_matches(&nats.url(), "jonkoping", 153).await;
    expect_stream_matches(&nats.url(), "eksjo", 153).await;
    let (_, ready) = a.get_json("/readyz").await;
    assert_eq!(ready["outbox"]["enabled"], true);
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_go_on_while_nats_is_down_and_catch_up_after() {
    let mut nats = NatsServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let l = ledger(dir.path(), "jkpg", &nats.url(), AckMode::Local).await.with_plan().await;
    expect_stream_matches(&nats.url(), "jkpg", 3).await;
    nats.stop();
    for d in 0..200 {
        let (s, _) = l.post(&patrol(&format!("2022-05-{:02}", d % 28 + 1), json!(d))).await;
        assert_eq!(s, StatusCode::CREATED, "an append failed while NATS was down");
    }
    let (_, ready) = l.get_json("/readyz").await;
    assert!(ready["outbox"]["lag"].as_u64().unwrap() >= 190, "{ready}");
    let (_, _, metrics) = l.get("/metrics").await;
    assert!(metrics.contains("lofte_ledger_outbox_lag"), "{metrics}");
    assert!(ready["outbox"]["last_error"].is_string(), "{ready}");
    nats.restart().await.unwrap();
    expect_stream_matches(&nats.url(), "jkpg", 203).await;
    // Caught up, the outage's error is no longer the outbox's state.
    let ready = poll_until("the outbox to report it caught up", Duration::from_secs(20), || async {
        let (_, ready) = l.get_json("/readyz").await;
        Ok::<_, String>((ready["outbox"]["lag"] == 0).then_some(ready))
    })
    .await
    .unwrap();
    assert_eq!(ready["outbox"]["last_error"], Value::Null, "{ready}");
    l.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_killed_while_publishing_leaves_no_gap_and_no_duplicate() {
    let nats = NatsServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_lofte-ledger"));
    let args: Vec<String> =
        ["--listen", "127.0.0.1:0", "--ledger-id", "crash", "--data-dir", dir.path().to_str().unwrap(), "--nats-url"]
            .iter()
            .map(|s| s.to_string())
            .chain([nats.url()])
            .collect();
    let start = || ServiceProcess::start(bin, &args.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
    let client = reqwest::Client::new();
    let mut p = start();
    wait_ready(&p.url).await;
    for c in plan_commands() {
        assert_eq!(client.post(format!("{}/v1/events", p.url)).json(&c).send().await.unwrap().status(), 201);
    }
    for round in 0..5u64 {
        // Appends and publishing in full swing, then SIGKILL at a varying moment.
        let url = p.url.clone();
        let before = head_seq(&client, &url).await;
        let sends: Vec<_> = (0..16)
            .map(|c| {
                let (client, url) = (client.clone(), url.clone());
                tokio::spawn(async move {
                    for i in 0.. {
                        let body = patrol(&format!("2022-06-{:02}", (c + i) % 28 + 1), json!(i));
                        if client.post(format!("{url}/v1/events")).json(&body).send().await.is_err() {
                            return;
                        }
                    }
                })
            })
            .collect();
        // On a busy machine the first appends can take a while: the round counts from the first.
        poll_until("an append in this round", Duration::from_secs(20), || async {
            Ok::<_, String>((head_seq(&client, &url).await > before).then_some(()))
        })
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(40 + 37 * round)).await;
        p.kill();
        for s in sends {
            let _ = s.await;
        }
        p = start();
        wait_ready(&p.url).await;
        let v: Value = client.get(format!("{}/v1/verify", p.url)).send().await.unwrap().json().await.unwrap();
        assert_eq!(v["ok"], true, "{v}");
        assert!(v["head_seq"].as_u64().unwrap() > 3 + round, "round {round}: nothing was appended");
        expect_stream_matches(&nats.url(), "crash", v["head_seq"].as_u64().unwrap()).await;
    }
}

async fn head_seq(client: &reqwest::Client, url: &str) -> u64 {
    let v: Value = client.get(format!("{url}/readyz")).send().await.unwrap().json().await.unwrap();
    v["head_seq"].as_u64().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_stream_is_republished_on_command() {
    let mut nats = NatsServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let l = ledger(dir.path(), "jkpg", &nats.url(), AckMode::Local).await.with_plan().await;
    for d in 1..=40 {
        l.post(&patrol(&format!("2022-03-{:02}", d % 28 + 1), json!(d))).await;
    }
    expect_stream_matches(&nats.url(), "jkpg", 43).await;
    // Asking when nothing is missing sends nothing again.
    let (s, _, v) = l.post_raw_to("/v1/admin/republish").await;
    assert_eq!((s, v["republishing_from"].as_u64()), (StatusCode::ACCEPTED, Some(44)));
    nats.restart_wiped().await.unwrap();
    assert!(stream_contents(&nats.url()).await.is_empty());
    let (s, _, v) = poll_until("the outbox to answer", Duration::from_secs(20), || async {
        let r = l.post_raw_to("/v1/admin/republish").await;
        Ok::<_, String>((r.0 == StatusCode::ACCEPTED).then_some(r))
    })
    .await
    .unwrap();
    assert_eq!((s, v["republishing_from"].as_u64()), (StatusCode::ACCEPTED, Some(1)));
    expect_stream_matches(&nats.url(), "jkpg", 43).await;
    l.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicated_mode_answers_only_after_jetstream() {
    let mut nats = NatsServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let l = ledger(dir.path(), "rep", &nats.url(), AckMode::Replicated).await.with_plan().await;
    let (s, h, ev) = l.post_with(&patrol("2022-02-01", json!(1)), &[("Idempotency-Key", "r1")]).await;
    assert_eq!(s, StatusCode::CREATED, "{ev}");
    let _ = h;
    let (_, ready) = l.get_json("/readyz").await;
    assert!(ready["outbox"]["published_seq"].as_u64().unwrap() >= ev["seq"].as_u64().unwrap());
    nats.stop();
    let (s, h, p) = l.post_with(&patrol("2022-02-02", json!(2)), &[("Idempotency-Key", "r2")]).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{p}");
    assert!(h.get("retry-after").is_some());
    assert_eq!(p["type"], "urn:lofte:problem:not-replicated");
    // It is on disk all the same, and once NATS is back the retry confirms it.
    assert_eq!(l.head().await.0, 5);
    nats.restart().await.unwrap();
    let (s, _, again) = poll_until("the retry to be confirmed", Duration::from_secs(30), || async {
        let r = l.post_with(&patrol("2022-02-02", json!(2)), &[("Idempotency-Key", "r2")]).await;
        Ok::<_, String>((r.0 == StatusCode::OK).then_some(r))
    })
    .await
    .unwrap();
    assert_eq!((s, again["seq"].as_u64()), (StatusCode::OK, Some(5)));
    l.stop().await;
}
