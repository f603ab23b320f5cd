//! What `local` ack mode can still lose: the outbox lag under load. In `local` mode a `201` means
//! "flushed to the ledger's disk"; JetStream gets the event afterwards, in windows. A disk that
//! loses its unpublished tail (a power loss: sled's flush is not power-loss safe) takes exactly
//! the events acknowledged but not yet acknowledged by JetStream, `head_seq − published_seq`; the
//! rest is recovered from the stream at the next start. For comparison the same load runs in
//! `replicated` mode, where the lag is no loss: those appends are still waiting for their `201`.
//!
//! cargo bench -p lofte-ledger --bench exposure [-- --writers 24 --secs 10 --sample-ms 2]
//!
//! Each mode gets a fresh real nats-server (from .tools/bin; deploy/dev/tools.sh installs it) and
//! a fresh in-process ledger; `--writers` keep-alive connections append for `--secs` while one
//! more connection samples `GET /readyz` (its `outbox.lag`) every `--sample-ms`.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use lofte_ledger::{
    settings::{AckMode, NatsSettings},
    App, Settings,
};
use lofte_service::nats::NatsConnection;
use lofte_test_support::NatsServer;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

// The same allocator as the `lofte-ledger` binary.
#[path = "support/conn.rs"]
mod conn;
use conn::Conn;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn plan() -> [Value; 2] {
    [
        json!({"plan": "bench-2022", "actor": "kommunen", "kind": "plan_adopted", "data": {
            "title": "Medborgarlöfte 2022", "municipality": "Jönköpings kommun", "police_area": "LPO Södra Vätterbygden",
            "period": "2022-01-01..2022-12-31", "promises": [{"id": "p", "title": "Trygghet"}],
            "actors": [{"id": "polisen", "name": "Polisen"}, {"id": "kommunen", "name": "Kommunen"}],
            "areas": [{"id": "raslatt", "name": "Råslätt"}],
            "coordinators": [{"org": "kommunen"}]}}),
        json!({"plan": "bench-2022", "actor": "kommunen", "kind": "activity_added", "data": {
            "id": "fot", "promise": "p", "title": "Fotpatrullering", "lead": "polisen", "areas": ["raslatt"]}}),
    ]
}

fn record(i: usize) -> Vec<u8> {
    json!({"plan": "bench-2022", "actor": "polisen", "kind": "measure_counted", "data": {
        "activity": "fot", "date": format!("2022-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
        "metric": "fotpatrullering", "count": format!("ca {}", i % 40), "hours": 2.5, "area": "raslatt"}})
    .to_string()
    .into_bytes()
}

/// One mode's run.
struct Report {
    rate: f64,
    /// Outbox lag in events, one per sample, sorted.
    lags: Vec<u64>,
    /// From the writers stopping until the lag was 0.
    drain: Duration,
}

impl Report {
    fn pct(&self, p: f64) -> u64 {
        self.lags.get(((self.lags.len() - 1) as f64 * p).round() as usize).copied().unwrap_or(0)
    }
}

async fn run(mode: AckMode, writers: usize, secs: u64, sample: Duration) -> Report {
    let nats = NatsServer::start().await.expect("nats-server (run deploy/dev/tools.sh)");
    let dir = tempfile::tempdir().expect("temp dir");
    let s = Settings {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: dir.path().to_owned(),
        ledger_id: "bench".parse().expect("id"),
        nats: NatsSettings { connection: NatsConnection::new(nats.url()), ack_mode: mode, ..NatsSettings::default() },
        ..Settings::default()
    };
    let app = App::build(s).await.expect("ledger");
    let addr = app.addr().to_string();
    let cancel = CancellationToken::new();
    let server = tokio::spawn(app.run(cancel.clone()));
    // Appends are taken once the log was compared with the stream: /readyz says 200.
    let mut probe = Conn::open(&addr).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while probe.request("GET", "/readyz", b"").await != 200 {
        assert!(Instant::now() < deadline, "the ledger was not ready within 30 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for c in plan() {
        assert_eq!(probe.post("/v1/events", c.to_string().as_bytes()).await, 201, "plan");
    }
    let bodies: Arc<Vec<Vec<u8>>> = Arc::new((0..4096).map(record).collect());
    let done = Arc::new(AtomicUsize::new(0));
    let stop = CancellationToken::new();
    let start = Instant::now();
    let sampler = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut lags = vec![];
            let mut tick = tokio::time::interval(sample);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tokio::select! {
                    () = stop.cancelled() => break,
                    _ = tick.tick() => lags.push(lag(&mut probe).await),
                }
            }
            (lags, probe)
        })
    };
    let end = start + Duration::from_secs(secs);
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            let (addr, bodies, done) = (addr.clone(), bodies.clone(), done.clone());
            tokio::spawn(async move {
                let mut conn = Conn::open(&addr).await;
                let mut i = w;
                while Instant::now() < end {
                    assert_eq!(conn.post("/v1/events", &bodies[i % bodies.len()]).await, 201);
                    done.fetch_add(1, Ordering::Relaxed);
                    i += writers;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("writer");
    }
    let rate = done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64();
    let stopped = Instant::now();
    stop.cancel();
    let (mut lags, mut probe) = sampler.await.expect("sampler");
    while lag(&mut probe).await > 0 {
        assert!(stopped.elapsed() < Duration::from_secs(30), "the outbox did not catch up within 30 s");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let drain = stopped.elapsed();
    cancel.cancel();
    server.await.expect("join").expect("server");
    lags.sort_unstable();
    Report { rate, lags, drain }
}

/// `head_seq − published_seq` from `/readyz`: events flushed but not yet acknowledged by
/// JetStream (read in one handler, so both from the same moment).
async fn lag(conn: &mut Conn) -> u64 {
    assert_eq!(conn.request("GET", "/readyz", b"").await, 200, "readyz");
    let v: Value = serde_json::from_slice(&conn.body).expect("readyz json");
    v["outbox"]["lag"].as_u64().expect("outbox.lag")
}

fn main() {
    let writers = arg("--writers", 24);
    let secs = arg("--secs", 10) as u64;
    let sample = Duration::from_millis(arg("--sample-ms", 2) as u64);
    let window = NatsSettings::default().ack_window;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        println!(
            "writers: {writers}, {secs} s each, lag sampled every {} ms, ack window {window}, cores: {}",
            sample.as_millis(),
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        println!(
            "{:<11} {:>10} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>8} {:>9}",
            "ack mode", "appends/s", "lag p50", "p99", "max", "ms p50", "ms p99", "ms max", "samples", "drain ms"
        );
        for (name, mode) in [("local", AckMode::Local), ("replicated", AckMode::Replicated)] {
            let r = run(mode, writers, secs, sample).await;
            // Events ÷ appends per second: how much time of acknowledged appends that is.
            let ms = |events: u64| events as f64 * 1000.0 / r.rate;
            println!(
                "{name:<11} {:>10.0} {:>8} {:>8} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>8} {:>9.1}",
                r.rate,
                r.pct(0.5),
                r.pct(0.99),
                r.pct(1.0),
                ms(r.pct(0.5)),
                ms(r.pct(0.99)),
                ms(r.pct(1.0)),
                r.lags.len(),
                r.drain.as_secs_f64() * 1000.0
            );
        }
        println!("local: the lag is what a lost disk tail takes of acknowledged appends (an upper bound);");
        println!("replicated: no loss, the lagging appends have not been answered yet.");
    });
}
