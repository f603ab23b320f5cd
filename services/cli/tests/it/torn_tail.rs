//! A ledger whose disk lost its tail (sled's flush is not power-loss safe, ADR 0001), with real
//! processes: after a clean stop the end of sled's `db` file is cut, as a power loss after
//! `sync_file_range` can leave it, and the ledger is restarted on the same NATS while a projector
//! runs. Every acknowledged event comes back from the stream (same seq, hash and idempotency
//! key), `lofte audit verify --nats` agrees, and new appends go on from the true head and reach
//! the projector — in both ack modes.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    time::Duration,
};

use lofte_projector::{App as Projector, Settings as ProjectorSettings};
use lofte_service::nats::NatsConnection;
use lofte_test_support::{copy_dir, poll_until, NatsServer, ServiceProcess, StartError};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use super::{
    live::import_eksjo,
    plan_import::{lofte, text},
};

const AS_OF: &str = "2030-01-01T00:00:00Z";
const WRITERS: usize = 8;
const EACH: usize = 30;

/// `lofte-ledger`, built beside `lofte`.
fn ledger_bin() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_lofte")).with_file_name("lofte-ledger");
    assert!(bin.is_file(), "{} not found: build the services first (cargo build --workspace --bins)", bin.display());
    bin
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts the ledger on `dir`, publishing to `nats` if given, and waits until it answers.
fn start_ledger(dir: &Path, port: u16, nats: Option<&str>, mode: &str) -> Result<ServiceProcess, StartError> {
    let data = dir.join("data");
    let listen = format!("127.0.0.1:{port}");
    let mut args = vec!["--listen", &listen, "--data-dir", data.to_str().unwrap(), "--ledger-id", "torn"];
    if let Some(url) = nats {
        args.extend(["--nats-url", url]);
    }
    let env = [("LOFTE__LEDGER__NATS__ACK_MODE", mode), ("LOFTE__LEDGER__NATS__RETRY_MAX_MS", "200")];
    ServiceProcess::start_logged(&ledger_bin(), &args, &env, &dir.join(format!("ledger-{port}.log")))
}

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.unwrap_or(Value::Null)
}

async fn wait_ready(url: &str) -> Value {
    poll_until("the ledger to take appends", Duration::from_secs(60), || async {
        let r = reqwest::get(format!("{url}/readyz")).await.map_err(|e| e.to_string())?;
        let ok = r.status() == StatusCode::OK;
        let v = json_of(r).await;
        if ok {
            Ok(Some(v))
        } else {
            Err(v.to_string())
        }
    })
    .await
    .unwrap()
}

/// Waits until JetStream holds everything the ledger has.
async fn wait_published(url: &str) {
    poll_until("the outbox to catch up", Duration::from_secs(60), || async {
        let v = wait_ready(url).await;
        Ok::<_, String>((v["outbox"]["lag"] == 0).then_some(()))
    })
    .await
    .unwrap();
}

async fn head(url: &str) -> (u64, String) {
    let v = json_of(reqwest::get(format!("{url}/v1/verify")).await.unwrap()).await;
    assert_eq!(v["ok"], true, "{v}");
    (v["head_seq"].as_u64().unwrap(), v["head_hash"].as_str().unwrap().to_owned())
}

fn measure(writer: usize, i: usize) -> Value {
    json!({"plan": "eksjo-2017", "actor": "polisen", "kind": "measure_counted", "data": {
        "activity": "trafikkontroller", "date": format!("2017-{:02}-{:02}", i % 12 + 1, writer + 1),
        "metric": "trafikkontroller", "count": i + 1, "area": "ostra-kommundelen"}})
}

/// Appends from concurrent writers; every acknowledged event by its idempotency key.
async fn append_concurrently(url: &str) -> BTreeMap<String, (Value, Value)> {
    let client = reqwest::Client::new();
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (client, url) = (client.clone(), url.to_owned());
            tokio::spawn(async move {
                let mut acked = vec![];
                for i in 0..EACH {
                    let (key, body) = (format!("w{w}-{i}"), measure(w, i));
                    let r = client.post(format!("{url}/v1/events")).header("Idempotency-Key", &key).json(&body);
                    let r = r.send().await.unwrap();
                    assert_eq!(r.status(), StatusCode::CREATED);
                    acked.push((key, (body, json_of(r).await)));
                }
                acked
            })
        })
        .collect();
    let mut out = BTreeMap::new();
    for t in tasks {
        out.extend(t.await.unwrap());
    }
    out
}

fn cut(db: &Path, bytes: u64) {
    let f = std::fs::OpenOptions::new().write(true).open(db).unwrap();
    let len = f.metadata().unwrap().len();
    f.set_len(len - bytes).unwrap();
}

/// Cuts the end of sled's `db` in `dir` by the least of a few sizes that loses events, proven on
/// a copy started without NATS (which has nothing to recover from). Returns the head it fell to.
async fn tear_tail(dir: &Path, head: u64) -> u64 {
    for bytes in [300, 1_000, 3_000, 10_000, 30_000] {
        let copy = tempfile::tempdir().unwrap();
        copy_dir(&dir.join("data"), &copy.path().join("data")).unwrap();
        cut(&copy.path().join("data/db"), bytes);
        // A cut sled cannot open at all says so and exits (tested elsewhere): try another.
        let Ok(mut p) = start_ledger(copy.path(), 0, None, "local") else { continue };
        let fell_to = head_of_copy(&p.url).await;
        p.stop().unwrap();
        if fell_to.is_some_and(|h| h < head) {
            cut(&dir.join("data/db"), bytes);
            return fell_to.unwrap();
        }
    }
    panic!("no cut of sled's db lost an acknowledged event: the test proves nothing");
}

async fn head_of_copy(url: &str) -> Option<u64> {
    let v = json_of(reqwest::get(format!("{url}/v1/verify")).await.ok()?).await;
    (v["ok"] == true).then(|| v["head_seq"].as_u64()).flatten()
}

async fn torn_tail(mode: &str) {
    let nats = NatsServer::start().await.unwrap();
    let (ldir, pdir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut ledger = start_ledger(ldir.path(), port, Some(&nats.url()), mode).unwrap();
    wait_ready(&url).await;
    let cancel = CancellationToken::new();
    let projector = Projector::build(ProjectorSettings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: pdir.path().to_owned(),
        nats: NatsConnection::new(nats.url()),
        ledgers: BTreeMap::from([("torn".to_owned(), url.clone())]),
        ..ProjectorSettings::default()
    })
    .await
    .unwrap();
    let p = format!("http://{}", projector.addr());
    tokio::spawn(projector.run(cancel.clone()));

    import_eksjo(&url).await;
    let acked = append_concurrently(&url).await;
    wait_published(&url).await;
    let before = head(&url).await;
    assert!(ledger.stop().unwrap().success());
    let fell_to = tear_tail(ldir.path(), before.0).await;

    // Restarted on the same NATS: the lost tail is back before any append is taken.
    let _ledger = start_ledger(ldir.path(), port, Some(&nats.url()), mode).unwrap();
    wait_ready(&url).await;
    assert_eq!(head(&url).await, before, "the log fell to seq {fell_to} and was not recovered");
    let client = reqwest::Client::new();
    for (key, (body, ev)) in &acked {
        let r = client.post(format!("{url}/v1/events")).header("Idempotency-Key", key).json(body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "key {key}: a retry of an acknowledged event");
        let again = json_of(r).await;
        assert_eq!((&again["seq"], &again["hash"]), (&ev["seq"], &ev["hash"]), "key {key}");
    }
    for i in 0..5 {
        let r = client.post(format!("{url}/v1/events")).json(&measure(WRITERS, i)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(json_of(r).await["seq"], before.0 + 1 + i as u64, "new appends go on from the true head");
    }
    wait_published(&url).await;
    let last = before.0 + 5;

    let out = lofte(&["audit", "verify", "--nats", &nats.url(), "--ledger", &url]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("the stream holds the same {last} events")), "{}", text(&out.stdout));

    // The projector equals the log: everything applied, and the same report as an auditor's replay.
    poll_until("the projector to catch up", Duration::from_secs(30), || async {
        let v = json_of(reqwest::get(format!("{p}/v1/plans")).await.map_err(|e| e.to_string())?).await;
        if v["plans"][0]["last_seq"] == last {
            Ok(Some(()))
        } else {
            Err(format!("the projector has {v}"))
        }
    })
    .await
    .unwrap();
    let served =
        lofte(&["report", "--plan", "eksjo-2017", "--format", "md", "--as-of", AS_OF, "--projector", &p]).await;
    let replayed =
        lofte(&["audit", "replay", "--plan", "eksjo-2017", "--format", "md", "--as-of", AS_OF, "--ledger", &url]).await;
    assert!(served.status.success() && replayed.status.success(), "{}{}", text(&served.stderr), text(&replayed.stderr));
    assert_eq!(text(&served.stdout), text(&replayed.stdout), "the projector and the log agree");
    cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_tail_is_recovered_from_the_stream_in_local_mode() {
    torn_tail("local").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_tail_is_recovered_from_the_stream_in_replicated_mode() {
    torn_tail("replicated").await;
}
