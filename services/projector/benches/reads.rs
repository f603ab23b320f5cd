//! Reads as the web application will make them: the published report and the summary of one plan
//! with 200, 2,000, 20,000 and 100,000 events, against a real ledger, nats-server and projector
//! (in this process, release build). For each size, `--reads` requests (default 20) of each kind:
//!
//! - `as of`: the report `as_of` a moment after everything, a different moment each time (a read
//!   `as_of` folds the log, as an auditor's replay does);
//! - `report after a write`, `summary after a write`: one event appended, the projector waited
//!   for until it applied it, then the current report (or summary) read — the plan's kept fold
//!   brought forward by one event (ADR 0018);
//! - `report again`: the current report, read again (served from the projector's cache);
//! - `304`: the current report with its `ETag` in `If-None-Match`.
//!
//! cargo bench -p lofte-projector --bench reads [-- --sizes 200,2000,20000,100000 --reads 20]

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use lofte_projector::{App as Projector, Settings};
use lofte_service::nats::NatsConnection;
use lofte_test_support::{poll_until, NatsServer};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

#[path = "support/eksjo.rs"]
mod support;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn event(i: usize) -> Value {
    json!({"plan": "eksjo-2017", "actor": "polisen", "kind": "measure_counted", "data": {"activity": "trafikkontroller",
        "date": format!("2017-{:02}-{:02}", i % 12 + 1, i % 28 + 1), "metric": "trafikkontroller",
        "count": if i % 3 == 0 { json!(format!("ca {}", i % 40)) } else { json!(i % 40) }, "area": "ostra-kommundelen"}})
}

/// p50 and p95 of `d`, in milliseconds.
fn percentiles(mut d: Vec<Duration>) -> (f64, f64) {
    d.sort();
    let at = |p: f64| d[((d.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3;
    (at(0.5), at(0.95))
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb =
        status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()?.parse().ok());
    kb.unwrap_or(0.0) / 1024.0
}

/// Appends `event(i)` and waits until the projector at `purl` has applied it.
async fn write(http: &reqwest::Client, lurl: &str, purl: &str, i: usize) {
    let r = http.post(format!("{lurl}/v1/events")).json(&event(i)).send().await;
    let env: Value = r.and_then(|r| r.error_for_status()).expect("append").json().await.expect("envelope");
    let seq = env["seq"].as_u64().expect("seq");
    loop {
        let v: Value = http.get(format!("{purl}/readyz")).send().await.expect("readyz").json().await.expect("json");
        if v["applied_through_seq"].as_u64().unwrap_or(0) >= seq {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// `reads` reads of `url`, each after a write applied (the write not timed).
async fn after_writes(
    http: &reqwest::Client,
    lurl: &str,
    purl: &str,
    url: &str,
    reads: usize,
    next: &mut usize,
) -> Vec<Duration> {
    let mut times = vec![];
    for _ in 0..reads {
        write(http, lurl, purl, *next).await;
        *next += 1;
        times.extend(timed(http, url, None, 1).await.0);
    }
    times
}

async fn timed(http: &reqwest::Client, url: &str, etag: Option<&str>, reads: usize) -> (Vec<Duration>, Option<String>) {
    let mut times = vec![];
    let mut tag = None;
    for _ in 0..reads {
        let mut req = http.get(url);
        if let Some(e) = etag {
            req = req.header("If-None-Match", e);
        }
        let start = Instant::now();
        let r = req.send().await.expect("read");
        let status = r.status();
        tag = r.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let _ = r.bytes().await.expect("body");
        times.push(start.elapsed());
        assert!(status.is_success() || status == reqwest::StatusCode::NOT_MODIFIED, "{url}: {status}");
    }
    (times, tag)
}

fn main() {
    let sizes: Vec<usize> = arg("--sizes")
        .unwrap_or_else(|| "200,2000,20000,100000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("--sizes: numbers, e.g. 200,2000"))
        .collect();
    let reads: usize = arg("--reads").and_then(|r| r.parse().ok()).unwrap_or(20).max(2);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async move {
        let nats = NatsServer::start().await.expect("nats-server (run deploy/dev/tools.sh)");
        let pdir = tempfile::tempdir().expect("dir");
        let cancel = CancellationToken::new();
        let (lurl, _ldir, mut have) = support::ledger_with_eksjo(&nats.url(), &cancel).await;
        let projector = Projector::build(Settings {
            listen: "127.0.0.1:0".parse().expect("addr"),
            data_dir: pdir.path().to_owned(),
            nats: NatsConnection::new(nats.url()),
            ledgers: BTreeMap::from([("eksjo".to_owned(), lurl.clone())]),
            ..Settings::default()
        })
        .await
        .expect("projector");
        let purl = format!("http://{}", projector.addr());
        tokio::spawn(projector.run(cancel.clone()));
        let http = reqwest::Client::new();
        println!("reads: {reads} of each kind per size; one plan (Eksjö 2017), measure_counted events");
        println!(
            "{:>8}  {:>19}  {:>19}  {:>19}  {:>19}  {:>19}  {:>8}",
            "events",
            "as of p50/p95 ms",
            "report after write",
            "summary after write",
            "report again",
            "304 p50/p95 ms",
            "RSS MB"
        );
        for size in sizes {
            let (from, to) = (have, size.max(have));
            let tasks: Vec<_> = (0..16)
                .map(|c| {
                    let (http, lurl) = (http.clone(), lurl.clone());
                    tokio::spawn(async move {
                        for i in (from + c..to).step_by(16) {
                            let r = http.post(format!("{lurl}/v1/events")).json(&event(i)).send().await;
                            r.and_then(|r| r.error_for_status()).expect("append");
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.expect("appends");
            }
            have = to;
            poll_until("the projector to catch up", Duration::from_secs(600), || async {
                let v: Value = http
                    .get(format!("{purl}/readyz"))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .json()
                    .await
                    .map_err(|e| e.to_string())?;
                let seq = v["applied_through_seq"].as_u64().unwrap_or(0);
                Ok::<_, String>((seq >= have as u64 && v["caught_up"] == true).then_some(()))
            })
            .await
            .expect("caught up");
            let report = format!("{purl}/v1/plans/eksjo-2017/report?tertial=2017-T3");
            // A moment of its own for each read: an answer as of a moment is cached too.
            let mut folded = vec![];
            for i in 0..reads {
                let url = format!("{report}&as_of=2100-01-01T00:{:02}:{:02}Z", (size / 1000) % 60, i % 60);
                folded.extend(timed(&http, &url, None, 1).await.0);
            }
            let summary_url = format!("{purl}/v1/plans/eksjo-2017/summary");
            let report_written = after_writes(&http, &lurl, &purl, &report, reads, &mut have).await;
            let summary_written = after_writes(&http, &lurl, &purl, &summary_url, reads, &mut have).await;
            let (_, tag) = timed(&http, &report, None, 1).await;
            let (current, _) = timed(&http, &report, None, reads).await;
            let (not_modified, _) = timed(&http, &report, tag.as_deref(), reads).await;
            let f = |d| {
                let (a, b) = percentiles(d);
                format!("{a:8.2} / {b:8.2}")
            };
            println!(
                "{have:>8}  {}  {}  {}  {}  {}  {:>8.0}",
                f(folded),
                f(report_written),
                f(summary_written),
                f(current),
                f(not_modified),
                rss_mb()
            );
        }
        cancel.cancel();
    });
}
