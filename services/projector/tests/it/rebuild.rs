//! A rebuild replays the stream with an ordered consumer, then hands over to the durable
//! consumer after the last message replayed: nothing is delivered twice, what is appended later
//! is followed, and a gap met during the replay holds its ledger back until it can be filled.

use std::{collections::BTreeMap, time::Duration};

use async_nats::jetstream::{self, consumer::pull};
use lofte_test_support::{poll_until, NatsServer};
use serde_json::Value;

use super::{
    e2e::{applied, import_eksjo, ledger, metric, post, projector_named, traffic},
    gap::gap_scene,
};

async fn rebuild(projector: &str) {
    let r = reqwest::Client::new().post(format!("{projector}/v1/admin/rebuild")).send().await.unwrap();
    assert_eq!(r.status(), 202);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_hands_over_to_the_durable_consumer_after_the_replay() {
    let nats = NatsServer::start().await.unwrap();
    let l = ledger("eksjo", Some(nats.url())).await;
    import_eksjo(&l.url).await;
    for day in 1..=40 {
        post(&l.url, &traffic(&format!("2017-03-{:02}", day % 28 + 1), "1")).await;
    }
    let p = projector_named(&nats.url(), BTreeMap::from([("eksjo".into(), l.url.clone())]), "projector-rb").await;
    applied(&p.url, 59).await;

    rebuild(&p.url).await;
    applied(&p.url, 2 * 59).await;
    // Appended after the rebuild: followed by the durable consumer, made again after the last
    // message the replay applied — it delivers nothing a second time.
    post(&l.url, &traffic("2017-04-01", "1")).await;
    applied(&p.url, 2 * 59 + 1).await;
    assert_eq!(metric(&p.url, "lofte_projector_duplicates_total").await, 0);
    let js = jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let stream = js.get_stream("LOFTE").await.unwrap();
    let info = poll_until("the last message acknowledged", Duration::from_secs(10), || async {
        let info =
            stream.get_consumer::<pull::Config>("projector-rb").await.map_err(|e| e.to_string())?.cached_info().clone();
        if info.ack_floor.stream_sequence == 60 {
            Ok(Some(info))
        } else {
            Err(format!("ack floor {:?}", info.ack_floor))
        }
    })
    .await
    .unwrap();
    assert_eq!(info.num_pending, 0);
    assert_eq!(info.delivered.consumer_sequence, 1, "the durable consumer delivered only the new message");

    // The summary after the rebuild counts each event once.
    t1_count(&p.url, 41).await;

    // Two rebuilds asked for at once (the second may start the first's replay over): both are
    // accepted, the views end exact, and what is appended next is followed.
    tokio::join!(rebuild(&p.url), rebuild(&p.url));
    post(&l.url, &traffic("2017-04-02", "1")).await;
    t1_count(&p.url, 42).await;
    assert_eq!(metric(&p.url, "lofte_projector_duplicates_total").await, 0);
}

/// Polls the T1 traffic-control count until it is `want`.
async fn t1_count(projector: &str, want: u64) {
    let url = format!("{projector}/v1/plans/eksjo-2017/summary?tertial=2017-T1");
    poll_until(&format!("the T1 count to be {want}"), Duration::from_secs(30), || async {
        let v: Value = reqwest::get(&url).await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
        let got = v.pointer("/promises/0/activities/1/cells/2017-T1/measures/trafikkontroller/count/value").cloned();
        if got == Some(Value::from(want)) {
            Ok(Some(()))
        } else {
            Err(format!("count {got:?}"))
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gap_met_during_a_rebuild_holds_its_ledger_back_until_it_is_filled() {
    let scene = gap_scene("projector-rb-gap", true).await;
    let (eksjo, gate, p) = (&scene.eksjo, &scene.gate, &scene.p);
    applied(&p.url, 39).await;
    assert_eq!(metric(&p.url, "lofte_projector_backfilled_total").await, 18);

    // Rebuilt while the quiet ledger does not answer: the other ledger's events are applied,
    // the quiet one's wait.
    gate.set_open(false);
    rebuild(&p.url).await;
    applied(&p.url, 39 + 20).await;
    super::gap::held_back_twice_more(&p.url).await;
    assert_eq!(metric(&p.url, "lofte_projector_applied_total").await, 39 + 20, "the gap's ledger stays behind");

    // It answers again: filled, and every count exact.
    gate.set_open(true);
    applied(&p.url, 2 * 39).await;
    assert_eq!(metric(&p.url, "lofte_projector_backfilled_total").await, 2 * 18);
    post(&eksjo.url, &traffic("2017-03-02", "2")).await;
    applied(&p.url, 2 * 39 + 1).await;
}
