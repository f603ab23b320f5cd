//! The projector's figures, against real parts in one run:
//! 1. the fold, in process: events per second;
//! 2. a rebuild from the stream (asked for as `POST /v1/admin/rebuild` does, until every event
//!    is applied again) against the raw engines on the same stream: an ordered-consumer replay
//!    that stores nothing, and one that stores each message in sled (see `phases`); interleaved,
//!    each going first by turns, `--rounds` times each (default 9), compared by their medians and
//!    round by round;
//! 3. append → visible latency (applied to the views and flushed) at a steady 1,000 appends/s.
//!
//! cargo bench -p lofte-projector --bench projector [-- --events N --rounds R]
//!
//! `--only rebuild`, `--only raw` or `--only stored` runs one phase of 2. alone: to profile it,
//! e.g. with `perf record -a` while its rounds run.

use std::{
    collections::BTreeMap,
    sync::atomic::Ordering,
    time::{Duration, Instant},
};

use async_nats::jetstream;
use lofte_follow::{Follower, Views};
use lofte_projector::Settings;
use lofte_proto::{
    envelope::Envelope,
    fold::{fold_plan, FoldOptions},
    ids::PlanId,
    upcast::Upcasters,
};
use lofte_service::nats::NatsConnection;
use lofte_test_support::NatsServer;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The value after `name` on the command line.
fn arg_text(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn arg(name: &str, default: usize) -> usize {
    arg_text(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn event(i: usize) -> Value {
    json!({"plan": "eksjo-2017", "actor": "polisen", "kind": "measure_counted", "data": {"activity": "trafikkontroller",
        "date": format!("2017-{:02}-{:02}", i % 12 + 1, i % 28 + 1), "metric": "trafikkontroller",
        "count": if i % 3 == 0 { json!(format!("ca {}", i % 40)) } else { json!(i % 40) }, "area": "ostra-kommundelen"}})
}

#[path = "../support/eksjo.rs"]
mod eksjo;
mod phases;
use phases::{replay, settle, Cpu, Phase, Results, PHASES};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let events = arg("--events", 20_000);
    let rounds: usize = arg("--rounds", 9).max(1);
    let only = arg_text("--only");
    let phases: Vec<Phase> = PHASES.into_iter().filter(|p| only.as_deref().is_none_or(|o| o == p.name())).collect();
    if phases.is_empty() {
        eprintln!("--only takes one of: rebuild, raw, stored");
        std::process::exit(2);
    }
    // Logs only when asked for (RUST_LOG=warn,lofte_projector=info shows each replay's time).
    if std::env::var_os("RUST_LOG").is_some() {
        lofte_service::runtime::init_tracing();
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async move {
        let nats = NatsServer::start().await.expect("nats-server (run deploy/dev/tools.sh)");
        let cancel = CancellationToken::new();
        let (lurl, _ldir, plan_events) = eksjo::ledger_with_eksjo(&nats.url(), &cancel).await;
        let http = reqwest::Client::new();
        let tasks: Vec<_> = (0..16)
            .map(|c| {
                let (http, lurl) = (http.clone(), lurl.clone());
                tokio::spawn(async move {
                    for i in (c..events).step_by(16) {
                        let r = http.post(format!("{lurl}/v1/events")).json(&event(i)).send().await;
                        r.and_then(|r| r.error_for_status()).expect("append");
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("task");
        }
        let total = (events + plan_events) as u64;

        // 1. The fold, in process.
        let mut log = vec![];
        let mut after = 0;
        loop {
            let page: Value = http
                .get(format!("{lurl}/v1/events?after={after}&limit=1000"))
                .send()
                .await
                .expect("page")
                .json()
                .await
                .expect("json");
            let evs = page["events"].as_array().expect("events");
            if evs.is_empty() {
                break;
            }
            for e in evs {
                log.push(
                    Envelope::decode(&serde_json::to_vec(e).expect("bytes"), &Upcasters::standard()).expect("decode"),
                );
            }
            after = page["next_after"].as_u64().expect("next");
        }
        let plan = PlanId::new("eksjo-2017").expect("plan");
        let start = Instant::now();
        let fold_rounds = 5;
        for _ in 0..fold_rounds {
            std::hint::black_box(fold_plan(&plan, &log, &FoldOptions::default()));
        }
        let fold_rate = (log.len() * fold_rounds) as f64 / start.elapsed().as_secs_f64();

        // 2. Build, then rebuild, from the stream; and a raw ordered consumer replay.
        let pdir = tempfile::tempdir().expect("dir");
        let ps = Settings {
            data_dir: pdir.path().to_owned(),
            nats: NatsConnection::new(nats.url()),
            ledgers: BTreeMap::from([("eksjo".to_owned(), lurl.clone())]),
            ..Settings::default()
        };
        // The projector's follower as its `App` builds it, without the HTTP side: its counters
        // are read in process (polling /metrics every millisecond or two cost a tenth of a core
        // in HTTP round trips and thread switches, charged to the rebuild), and a rebuild is
        // asked for as `POST /v1/admin/rebuild` asks for it.
        let views = Views::open(&ps.data_dir, ps.cache_bytes).expect("views");
        let (follower, follow) = Follower::new(ps.follow(), views);
        tokio::spawn(follower.run(cancel.clone()));
        let counters = follow.metrics();
        let applied = || counters.applied.load(Ordering::Relaxed);
        while applied() < total {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Rebuild, raw replay and raw replay into sled, interleaved, `rounds` times each, each
        // going first, second and last by turns: on two shared cores either varies from run
        // to run, so medians are compared.
        let js = jetstream::new(async_nats::connect(nats.url()).await.expect("connect"));
        let stream = js.get_stream("LOFTE").await.expect("stream");
        let sdir = tempfile::tempdir().expect("dir");
        let store = sled::Config::new()
            .path(sdir.path())
            .cache_capacity(128 << 20)
            .mode(sled::Mode::HighThroughput)
            .open()
            .expect("sled");
        let nats_pid = nats.pid().map(|p| p.to_string()).unwrap_or_default();
        let mut results: Vec<Results> = phases.iter().map(|_| Results::default()).collect();
        let mut rebuilt = 1;
        for round in 0..rounds {
            for k in 0..phases.len() {
                let i = (round + k) % phases.len();
                let cpu = Cpu::start(&nats_pid);
                let start = Instant::now();
                match phases[i] {
                    Phase::Rebuild => {
                        follow.rebuild().await.expect("views dropped");
                        rebuilt += 1;
                        while applied() < rebuilt * total {
                            tokio::time::sleep(Duration::from_millis(1)).await;
                        }
                    }
                    Phase::Raw => replay(&stream, total, None).await,
                    Phase::Stored => {
                        replay(&stream, total, Some(&store.open_tree(format!("r{round}")).expect("tree"))).await
                    }
                }
                results[i].rates.push(total as f64 / start.elapsed().as_secs_f64());
                if phases[i] == Phase::Stored {
                    store.drop_tree(format!("r{round}")).expect("drop");
                }
                settle(&nats_pid).await;
                results[i].cpu.add(&nats_pid, cpu);
            }
            let rates: Vec<String> = phases
                .iter()
                .zip(&results)
                .map(|(p, r)| format!("{} {:.0}/s", p.name(), r.rates.last().unwrap_or(&0.0)))
                .collect();
            println!("round {}: {}", round + 1, rates.join(", "));
        }
        let batches = counters.batches.load(Ordering::Relaxed);
        let apply = counters.apply_micros.load(Ordering::Relaxed) as f64 / 1e6;
        // Errors (each logged, with RUST_LOG set) explain a slow round: the consumer pauses and
        // follows again after one.
        let errors = counters.errors.load(Ordering::Relaxed);
        println!(
            "build + {rounds} rebuilds: {batches} batches, {:.0} events each; apply+flush {apply:.2} s in all; {errors} errors",
            (rounds as u64 + 1) as f64 * total as f64 / batches.max(1) as f64
        );
        // 3. Append → visible at 1,000 appends/s for 5 s.
        let base = applied();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
        let sender = {
            let (http, lurl) = (http.clone(), lurl.clone());
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_millis(1));
                for i in 0..5000 {
                    tick.tick().await;
                    let (http, lurl, tx) = (http.clone(), lurl.clone(), tx.clone());
                    let sent = Instant::now();
                    tx.send(sent).expect("send");
                    tokio::spawn(async move {
                        let r = http.post(format!("{lurl}/v1/events")).json(&event(i)).send().await;
                        r.and_then(|r| r.error_for_status()).expect("append");
                    });
                }
            })
        };
        let mut sent = vec![];
        let mut latencies = vec![];
        while latencies.len() < 5000 {
            while let Ok(t) = rx.try_recv() {
                sent.push(t);
            }
            let done = (applied() - base) as usize;
            let now = Instant::now();
            while latencies.len() < done.min(sent.len()) {
                latencies.push(now - sent[latencies.len()]);
            }
            tokio::time::sleep(Duration::from_micros(500)).await;
        }
        sender.await.expect("sender");
        latencies.sort();
        println!("events: {total}, cores: {}", std::thread::available_parallelism().map_or(0, |n| n.get()));
        println!("{:<47}{fold_rate:>10.0} events/s", "fold, in process:");
        for (p, r) in phases.iter().zip(&results) {
            println!("{:<47}{:>10.0} events/s (median of {rounds})", p.label(), median(&mut r.rates.clone()));
        }
        // Each rebuild against the other two phases: the ratio of the medians, and the median
        // of each round's own ratio (a round's phases run within seconds of each other, on the
        // same machine's mood).
        if let Some(rb) = phases.iter().position(|p| *p == Phase::Rebuild) {
            for (p, r) in phases.iter().zip(&results).filter(|(p, _)| **p != Phase::Rebuild) {
                let mut paired: Vec<f64> = results[rb].rates.iter().zip(&r.rates).map(|(a, b)| a / b).collect();
                let of_medians = median(&mut results[rb].rates.clone()) / median(&mut r.rates.clone());
                let per_round = median(&mut paired);
                let (lo, hi) = (paired.first().copied().unwrap_or(0.0), paired.last().copied().unwrap_or(0.0));
                println!(
                    "{:<47}{of_medians:>10.2} of the medians; per round {per_round:.2} ({lo:.2}–{hi:.2})",
                    format!("ratio rebuild / {}:", p.name())
                );
            }
        }
        let replayed = total * rounds as u64;
        for (p, r) in phases.iter().zip(&results) {
            println!("{:<47}{}", format!("CPU per event, {}:", p.name()), r.cpu.per_event(replayed));
        }
        println!(
            "append → visible at 1,000/s:  p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            percentile(&latencies, 0.5).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3)
        );
        cancel.cancel();
    });
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(0.0)
}
