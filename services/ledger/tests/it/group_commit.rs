//! Group commit, driven deterministically: appends queued before the writer starts are written
//! as one sled batch with one flush, and each is decided against the state left by the ones
//! before it in the same batch.

use std::sync::{atomic::Ordering, Arc};

use lofte_ledger::{
    metrics::Metrics,
    state::LedgerState,
    store::Store,
    writer::{AppendRequest, Appended, Writer},
};
use lofte_proto::{command::parse_command, ids::LedgerId};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::common::{patrol, plan_commands};

async fn run_batched(max_batch: usize, bodies: &[Value]) -> (Arc<Metrics>, Vec<Result<Appended, String>>, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), 64 << 20).unwrap();
    let state = LedgerState::load(&store).unwrap();
    let metrics = Arc::new(Metrics::default());
    let (tx, rx) = mpsc::channel(bodies.len());
    let mut replies = vec![];
    for b in bodies {
        let (rtx, rrx) = oneshot::channel();
        let cmd = parse_command(b.to_string().as_bytes()).unwrap();
        tx.send(AppendRequest { cmd, author: "test".into(), idempotency: None, if_match: None, reply: rtx })
            .await
            .unwrap();
        replies.push(rrx);
    }
    let (gate, _) = lofte_ledger::gate::GateSender::new(lofte_ledger::gate::Gate::Open);
    let writer = Writer::new(LedgerId::new("gc").unwrap(), store.clone(), state, max_batch, metrics.clone(), gate);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(writer.run(rx, cancel.clone()));
    let mut out = vec![];
    for r in replies {
        out.push(r.await.unwrap().map_err(|e| e.to_string()));
    }
    cancel.cancel();
    task.await.unwrap();
    // Keep the directory alive as long as the store handle.
    std::mem::forget(dir);
    (metrics, out, store)
}

fn workload() -> Vec<Value> {
    let mut bodies = plan_commands();
    for i in 0..100 {
        bodies.push(patrol(&format!("2022-03-{:02}", i % 28 + 1), json!(i)));
    }
    // A refused command in the middle of the batch writes nothing and does not disturb the rest.
    bodies.insert(50, patrol("2031-01-01", json!(1)));
    bodies
}

#[tokio::test]
async fn waiting_appends_share_one_batch_and_one_flush() {
    let (m, out, store) = run_batched(4096, &workload()).await;
    assert_eq!(m.batches.load(Ordering::Relaxed), 1);
    assert_eq!(m.appended.load(Ordering::Relaxed), 103);
    assert_eq!(m.max_batch_seen.load(Ordering::Relaxed), 103);
    assert_eq!(out.iter().filter(|r| r.is_err()).count(), 1);
    assert!(out[50].as_ref().unwrap_err().contains("data.date"));
    let seqs: Vec<u64> = out
        .iter()
        .filter_map(|r| match r {
            Ok(Appended::Created(rec)) => Some(rec.seq),
            _ => None,
        })
        .collect();
    assert_eq!(seqs, (1..=103).collect::<Vec<_>>());
    assert_eq!(store.head().unwrap().seq, 103);
}

#[tokio::test]
async fn batches_are_bounded() {
    let (m, out, _) = run_batched(10, &workload()).await;
    assert_eq!(out.iter().filter(|r| r.is_ok()).count(), 103);
    // 104 requests in batches of at most 10; the refused one takes a slot but writes nothing.
    assert_eq!(m.batches.load(Ordering::Relaxed), 11);
    assert_eq!(m.max_batch_seen.load(Ordering::Relaxed), 10);
}
