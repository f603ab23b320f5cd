//! A damaged store, with the real binary: a byte flipped in sled's `db`, or its end cut, as a
//! failing disk leaves it. sled 0.34 panics on some such damage ("tried to serialize
//! Uninitialized"); the ledger must then exit with one clear message naming the data directory
//! and the recovery, never a panic's text. Damage sled reads past is the torn-tail case (tested
//! with NATS in the CLI's `torn_tail`).

use std::{path::Path, time::Duration};

use lofte_test_support::{copy_dir, poll_until, ServiceProcess, StartError};
use reqwest::StatusCode;
use serde_json::json;

use super::common::{patrol, plan_commands};

const EVENTS: usize = 6000;

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_lofte-ledger"))
}

fn start(data: &Path, log: &Path) -> Result<ServiceProcess, StartError> {
    ServiceProcess::start_logged(bin(), &["--listen", "127.0.0.1:0", "--data-dir", data.to_str().unwrap()], &[], log)
}

/// A log of a few megabytes (sled then spans several segments), stopped cleanly.
async fn fill(data: &Path, log: &Path) {
    let mut p = start(data, log).unwrap();
    let client = reqwest::Client::new();
    for c in plan_commands() {
        assert_eq!(client.post(format!("{}/v1/events", p.url)).json(&c).send().await.unwrap().status(), 201);
    }
    let tasks: Vec<_> = (0..16)
        .map(|w| {
            let (client, url) = (client.clone(), p.url.clone());
            tokio::spawn(async move {
                for i in 0..EVENTS / 16 {
                    let body = patrol(&format!("2022-{:02}-{:02}", i % 12 + 1, w + 1), json!(i));
                    let r = client.post(format!("{url}/v1/events")).json(&body).send().await.unwrap();
                    assert_eq!(r.status(), StatusCode::CREATED);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert!(p.stop().unwrap().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_sled_cannot_open_gives_one_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fill(&data, &dir.path().join("fill.log")).await;
    let db = std::fs::read(data.join("db")).unwrap();
    let mut refused = 0;
    for (i, at) in [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].into_iter().enumerate() {
        let copy = dir.path().join(format!("copy-{i}"));
        copy_dir(&data, &copy).unwrap();
        let mut bytes = db.clone();
        let pos = (bytes.len() as f64 * at) as usize;
        bytes[pos] ^= 0xff;
        std::fs::write(copy.join("db"), &bytes).unwrap();
        let log = dir.path().join(format!("copy-{i}.log"));
        match start(&copy, &log) {
            // sled read past the damage: a shorter log, or a broken chain the ledger refuses.
            Ok(mut p) => {
                let client = reqwest::Client::new();
                poll_until("the ledger to answer", Duration::from_secs(30), || async {
                    Ok::<_, String>(client.get(format!("{}/healthz", p.url)).send().await.ok().map(|_| ()))
                })
                .await
                .unwrap();
                p.kill();
            }
            Err(StartError::NoAddress { status, .. }) => {
                refused += 1;
                let said = std::fs::read_to_string(&log).unwrap();
                assert!(!said.contains("panicked"), "byte {pos}: a panic's text: {said}");
                assert!(
                    said.contains(copy.to_str().unwrap())
                        && said.contains("--restore-from-stream")
                        && said.contains("cannot be read"),
                    "byte {pos}: the message must name the directory and the recovery: {said}"
                );
                assert!(!status.contains("exit status: 0"), "byte {pos}: exited with {status}");
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(refused > 0, "no damage made sled refuse its files: the test proves nothing; damage elsewhere");
}
