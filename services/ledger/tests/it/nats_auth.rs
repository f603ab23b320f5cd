//! The outbox against a nats-server that wants credentials or TLS: with the right ones it
//! publishes; with a wrong password it publishes nothing, takes no appends (it cannot compare its
//! log with the stream), and says why in the answers, `/readyz` and `/metrics` — without the
//! password there, or in its log.

use std::time::Duration;

use async_nats::jetstream;
use lofte_service::nats::NatsConnection;
use lofte_test_support::{poll_until, NatsServer, ServiceProcess, TestPki};
use serde_json::Value;

use super::common::{plan_commands, TestLedger};

const PASSWORD: &str = "rätt-lösen-7f3a";
const WRONG: &str = "fel-lösen-hemlis-91c2";

/// How many messages the LOFTE stream holds (0 if there is no stream yet).
async fn stream_len(nats: &NatsConnection) -> u64 {
    let js = jetstream::new(nats.connect("lofte-test").await.unwrap());
    match js.get_stream("LOFTE").await {
        Ok(mut s) => s.info().await.unwrap().state.messages,
        Err(_) => 0,
    }
}

async fn expect_published(l: &TestLedger, nats: &NatsConnection) {
    let head = plan_commands().len() as u64;
    poll_until("every event in the stream", Duration::from_secs(30), || async {
        let (_, ready) = l.get_json("/readyz").await;
        let published = ready["outbox"]["published_seq"].as_u64().unwrap_or(0);
        Ok::<_, String>((published == head).then_some(()))
    })
    .await
    .unwrap();
    assert_eq!(stream_len(nats).await, head);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_right_password_the_ledger_publishes() {
    let nats = NatsServer::start_with_auth("lofte", PASSWORD).await.unwrap();
    let conn = NatsConnection::new(nats.url()).with_user("lofte", PASSWORD);
    let dir = tempfile::tempdir().unwrap();
    let c = conn.clone();
    let l = TestLedger::start_with(dir.path(), move |s| s.nats.connection = c).await.with_plan().await;
    expect_published(&l, &conn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_wrong_password_nothing_is_published_and_the_error_shows_without_it() {
    let nats = NatsServer::start_with_auth("lofte", PASSWORD).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("ledger.log");
    let data = dir.path().join("data");
    let args = ["--listen", "127.0.0.1:0", "--data-dir", data.to_str().unwrap()];
    let url = nats.url();
    // Configured the way an operator would: the password only in the environment.
    let env = [
        ("LOFTE__LEDGER__NATS__URL", url.as_str()),
        ("LOFTE__LEDGER__NATS__USER", "lofte"),
        ("LOFTE__LEDGER__NATS__PASSWORD", WRONG),
        ("LOFTE__LEDGER__NATS__RETRY_MAX_MS", "200"),
        ("RUST_LOG", "debug,async_nats=trace"),
    ];
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_lofte-ledger"));
    let ledger = ServiceProcess::start_logged(bin, &args, &env, &log).unwrap();
    let http = reqwest::Client::new();
    let ready: Value = poll_until("the refusal in /readyz", Duration::from_secs(20), || async {
        let r = http.get(format!("{}/readyz", ledger.url)).send().await.unwrap();
        assert_eq!(r.status(), 503, "ready without having compared the log with the stream");
        let v: Value = r.json().await.unwrap();
        let e = v["detail"].as_str().unwrap_or_default().to_owned();
        Ok::<_, String>(e.contains("authorization violation").then_some(v))
    })
    .await
    .unwrap();
    assert_eq!(ready["type"], "urn:lofte:problem:checking-log", "{ready}");
    // An append is refused saying why, and nothing is written.
    let r = http.post(format!("{}/v1/events", ledger.url)).json(&plan_commands()[0]).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().get("retry-after").is_some());
    let refused: Value = r.json().await.unwrap();
    assert_eq!(refused["type"], "urn:lofte:problem:checking-log", "{refused}");
    let verify: Value = http.get(format!("{}/v1/verify", ledger.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(verify["head_seq"], 0, "{verify}");
    let metrics = http.get(format!("{}/metrics", ledger.url)).send().await.unwrap().text().await.unwrap();
    let errors = metrics.lines().find(|l| l.starts_with("lofte_ledger_publish_errors_total")).unwrap();
    assert!(!errors.ends_with(" 0"), "{errors}");
    assert_eq!(stream_len(&NatsConnection::new(nats.url()).with_user("lofte", PASSWORD)).await, 0);
    drop(ledger);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("authorization violation"), "the log says why");
    for shown in [ready.to_string(), refused.to_string(), metrics, logged] {
        assert!(!shown.contains("hemlis"), "the password leaked: {shown}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_tls_with_a_client_certificate_the_ledger_publishes() {
    let pki = TestPki::new().unwrap();
    let (cert, key) = pki.server();
    let nats = NatsServer::start_with_tls(&cert, &key, Some(&pki.ca())).await.unwrap();
    let mut conn = NatsConnection::new(nats.url());
    conn.tls.ca_file = Some(pki.ca());
    let (ccert, ckey) = pki.client();
    (conn.tls.cert_file, conn.tls.key_file) = (Some(ccert), Some(ckey));
    let dir = tempfile::tempdir().unwrap();
    let c = conn.clone();
    let l = TestLedger::start_with(dir.path(), move |s| s.nats.connection = c).await.with_plan().await;
    expect_published(&l, &conn).await;
}
