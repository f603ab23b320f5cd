//! Outbox publish rate against a raw windowed JetStream publish of the same payloads, in the same
//! run, against the same real nats-server (from .tools/bin; deploy/dev/tools.sh installs it).
//!
//! cargo bench -p lofte-ledger --bench outbox [-- --events N]
//!
//! 1. a ledger without NATS is filled with N events over HTTP;
//! 2. it is restarted with NATS: the time until its outbox has published all N is measured;
//! 3. the same stored payloads are published by a bare async-nats client into a second stream
//!    with the same settings, in windows of the same size, awaiting each window's acks.

use std::time::{Duration, Instant};

use async_nats::jetstream::{self, context::ContextBuilder, message::PublishMessage};
use lofte_ledger::{settings::NatsSettings, App, Settings};
use lofte_service::nats::NatsConnection;
use lofte_test_support::NatsServer;
use serde_json::json;
use tokio_util::sync::CancellationToken;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn fill(dir: &std::path::Path, events: usize) {
    let s = Settings { listen: "127.0.0.1:0".parse().expect("addr"), data_dir: dir.to_owned(), ..Settings::default() };
    let app = App::build(s).await.expect("ledger");
    let url = format!("http://{}/v1/events", app.addr());
    let cancel = CancellationToken::new();
    let server = tokio::spawn(app.run(cancel.clone()));
    let client = reqwest::Client::new();
    let plan = [
        json!({"plan": "bench-2022", "actor": "kommunen", "kind": "plan_adopted", "data": {
            "title": "Medborgarlöfte 2022", "municipality": "Jönköpings kommun", "police_area": "LPO Södra Vätterbygden",
            "period": "2022-01-01..2022-12-31", "promises": [{"id": "p", "title": "Trygghet"}],
            "actors": [{"id": "polisen", "name": "Polisen"}, {"id": "kommunen", "name": "Kommunen"}],
            "areas": [{"id": "raslatt", "name": "Råslätt"}],
            "coordinators": [{"org": "kommunen"}]}}),
        json!({"plan": "bench-2022", "actor": "kommunen", "kind": "activity_added", "data": {
            "id": "fot", "promise": "p", "title": "Fotpatrullering", "lead": "polisen", "areas": ["raslatt"]}}),
    ];
    for c in plan {
        client.post(&url).json(&c).send().await.expect("plan");
    }
    let mut tasks = vec![];
    for c in 0..32 {
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            for i in (c..events - 2).step_by(32) {
                let body = json!({"plan": "bench-2022", "actor": "polisen", "kind": "measure_counted", "data": {
                    "activity": "fot", "date": format!("2022-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
                    "metric": "fotpatrullering", "count": format!("ca {}", i % 40), "hours": 2.5, "area": "raslatt"}});
                client.post(&url).json(&body).send().await.expect("append");
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    cancel.cancel();
    server.await.expect("join").expect("server");
}

async fn outbox(dir: &std::path::Path, nats: &str, events: usize, window: usize) -> f64 {
    let s = Settings {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: dir.to_owned(),
        ledger_id: "bench".parse().expect("id"),
        nats: NatsSettings { connection: NatsConnection::new(nats), ack_window: window, ..NatsSettings::default() },
        ..Settings::default()
    };
    let app = App::build(s).await.expect("ledger");
    let metrics = format!("http://{}/metrics", app.addr());
    let cancel = CancellationToken::new();
    let start = Instant::now();
    let server = tokio::spawn(app.run(cancel.clone()));
    let client = reqwest::Client::new();
    loop {
        let text = client.get(&metrics).send().await.expect("metrics").text().await.expect("text");
        let published = text
            .lines()
            .find_map(|l| l.strip_prefix("lofte_ledger_published_seq "))
            .and_then(|v| v.parse::<u64>().ok());
        if published >= Some(events as u64) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let rate = events as f64 / start.elapsed().as_secs_f64();
    cancel.cancel();
    server.await.expect("join").expect("server");
    rate
}

async fn raw(dir: &std::path::Path, nats: &str, window: usize) -> f64 {
    let payloads: Vec<Vec<u8>> = {
        let db = sled::open(dir).expect("log");
        db.scan_prefix(b"e").map(|r| r.expect("read").1.to_vec()).collect()
    };
    let client = async_nats::connect(nats).await.expect("connect");
    let js = ContextBuilder::new().max_ack_inflight(window * 2).build(client);
    js.create_or_update_stream(jetstream::stream::Config {
        name: "RAW".into(),
        subjects: vec!["raw.>".into()],
        storage: jetstream::stream::StorageType::File,
        duplicate_window: Duration::from_secs(600),
        ..Default::default()
    })
    .await
    .expect("stream");
    let start = Instant::now();
    for (w, chunk) in payloads.chunks(window).enumerate() {
        let mut acks = Vec::with_capacity(chunk.len());
        for (i, p) in chunk.iter().enumerate() {
            let msg = PublishMessage::build().payload(p.clone().into()).message_id(format!("raw:{}", w * window + i));
            acks.push(js.send_publish("raw.bench", msg).await.expect("publish"));
        }
        for a in acks {
            a.await.expect("ack");
        }
    }
    payloads.len() as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let events = arg("--events", 100_000);
    let window = NatsSettings::default().ack_window;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let nats = NatsServer::start().await.expect("nats-server (run deploy/dev/tools.sh)");
        let dir = tempfile::tempdir().expect("temp dir");
        fill(dir.path(), events).await;
        let ours = outbox(dir.path(), &nats.url(), events, window).await;
        let bare = raw(dir.path(), &nats.url(), window).await;
        println!(
            "events: {events}, window: {window}, cores: {}",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        println!("outbox, log → JetStream (acked):        {ours:>10.0} events/s");
        println!("raw async-nats, same payloads, windowed: {bare:>10.0} messages/s");
        println!("ratio outbox / raw:                      {:>10.2}", ours / bare);
    });
}
