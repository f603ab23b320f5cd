//! Three replicas on a real three-node JetStream cluster (shaped like deploy/nats/cluster): in
//! `replicated` mode every acknowledged event is on a majority of nodes, and appends go on being
//! confirmed after one node is lost.

use std::time::Duration;

use async_nats::jetstream;
use lofte_ledger::settings::AckMode;
use lofte_test_support::{poll_until, NatsServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::common::{patrol, plan_commands, TestLedger};

/// Appends `body` under `key` until it is confirmed (the cluster may still be electing leaders).
async fn confirmed(l: &TestLedger, body: &Value, key: &str) -> Value {
    poll_until("a confirmed append", Duration::from_secs(60), || async {
        let (s, _, v) = l.post_with(body, &[("Idempotency-Key", key)]).await;
        Ok::<_, String>(matches!(s, StatusCode::CREATED | StatusCode::OK).then_some(v))
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_events_survive_the_loss_of_a_node() {
    let mut nodes = NatsServer::cluster(3).await.unwrap();
    let urls = nodes.iter().map(NatsServer::url).collect::<Vec<_>>().join(",");
    let dir = tempfile::tempdir().unwrap();
    let l = TestLedger::start_with(dir.path(), move |s| {
        s.ledger_id = "r3".parse().unwrap();
        s.nats.connection.url = Some(urls);
        s.nats.replicas = 3;
        s.nats.ack_mode = AckMode::Replicated;
        s.nats.replicated_timeout_ms = 3000;
        s.nats.retry_max_ms = 250;
    })
    .await;
    for (i, c) in plan_commands().iter().enumerate() {
        confirmed(&l, c, &format!("plan-{i}")).await;
    }
    for d in 0..30 {
        let ev = confirmed(&l, &patrol(&format!("2022-04-{:02}", d % 28 + 1), json!(d)), &format!("a{d}")).await;
        assert_eq!(ev["seq"], d + 4);
    }
    let js = jetstream::new(async_nats::connect(nodes[0].url()).await.unwrap());
    let info = js.get_stream("LOFTE").await.unwrap().info().await.unwrap().clone();
    assert_eq!(info.config.num_replicas, 3);
    assert_eq!(info.cluster.as_ref().map(|c| c.replicas.len()), Some(2), "two followers besides the leader");

    // Lose a node: a majority (two of three) still stores and confirms every append.
    nodes[2].stop();
    for d in 30..60 {
        let ev = confirmed(&l, &patrol(&format!("2022-05-{:02}", d % 28 + 1), json!(d)), &format!("a{d}")).await;
        assert_eq!(ev["seq"], d + 4);
    }
    let messages = poll_until("the stream to hold all 63 events", Duration::from_secs(30), || async {
        let js = jetstream::new(async_nats::connect(nodes[0].url()).await.map_err(|e| e.to_string())?);
        let mut s = js.get_stream("LOFTE").await.map_err(|e| e.to_string())?;
        let n = s.info().await.map_err(|e| e.to_string())?.state.messages;
        Ok::<_, String>((n >= 63).then_some(n))
    })
    .await
    .unwrap();
    assert_eq!(messages, 63, "each event once");
    l.stop().await;
}
