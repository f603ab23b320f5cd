//! The phases the bench compares, and how each is timed and charged.

use std::time::Duration;

use async_nats::jetstream::{self, consumer::DeliverPolicy};
use futures::StreamExt;
use lofte_test_support::cpu_seconds;

/// One kind of replay of the whole stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The projector drops its views and rebuilds them from the stream.
    Rebuild,
    /// An ordered consumer replays the stream, storing nothing, not even reading the messages.
    Raw,
    /// An ordered consumer replays the stream into sled as plainly as sled is used: one entry
    /// per message, one atomic batch and one flush per 1,000.
    Stored,
}

pub const PHASES: [Phase; 3] = [Phase::Rebuild, Phase::Raw, Phase::Stored];

impl Phase {
    /// The name `--only` takes.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Rebuild => "rebuild",
            Phase::Raw => "raw",
            Phase::Stored => "stored",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Phase::Rebuild => "projector rebuild from the stream:",
            Phase::Raw => "raw ordered consumer replay:",
            Phase::Stored => "raw replay into sled (entry each, flush/1,000):",
        }
    }
}

/// A phase's rates (events per second, one per round) and CPU time.
#[derive(Default)]
pub struct Results {
    pub rates: Vec<f64>,
    pub cpu: Cpu,
}

/// Replays the whole stream (`total` messages) with an ordered consumer; into `store` if given.
pub async fn replay(stream: &jetstream::stream::Stream, total: u64, store: Option<&sled::Tree>) {
    let mut msgs = stream
        .create_consumer(jetstream::consumer::pull::OrderedConfig {
            deliver_policy: DeliverPolicy::All,
            ..Default::default()
        })
        .await
        .expect("ordered consumer")
        .messages()
        .await
        .expect("messages");
    let mut batch = sled::Batch::default();
    for n in 0..total {
        let msg = msgs.next().await.expect("message").expect("ok");
        if let Some(tree) = store {
            batch.insert(&n.to_be_bytes(), msg.payload.as_ref());
            if (n + 1) % 1000 == 0 || n + 1 == total {
                tree.apply_batch(std::mem::take(&mut batch)).expect("batch");
                tree.flush_async().await.expect("flush");
            }
        }
    }
}

/// CPU seconds used by this process and by nats-server during one kind of phase.
#[derive(Default)]
pub struct Cpu {
    own: f64,
    server: f64,
}

impl Cpu {
    pub fn start(nats: &str) -> (f64, f64) {
        (cpu_seconds("self"), cpu_seconds(nats))
    }

    pub fn add(&mut self, nats: &str, (own, server): (f64, f64)) {
        self.own += cpu_seconds("self") - own;
        self.server += cpu_seconds(nats) - server;
    }

    pub fn per_event(&self, events: u64) -> String {
        format!(
            "{:.1} µs in this process + {:.1} µs in nats-server",
            self.own * 1e6 / events as f64,
            self.server * 1e6 / events as f64
        )
    }
}

/// Waits until this process and nats-server are idle (under a tenth of a core for 100 ms; 3 s at
/// most), so that what one phase leaves running (sled writing its caches out, the sweep of the
/// views' old generation, consumers made or deleted) is not timed in the next one. Its CPU time
/// is still counted to the phase before.
pub async fn settle(nats: &str) {
    for _ in 0..30 {
        let before = cpu_seconds("self") + cpu_seconds(nats);
        tokio::time::sleep(Duration::from_millis(100)).await;
        if cpu_seconds("self") + cpu_seconds(nats) - before < 0.01 {
            return;
        }
    }
}
