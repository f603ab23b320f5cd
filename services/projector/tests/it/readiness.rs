//! `/readyz` against a real nats-server and real ledgers: not ready as soon as NATS goes away
//! and ready again when it is back; the lag counted against the stream — held back behind a gap,
//! and after a restart, where the views are behind by what was appended meanwhile — and
//! `caught_up` only when every message in the stream is applied (ADR 0015).

use std::{collections::BTreeMap, path::Path, time::Duration};

use lofte_projector::{App as Projector, AppError, Settings};
use lofte_service::nats::NatsConnection;
use lofte_test_support::{poll_until, NatsServer};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{
    e2e::{import_eksjo, ledger, post, projector_named, traffic},
    gap::gap_scene,
};

/// `/readyz`: its status, `Retry-After` and content type, and its body.
async fn readyz(projector: &str) -> Result<(StatusCode, Option<String>, String, Value), String> {
    let r = reqwest::get(format!("{projector}/readyz")).await.map_err(|e| e.to_string())?;
    let header = |name: &str| r.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (retry_after, content_type) = (header("retry-after"), header("content-type").unwrap_or_default());
    let status = r.status();
    let body = r.json().await.map_err(|e| e.to_string())?;
    Ok((status, retry_after, content_type, body))
}

/// A gauge of `/metrics`, if shown.
async fn gauge(projector: &str, name: &str) -> Option<u64> {
    let text = reqwest::get(format!("{projector}/metrics")).await.ok()?.text().await.ok()?;
    text.lines().find_map(|l| {
        let mut parts = l.split_whitespace();
        (parts.next() == Some(name)).then(|| parts.next()?.parse().ok()).flatten()
    })
}

/// Checks what a `200` from `/readyz` claims against the stream, which holds `stream_last`
/// messages: `caught_up` only with the lag 0, and the lag is what lies in the stream after the
/// last message applied. The stream is read every second, so a read may be from before its last
/// messages came — unless `exact`: they were all in before the projector started.
fn consistent(v: &Value, stream_last: u64, exact: bool) {
    assert_eq!(v["status"], "ready", "{v}");
    let caught_up = v["caught_up"].as_bool().unwrap_or_else(|| panic!("no caught_up: {v}"));
    match v["lag"].as_u64() {
        None => assert!(!caught_up && v["lag"].is_null(), "caught up without a lag: {v}"),
        Some(lag) => {
            assert_eq!(caught_up, lag == 0, "{v}");
            let read = v["stream_last_seq"].as_u64().unwrap();
            assert!(read <= stream_last && (read == stream_last || !exact), "the stream's last sequence: {v}");
            assert_eq!(v["applied_through_seq"].as_u64().unwrap() + lag, read, "{v}");
        }
    }
}

/// Waits until the stream holds `n` messages (the ledgers publish after answering).
async fn stream_holds(nats: &str, n: u64) {
    let js = async_nats::jetstream::new(async_nats::connect(nats).await.unwrap());
    poll_until(&format!("the stream to hold {n} messages"), Duration::from_secs(20), || async {
        let mut stream = js.get_stream("LOFTE").await.map_err(|e| e.to_string())?;
        let last = stream.info().await.map_err(|e| e.to_string())?.state.last_sequence;
        Ok::<_, String>((last == n).then_some(()))
    })
    .await
    .unwrap();
}

/// Polls `/readyz` until it is `200` and caught up with a stream of `stream_last` messages,
/// checking every `200` on the way with [`consistent`]. Returns the last answer.
async fn caught_up(projector: &str, stream_last: u64, exact: bool) -> Value {
    poll_until(&format!("caught up with {stream_last} messages"), Duration::from_secs(30), || async move {
        let (status, _, _, v) = readyz(projector).await?;
        if status != StatusCode::OK {
            return Err(format!("{status}: {v}"));
        }
        consistent(&v, stream_last, exact);
        Ok((v["caught_up"] == true && v["stream_last_seq"] == stream_last).then_some(v))
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_ready_as_soon_as_nats_is_gone_and_ready_again_when_it_is_back() {
    let mut nats = NatsServer::start().await.unwrap();
    let l = ledger("eksjo", Some(nats.url())).await;
    import_eksjo(&l.url).await;
    stream_holds(&nats.url(), 19).await;
    let p = projector_named(&nats.url(), BTreeMap::from([("eksjo".into(), l.url.clone())]), "projector-ready").await;
    caught_up(&p.url, 19, true).await;

    nats.stop();
    // The client sees the connection close at once. (Before, readiness followed the consumer's
    // missed heartbeats and stayed 200 for about ten seconds.)
    let (retry_after, content_type, v) =
        poll_until("/readyz to answer 503 without NATS", Duration::from_secs(5), || async {
            let (status, retry_after, content_type, v) = readyz(&p.url).await?;
            Ok::<_, String>((status == StatusCode::SERVICE_UNAVAILABLE).then_some((retry_after, content_type, v)))
        })
        .await
        .unwrap();
    assert_eq!(content_type, "application/problem+json");
    assert!(retry_after.is_some_and(|s| s.parse::<u64>().is_ok()), "Retry-After");
    assert!(v["detail"].as_str().unwrap().contains("NATS"), "{v}");
    assert_eq!(gauge(&p.url, "lofte_projector_nats_up").await, Some(0));

    // Back on the same store: ready again, and following what is appended next.
    nats.restart().await.unwrap();
    caught_up(&p.url, 19, true).await;
    post(&l.url, &traffic("2017-03-01", "2")).await;
    stream_holds(&nats.url(), 20).await;
    caught_up(&p.url, 20, false).await;
    assert_eq!(gauge(&p.url, "lofte_projector_nats_up").await, Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gap_held_back_is_lag_until_it_is_filled() {
    // In the stream: the quiet ledger's 19th event at sequence 1 (its gap cannot be filled while
    // its ledger does not answer), then the other ledger's 20: 21 messages, none passed.
    let scene = gap_scene("projector-lag-gap", false).await;
    let p = &scene.p.url;
    poll_until("the held-back gap to show as lag", Duration::from_secs(30), || async {
        let seen = (
            gauge(p, "lofte_projector_stream_lag").await,
            gauge(p, "lofte_projector_applied_through_sequence").await,
            gauge(p, "lofte_projector_stream_last_sequence").await,
            gauge(p, "lofte_projector_caught_up").await,
        );
        Ok::<_, String>((seen == (Some(21), Some(0), Some(21), Some(0))).then_some(()))
    })
    .await
    .unwrap();
    // `/readyz` says why it is behind, or answers 200 not caught up: never caught up.
    let (status, _, _, v) = readyz(p).await.unwrap();
    if status == StatusCode::OK {
        consistent(&v, 21, true);
        assert_eq!(v["caught_up"], false, "{v}");
    } else {
        assert!(v["detail"].as_str().unwrap().contains("gap"), "{v}");
    }

    scene.gate.set_open(true);
    let v = caught_up(p, 21, true).await;
    assert_eq!((v["lag"].as_u64(), v["applied_through_seq"].as_u64()), (Some(0), Some(21)), "{v}");
    assert_eq!(gauge(p, "lofte_projector_caught_up").await, Some(1));
}

/// A projector whose data directory outlives it, stopped and waited for.
struct Stoppable {
    url: String,
    cancel: CancellationToken,
    done: JoinHandle<Result<(), AppError>>,
}

async fn start_in(dir: &Path, nats: &str, ledger: &str) -> Stoppable {
    let s = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.to_owned(),
        nats: NatsConnection::new(nats),
        ledgers: BTreeMap::from([("eksjo".into(), ledger.to_owned())]),
        consumer: "projector-restart".into(),
        ..Settings::default()
    };
    let app = Projector::build(s).await.unwrap();
    let url = format!("http://{}", app.addr());
    let cancel = CancellationToken::new();
    Stoppable { url, done: tokio::spawn(app.run(cancel.clone())), cancel }
}

impl Stoppable {
    async fn stop(self) {
        self.cancel.cancel();
        self.done.await.unwrap().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_the_lag_is_what_the_stream_holds_beyond_the_views() {
    let nats = NatsServer::start().await.unwrap();
    let l = ledger("eksjo", Some(nats.url())).await;
    import_eksjo(&l.url).await;
    stream_holds(&nats.url(), 19).await;
    let dir = tempfile::tempdir().unwrap();
    let p = start_in(dir.path(), &nats.url(), &l.url).await;
    caught_up(&p.url, 19, true).await;
    p.stop().await;

    // Appended while the projector is stopped, and in the stream before it starts again.
    for day in 1..=30 {
        post(&l.url, &traffic(&format!("2017-03-{:02}", day % 28 + 1), "1")).await;
    }
    stream_holds(&nats.url(), 49).await;

    // Every 200 on the way claims caught up only once all 49 are applied.
    let p = start_in(dir.path(), &nats.url(), &l.url).await;
    let v = caught_up(&p.url, 49, true).await;
    assert_eq!(v["applied_through_seq"], 49, "{v}");
    // `applied` counts what this process wrote: the 30 new events, not the 19 from before.
    let (_, _, _, v) = readyz(&p.url).await.unwrap();
    assert_eq!(v["applied"], 30, "{v}");
    p.stop().await;
}
