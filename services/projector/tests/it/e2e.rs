//! Ledger → JetStream → projector: an append shows in the summary within a bounded wait; a
//! duplicated message is not counted twice; a gap is back-filled from the ledger; a rebuild gives
//! byte-identical reports.

use std::{collections::BTreeMap, time::Duration};

use async_nats::jetstream::{self, message::PublishMessage};
use lofte_ledger::{settings::NatsSettings, App as Ledger, Settings as LedgerSettings};
use lofte_projector::{App as Projector, Settings};
use lofte_proto::{command::new_event, ids::OrgId, planfile};
use lofte_service::nats::NatsConnection;
use lofte_test_support::{poll_until, NatsServer};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

pub struct Running {
    pub url: String,
    cancel: CancellationToken,
    _dir: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

pub async fn ledger(id: &str, nats: Option<String>) -> Running {
    ledger_on(id, NatsConnection { url: nats, ..NatsConnection::default() }).await
}

/// A ledger publishing through `nats` (servers, credentials, TLS).
pub async fn ledger_on(id: &str, nats: NatsConnection) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let s = LedgerSettings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_owned(),
        ledger_id: id.parse().unwrap(),
        nats: NatsSettings { connection: nats, retry_max_ms: 200, ..NatsSettings::default() },
        ..LedgerSettings::default()
    };
    let app = Ledger::build(s).await.unwrap();
    let url = format!("http://{}", app.addr());
    let cancel = CancellationToken::new();
    tokio::spawn(app.run(cancel.clone()));
    // A ledger that publishes compares its log with the stream before it takes appends.
    poll_until("the ledger to take appends", Duration::from_secs(20), || async {
        let r = reqwest::get(format!("{url}/readyz")).await.map_err(|e| e.to_string())?;
        Ok::<_, String>(r.status().is_success().then_some(()))
    })
    .await
    .unwrap();
    Running { url, cancel, _dir: dir }
}

async fn projector(nats: &str, ledgers: BTreeMap<String, String>) -> Running {
    projector_named(nats, ledgers, "projector").await
}

/// A projector with its own durable consumer (two sharing a name would share the messages).
pub async fn projector_named(nats: &str, ledgers: BTreeMap<String, String>, consumer: &str) -> Running {
    projector_on(NatsConnection::new(nats), ledgers, consumer).await
}

/// A projector following the stream through `nats` (servers, credentials, TLS).
pub async fn projector_on(nats: NatsConnection, ledgers: BTreeMap<String, String>, consumer: &str) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let s = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_owned(),
        nats,
        ledgers,
        consumer: consumer.to_owned(),
        ..Settings::default()
    };
    let app = Projector::build(s).await.unwrap();
    let url = format!("http://{}", app.addr());
    let cancel = CancellationToken::new();
    tokio::spawn(app.run(cancel.clone()));
    Running { url, cancel, _dir: dir }
}

pub async fn post(url: &str, body: &Value) -> Value {
    let r = reqwest::Client::new().post(format!("{url}/v1/events")).json(body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

pub async fn import_eksjo(url: &str) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/plans/eksjo-2017.toml");
    let pf = planfile::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let kommunen = OrgId::new("kommunen").unwrap();
    for e in pf.events() {
        post(url, &serde_json::to_value(new_event(pf.plan_id(), &kommunen, &e)).unwrap()).await;
    }
}

pub fn traffic(date: &str, count: &str) -> Value {
    json!({"plan": "eksjo-2017", "actor": "polisen", "kind": "measure_counted", "data": {"activity": "trafikkontroller",
        "date": date, "metric": "trafikkontroller", "count": count, "area": "ostra-kommundelen"}})
}

pub async fn get_text(url: &str) -> String {
    reqwest::get(url).await.unwrap().text().await.unwrap()
}

/// A counter of the projector's `/metrics` (0 when absent).
pub async fn metric(projector: &str, name: &str) -> u64 {
    let text = get_text(&format!("{projector}/metrics")).await;
    text.lines().find_map(|l| l.strip_prefix(name)?.trim().parse().ok()).unwrap_or(0)
}

/// Waits until `lofte_projector_applied_total` reads `want`.
pub async fn applied(projector: &str, want: u64) {
    poll_until(&format!("{want} events applied"), Duration::from_secs(30), || async move {
        let (applied, dup) = (
            metric(projector, "lofte_projector_applied_total").await,
            metric(projector, "lofte_projector_duplicates_total").await,
        );
        if applied == want {
            Ok(Some(()))
        } else {
            Err(format!("{applied} applied, {dup} duplicates"))
        }
    })
    .await
    .unwrap();
}

/// Polls the T1 traffic-control count until it reads `want`.
async fn t1_count(projector: &str, want: &str) {
    let url = format!("{projector}/v1/plans/eksjo-2017/summary?tertial=2017-T1");
    poll_until(&format!("the summary to show {want}"), Duration::from_secs(20), || {
        let url = url.clone();
        async move {
            let v: Value =
                reqwest::get(&url).await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
            let got = v.pointer("/promises/0/activities/1/cells/2017-T1/measures/trafikkontroller/count/text").cloned();
            if got == Some(json!(want)) {
                return Ok(Some(()));
            }
            let base = url.split("/v1/").next().unwrap_or_default().to_owned();
            let ready = get_text(&format!("{base}/readyz")).await;
            let metrics = get_text(&format!("{base}/metrics")).await;
            Err(format!(
                "count {got:?}; readyz {ready}; {}",
                metrics.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join(" ")
            ))
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_to_projector_dedup_gap_and_rebuild() {
    let nats = NatsServer::start().await.unwrap();
    let l = ledger("eksjo", Some(nats.url())).await;
    import_eksjo(&l.url).await;
    let p = projector(&nats.url(), BTreeMap::from([("eksjo".into(), l.url.clone())])).await;

    // An append shows within a bounded wait.
    let ev = post(&l.url, &traffic("2017-03-01", "minst 8")).await;
    t1_count(&p.url, "minst 8").await;

    // The same event published again under another message id is stored by JetStream but
    // applied only once: the projector dedups by (ledger, seq).
    let js = jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let bytes = serde_json::to_vec(&ev).unwrap();
    let dup = PublishMessage::build().payload(bytes.into()).message_id("not-the-ledgers-id");
    js.send_publish("lofte.v1.eksjo.eksjo-2017.measure_counted", dup).await.unwrap().await.unwrap();
    post(&l.url, &traffic("2017-03-02", "2")).await;
    t1_count(&p.url, "minst 10").await;
    let metrics = get_text(&format!("{}/metrics", p.url)).await;
    assert!(metrics.contains("lofte_projector_duplicates_total 1"), "{metrics}");

    // A gap: a second ledger without an outbox; only its fifth event reaches the stream, and the
    // projector fetches the first four from that ledger.
    let quiet = ledger("quiet", None).await;
    let both = BTreeMap::from([("eksjo".into(), l.url.clone()), ("quiet".into(), quiet.url.clone())]);
    let p2 = projector_named(&nats.url(), both, "projector-2").await;
    import_eksjo_as(&quiet.url).await;
    let page: Value =
        reqwest::get(format!("{}/v1/events?after=18&limit=1", quiet.url)).await.unwrap().json().await.unwrap();
    let last = &page["events"][0];
    assert_eq!(last["seq"], 19);
    let msg = PublishMessage::build().payload(serde_json::to_vec(last).unwrap().into()).message_id("quiet:19");
    js.send_publish(
        format!("lofte.v1.quiet.{}.{}", last["plan"].as_str().unwrap(), last["kind"].as_str().unwrap()),
        msg,
    )
    .await
    .unwrap()
    .await
    .unwrap();
    poll_until("the gap to be back-filled", Duration::from_secs(20), || async {
        let m = get_text(&format!("{}/metrics", p2.url)).await;
        Ok::<_, String>(m.contains("lofte_projector_backfilled_total 18").then_some(()))
    })
    .await
    .unwrap();

    // A rebuild replays the stream from its start and gives byte-identical reports.
    let before: Vec<String> = futures_reports(&p.url).await;
    let r = reqwest::Client::new().post(format!("{}/v1/admin/rebuild", p.url)).send().await.unwrap();
    assert_eq!(r.status(), 202);
    t1_count(&p.url, "minst 10").await;
    assert_eq!(futures_reports(&p.url).await, before);
}

/// The same plan imported into another ledger (its own log, its own seqs).
async fn import_eksjo_as(url: &str) {
    import_eksjo(url).await;
}

async fn futures_reports(url: &str) -> Vec<String> {
    let mut out = vec![];
    for f in ["md", "html", "csv", "json"] {
        out.push(get_text(&format!("{url}/v1/plans/eksjo-2017/report?format={f}&as_of=2030-01-01T00:00:00Z")).await);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_queries_are_problems() {
    let nats = NatsServer::start().await.unwrap();
    let p = projector(&nats.url(), BTreeMap::new()).await;
    for (q, field) in [
        ("/v1/plans/eksjo-2017/summary?tertial=2017-T4", "tertial"),
        ("/v1/plans/eksjo-2017/summary?as_of=yesterday", "as_of"),
        ("/v1/plans/Eksjö/summary", "plan"),
        ("/v1/plans/eksjo-2017/report?format=pdf", "format"),
    ] {
        let r = reqwest::get(format!("{}{q}", p.url)).await.unwrap();
        assert_eq!(r.status(), 422, "{q}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["field"], field, "{q}");
    }
    let r = reqwest::get(format!("{}/v1/plans/okand-plan/summary", p.url)).await.unwrap();
    assert_eq!(r.status(), 404);
    let doc: Value = reqwest::get(format!("{}/openapi.json", p.url)).await.unwrap().json().await.unwrap();
    assert!(doc["paths"]["/v1/plans/{plan}/report"].is_object());
}
