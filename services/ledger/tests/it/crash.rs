//! Crash safety: a real `lofte-ledger` process under concurrent appends is killed with SIGKILL
//! at random moments, round after round. After every restart each acknowledged (201) event is
//! there with the seq it was acknowledged with, the chain verifies, and seq has no gap.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use lofte_test_support::{poll_until, ServiceProcess};
use rand::Rng;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::common::{patrol, plan_commands};

const ROUNDS: usize = 12;
const CLIENTS: usize = 16;

fn start(dir: &std::path::Path) -> ServiceProcess {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_lofte-ledger"));
    ServiceProcess::start(bin, &["--listen", "127.0.0.1:0", "--data-dir", dir.to_str().unwrap()])
        .expect("ledger starts")
}

async fn all_events(client: &reqwest::Client, url: &str) -> Vec<Value> {
    let mut out = vec![];
    let mut after = 0;
    loop {
        let page: Value =
            client.get(format!("{url}/v1/events?after={after}&limit=1000")).send().await.unwrap().json().await.unwrap();
        let events = page["events"].as_array().unwrap();
        if events.is_empty() {
            return out;
        }
        after = page["next_after"].as_u64().unwrap();
        out.extend(events.iter().cloned());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_events_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let mut ledger = start(dir.path());
    for c in plan_commands() {
        let r = client.post(format!("{}/v1/events", ledger.url)).json(&c).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    // id → seq of every acknowledged event.
    let acked: Arc<Mutex<BTreeMap<String, u64>>> = Arc::default();
    let mut rng = rand::thread_rng();
    for round in 0..ROUNDS {
        let url = ledger.url.clone();
        let mut tasks = vec![];
        for c in 0..CLIENTS {
            let (client, url, acked) = (client.clone(), url.clone(), acked.clone());
            tasks.push(tokio::spawn(async move {
                for i in 0.. {
                    let body = patrol(&format!("2022-{:02}-{:02}", round % 12 + 1, (c + i) % 28 + 1), json!(i % 50));
                    let key = format!("r{round}-c{c}-i{i}");
                    let sent =
                        client.post(format!("{url}/v1/events")).header("Idempotency-Key", key).json(&body).send().await;
                    let Ok(resp) = sent else { return };
                    if resp.status() != StatusCode::CREATED {
                        return;
                    }
                    let Ok(ev) = resp.json::<Value>().await else { return };
                    acked.lock().unwrap().insert(ev["id"].as_str().unwrap().to_owned(), ev["seq"].as_u64().unwrap());
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(30..400))).await;
        ledger.kill();
        for t in tasks {
            t.await.unwrap();
        }
        ledger = start(dir.path());
        let url = ledger.url.clone();
        let verify: Value = poll_until("the ledger to answer", Duration::from_secs(20), || {
            let (client, url) = (client.clone(), url.clone());
            async move { client.get(format!("{url}/v1/verify")).send().await?.json::<Value>().await.map(Some) }
        })
        .await
        .unwrap();
        assert_eq!(verify["ok"], true, "round {round}: {verify}");
        let events = all_events(&client, &url).await;
        let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
        assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>(), "round {round}: seq has a gap");
        assert_eq!(verify["head_seq"].as_u64(), seqs.last().copied());
        let stored: BTreeMap<&str, u64> =
            events.iter().map(|e| (e["id"].as_str().unwrap(), e["seq"].as_u64().unwrap())).collect();
        let acked = acked.lock().unwrap();
        for (id, seq) in acked.iter() {
            assert_eq!(stored.get(id.as_str()), Some(seq), "round {round}: acknowledged event {id} lost");
        }
        assert!(acked.len() > round, "round {round}: no appends were acknowledged at all");
    }
}
