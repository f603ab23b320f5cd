//! A gap that cannot be back-filled yet — its ledger is unreachable — holds back only that
//! ledger: the other ledgers' events behind it in the stream are applied meanwhile, and once
//! the ledger answers again the gap is filled and nothing behind it is lost (the consumer
//! acknowledges whole batches, so it must not pass the message it could not apply).

use std::{collections::BTreeMap, time::Duration};

use async_nats::jetstream::{self, message::PublishMessage};
use lofte_test_support::{poll_until, Gate, NatsServer};
use serde_json::Value;

use super::e2e::{applied, import_eksjo, ledger, metric, post, projector_named, traffic, Running};

/// Two real ledgers and a projector following both; the "quiet" one publishes nothing and sits
/// behind a gate. In the stream: the quiet ledger's 19th event (its first 18 only
/// through its API, so a gap), then the other ledger's plan and one event: 39 events in all.
pub struct GapScene {
    _nats: NatsServer,
    pub eksjo: Running,
    _quiet: Running,
    pub gate: Gate,
    pub p: Running,
}

pub async fn gap_scene(consumer: &str, open: bool) -> GapScene {
    let nats = NatsServer::start().await.unwrap();
    let eksjo = ledger("eksjo", Some(nats.url())).await;
    let quiet = ledger("quiet", None).await;
    let gate = Gate::start(&quiet.url, open).await.unwrap();
    let ledgers = BTreeMap::from([("eksjo".into(), eksjo.url.clone()), ("quiet".into(), gate.url().to_owned())]);
    let p = projector_named(&nats.url(), ledgers, consumer).await;
    import_eksjo(&quiet.url).await;
    let page: Value =
        reqwest::get(format!("{}/v1/events?after=18&limit=1", quiet.url)).await.unwrap().json().await.unwrap();
    let last = &page["events"][0];
    let js = jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let msg = PublishMessage::build().payload(serde_json::to_vec(last).unwrap().into()).message_id("quiet:19");
    let subject = format!("lofte.v1.quiet.{}.{}", last["plan"].as_str().unwrap(), last["kind"].as_str().unwrap());
    js.send_publish(subject, msg).await.unwrap().await.unwrap();
    import_eksjo(&eksjo.url).await;
    post(&eksjo.url, &traffic("2017-03-01", "minst 8")).await;
    GapScene { _nats: nats, eksjo, _quiet: quiet, gate, p }
}

/// Waits until the projector has met the gap (and failed to fill it) twice more: everything the
/// stream holds has then been processed since, so what has not been applied is held back — no
/// sleep needed to prove that nothing more happens.
pub async fn held_back_twice_more(projector: &str) {
    let errors = metric(projector, "lofte_projector_errors_total").await;
    poll_until("the gap to be met twice more", Duration::from_secs(30), || async move {
        let now = metric(projector, "lofte_projector_errors_total").await;
        Ok::<_, String>((now >= errors + 2).then_some(()))
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gap_that_cannot_be_filled_yet_holds_back_only_its_ledger() {
    // The quiet ledger does not answer yet; the other ledger's 20 events behind the gap in the
    // stream are applied while it waits.
    let scene = gap_scene("projector-gap", false).await;
    let (eksjo, gate, p) = (&scene.eksjo, &scene.gate, &scene.p);
    applied(&p.url, 20).await;
    held_back_twice_more(&p.url).await;
    assert_eq!(metric(&p.url, "lofte_projector_backfilled_total").await, 0);
    assert_eq!(metric(&p.url, "lofte_projector_applied_total").await, 20, "the gap's ledger stays behind");

    // The ledger answers again: the gap is filled, and the count is exact (nothing twice, nothing lost).
    gate.set_open(true);
    applied(&p.url, 39).await;
    assert_eq!(metric(&p.url, "lofte_projector_backfilled_total").await, 18);
    post(&eksjo.url, &traffic("2017-03-02", "2")).await;
    applied(&p.url, 40).await;
}
