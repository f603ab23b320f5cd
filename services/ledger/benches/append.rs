//! Durable appends per second over HTTP with 64 concurrent clients, and — in the same run, on the
//! same disk — raw sled writing the same records in batches of 100 with one flush each.
//!
//! cargo bench -p lofte-ledger --bench append [-- --events N --clients C --keyed]

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use lofte_ledger::{App, Settings};
use lofte_test_support::cpu_seconds;
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

fn plan() -> Vec<Value> {
    vec![
        json!({"plan": "bench-2022", "actor": "kommunen", "kind": "plan_adopted", "data": {
            "title": "Medborgarlöfte 2022", "municipality": "Jönköpings kommun",
            "police_area": "Lokalpolisområde Södra Vätterbygden", "period": "2022-01-01..2022-12-31",
            "promises": [{"id": "trygghet", "title": "Arbeta utifrån den lokala lägesbilden"}],
            "actors": [{"id": "polisen", "name": "Polisen"}, {"id": "kommunen", "name": "Jönköpings kommun"}],
            "areas": [{"id": "raslatt", "name": "Råslätt"}],
            "coordinators": [{"org": "kommunen"}]}}),
        json!({"plan": "bench-2022", "actor": "kommunen", "kind": "activity_added", "data": {
            "id": "fotpatrullering", "promise": "trygghet", "title": "Polisen ska fotpatrullera",
            "lead": "polisen", "areas": ["raslatt"]}}),
    ]
}

fn record(i: usize) -> Vec<u8> {
    json!({"plan": "bench-2022", "actor": "polisen", "kind": "measure_counted", "data": {
        "activity": "fotpatrullering", "date": format!("2022-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
        "metric": "fotpatrullering", "count": format!("ca {}", i % 40), "hours": 2.5, "area": "raslatt"}})
    .to_string()
    .into_bytes()
}

async fn ledger_over_http(events: usize, clients: usize) -> (f64, f64, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = Settings {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: dir.path().to_owned(),
        ..Settings::default()
    };
    let app = App::build(settings).await.expect("ledger starts");
    let url = format!("http://{}/v1/events", app.addr());
    let cancel = CancellationToken::new();
    let server = tokio::spawn(app.run(cancel.clone()));
    let client = reqwest::Client::new();
    for c in plan() {
        let r = client.post(&url).json(&c).send().await.expect("plan");
        assert_eq!(r.status(), 201);
    }
    let bodies: Arc<Vec<Vec<u8>>> = Arc::new((0..events).map(record).collect());
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let cpu_start = cpu_seconds("self");
    let addr = url.trim_start_matches("http://").trim_end_matches("/v1/events").to_owned();
    // `--keyed`: every append with its own `Idempotency-Key`, as the CLI sends them.
    let keyed = std::env::args().any(|a| a == "--keyed");
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (addr, bodies, next) = (addr.clone(), bodies.clone(), next.clone());
            tokio::spawn(async move {
                let mut conn = Conn::open(&addr).await;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= bodies.len() {
                        return;
                    }
                    let status = match keyed {
                        true => conn.post_keyed("/v1/events", &bodies[i], &format!("bench-{i}")).await,
                        false => conn.post("/v1/events", &bodies[i]).await,
                    };
                    assert_eq!(status, 201);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("client task");
    }
    let elapsed = start.elapsed().as_secs_f64();
    let rate = events as f64 / elapsed;
    println!("CPU during the appends: {:.0} % of one core", 100.0 * (cpu_seconds("self") - cpu_start) / elapsed);
    let floor = http_floor(&addr, events, clients).await;
    let metrics =
        client.get(url.replace("/v1/events", "/metrics")).send().await.expect("metrics").text().await.expect("text");
    let metric = |name: &str| -> f64 {
        metrics.lines().find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse().ok())).unwrap_or(0.0)
    };
    let (batches, commit_s) =
        (metric("lofte_ledger_group_commits_total"), metric("lofte_ledger_group_commit_seconds_total"));
    println!(
        "group commits: {batches:.0}, {:.1} events each on average, largest {:.0}; {:.0} % of the run spent in apply+flush",
        events as f64 / batches.max(1.0),
        metric("lofte_ledger_group_commit_max_events"),
        100.0 * commit_s / elapsed
    );
    println!(
        "writer staging: {:.1} µs per append ({:.0} % of the run)",
        metric("lofte_ledger_stage_seconds_total") * 1e6 / events as f64,
        100.0 * metric("lofte_ledger_stage_seconds_total") / elapsed
    );
    cancel.cancel();
    server.await.expect("join").expect("server");
    (rate, floor, dir)
}

/// The same clients against `GET /healthz`: what HTTP alone costs on this machine, a ceiling for
/// any HTTP service here.
async fn http_floor(addr: &str, requests: usize, clients: usize) -> f64 {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (addr, next) = (addr.to_owned(), next.clone());
            tokio::spawn(async move {
                let mut conn = Conn::open(&addr).await;
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    assert_eq!(conn.request("GET", "/healthz", b"").await, 200);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("client task");
    }
    requests as f64 / start.elapsed().as_secs_f64()
}

/// The records exactly as the ledger stored them, written straight into a fresh sled database.
async fn raw_sled(from: &std::path::Path, events: usize, per_flush: usize) -> f64 {
    let records: Vec<(Vec<u8>, Vec<u8>)> = {
        let src = sled::open(from).expect("open the ledger's log");
        src.scan_prefix(b"e")
            .skip(2)
            .take(events)
            .map(|r| r.map(|(k, v)| (k.to_vec(), v.to_vec())).expect("read"))
            .collect()
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let db = sled::Config::new().path(dir.path()).mode(sled::Mode::HighThroughput).open().expect("sled");
    let start = Instant::now();
    for chunk in records.chunks(per_flush) {
        let mut b = sled::Batch::default();
        for (k, v) in chunk {
            b.insert(k.as_slice(), v.as_slice());
        }
        db.apply_batch(b).expect("batch");
        db.flush_async().await.expect("flush");
    }
    records.len() as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let events = arg("--events", 100_000);
    let clients = arg("--clients", 64);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let (ledger, floor, dir) = ledger_over_http(events, clients).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let raw = raw_sled(dir.path(), events, 100).await;
        let raw20 = raw_sled(dir.path(), events, 20).await;
        println!(
            "events: {events}, clients: {clients}, cores: {}",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        println!("ledger over HTTP, durable (201 after flush): {ledger:>10.0} appends/s");
        println!("raw sled, same records, 100 per flush:       {raw:>10.0} records/s");
        println!("ratio ledger / raw sled:                      {:>10.2}", ledger / raw);
        println!("raw sled, same records, 20 per flush:        {raw20:>10.0} records/s");
        println!("HTTP alone (GET /healthz, same clients):      {floor:>10.0} requests/s");
    });
}
