//! Following the stream: a durable JetStream consumer with explicit acks. Each batch of messages
//! is deduplicated by `(ledger, seq)` against the per-ledger checkpoints, gaps are back-filled
//! from the ledger's API, the batch is written to the views and flushed, and only then are the
//! messages acknowledged. A redelivered or duplicated message is acknowledged and ignored. While
//! one batch is written and flushed, the next is gathered (a two-stage pipeline).
//!
//! The consumer acknowledges with `AckPolicy::All`: one ack for the last message of a batch
//! covers the batch (one per message cost the server as much as the delivery). A message whose
//! gap cannot be back-filled yet (its ledger unreachable) must then not be passed by any ack: the
//! batch is acknowledged up to just before it, and the consumer is made again to deliver from
//! that message on (what follows it is delivered again and skipped as duplicates).

use std::{collections::HashMap, sync::atomic::Ordering, sync::Arc, time::Duration};

use async_nats::jetstream::{
    self,
    consumer::{pull, AckPolicy, DeliverPolicy},
};
use futures::{FutureExt, StreamExt};
use serde::Deserialize;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::{
    backfill::Backfill,
    metrics::Metrics,
    settings::Settings,
    views::{Applied, Views},
};

/// How long a batch waits for more messages after its first.
const GATHER: Duration = Duration::from_millis(2);

/// Asks the consumer to drop the views and replay the stream from its start.
#[derive(Debug)]
pub struct Rebuild {
    pub reply: oneshot::Sender<Result<(), String>>,
}

#[derive(Deserialize)]
struct Head<'a> {
    ledger: &'a str,
    seq: u64,
    plan: &'a str,
}

/// Where a message belongs: from its subject (`lofte.v1.<ledger>.<plan>.<kind>`) and its
/// `Lofte-Seq` header, as the ledger's outbox publishes them — without parsing the event; from
/// the event itself for a message published otherwise.
fn head_of(msg: &async_nats::Message) -> Option<Head<'_>> {
    let from_subject = || {
        let mut parts = msg.subject.as_str().split('.');
        let (Some("lofte"), Some("v1"), Some(ledger), Some(plan)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let seq = msg.headers.as_ref()?.get("Lofte-Seq")?.as_str().parse().ok()?;
        Some(Head { ledger, seq, plan })
    };
    from_subject().or_else(|| serde_json::from_slice::<Head<'_>>(&msg.payload).ok())
}

/// The consumer task.
#[derive(Debug)]
pub struct Consumer {
    pub(crate) settings: Settings,
    pub(crate) views: Views,
    pub(crate) backfill: Backfill,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) rebuild: mpsc::Receiver<Rebuild>,
    /// The stream sequence to deliver from again (a message whose gap could not be filled).
    pub(crate) rewind: Option<u64>,
}

impl Consumer {
    /// A consumer following `settings.stream` as the durable `settings.consumer`, keeping what it
    /// reads in `views`. Also used by the notifier, with its own consumer name and views. Returns
    /// the handle that asks it to rebuild.
    pub fn new(settings: Settings, views: Views, metrics: Arc<Metrics>) -> (Consumer, mpsc::Sender<Rebuild>) {
        let (tx, rebuild) = mpsc::channel(4);
        (
            Consumer {
                backfill: Backfill::new(settings.ledgers.clone(), settings.ledger_token.as_ref()),
                settings,
                views,
                metrics,
                rebuild,
                rewind: None,
            },
            tx,
        )
    }

    /// Runs until `cancel`, following again after errors and rebuilds on the same connection
    /// (the client reconnects by itself; a failed first connection is tried again).
    pub async fn run(mut self, cancel: CancellationToken) {
        let mut pause = Duration::from_millis(50);
        let mut client: Option<async_nats::Client> = None;
        while !cancel.is_cancelled() {
            let followed = match &client {
                Some(c) => self.follow(c, &cancel).await,
                None => {
                    let name = format!("lofte-{}", self.settings.consumer);
                    match self.settings.nats.connect(&name).await {
                        Ok(c) => {
                            client = Some(c);
                            continue;
                        }
                        Err(e) => Err(e.to_string()),
                    }
                }
            };
            match followed {
                Ok(true) => pause = Duration::from_millis(50),
                Ok(false) => return,
                Err(e) => {
                    self.metrics.error(e);
                    tokio::select! {
                        () = cancel.cancelled() => return,
                        () = tokio::time::sleep(pause) => {}
                    }
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
            }
        }
    }

    /// The durable consumer: the one there is, or a new one delivering from the start — or from
    /// `rewind`, or after what a consumer made with per-message acks (by an earlier version) had
    /// acknowledged.
    async fn consumer(
        &mut self,
        js: &jetstream::Context,
    ) -> Result<jetstream::consumer::Consumer<pull::Config>, String> {
        let name = self.settings.consumer.clone();
        let stream =
            js.get_stream(&self.settings.stream).await.map_err(|e| format!("stream {}: {e}", self.settings.stream))?;
        let mut start = self.rewind.take();
        if start.is_none() {
            if let Ok(c) = stream.get_consumer::<pull::Config>(&name).await {
                let info = c.cached_info();
                if info.config.ack_policy == AckPolicy::All {
                    return Ok(c);
                }
                start = Some(info.ack_floor.stream_sequence + 1);
            }
        }
        let deliver_policy = match start {
            Some(start_sequence) => {
                let _ = stream.delete_consumer(&name).await;
                tracing::info!(consumer = %name, start_sequence, "delivering again from a stream sequence");
                DeliverPolicy::ByStartSequence { start_sequence }
            }
            None => DeliverPolicy::All,
        };
        stream
            .create_consumer(pull::Config {
                durable_name: Some(name.clone()),
                ack_policy: AckPolicy::All,
                deliver_policy,
                ack_wait: Duration::from_secs(self.settings.ack_wait_secs.max(1)),
                max_ack_pending: (self.settings.batch * 4) as i64,
                ..Default::default()
            })
            .await
            .map_err(|e| format!("consumer {name}: {e}"))
    }

    /// Follows the stream until cancelled (`false`) or a rebuild asks to start over (`true`).
    async fn follow(&mut self, client: &async_nats::Client, cancel: &CancellationToken) -> Result<bool, String> {
        let js = jetstream::new(client.clone());
        let consumer = self.consumer(&js).await?;
        // Pull as many as a batch holds, so a replay applies (and flushes) in large batches.
        let mut messages = consumer
            .stream()
            .max_messages_per_batch(self.settings.batch)
            .heartbeat(Duration::from_secs(5))
            .messages()
            .await
            .map_err(|e| e.to_string())?;
        let mut checkpoints: HashMap<String, u64> = HashMap::new();
        // The previous batch, being written, flushed and acknowledged while this one gathers;
        // batches are applied one at a time, in order.
        let mut writing: Option<tokio::task::JoinHandle<Result<(), String>>> = None;
        self.metrics.connected(true);
        loop {
            let first = tokio::select! {
                () = cancel.cancelled() => {
                    finish(writing.take()).await?;
                    return Ok(false);
                }
                Some(req) = self.rebuild.recv() => {
                    finish(writing.take()).await?;
                    let r = self.rebuild_views(&js).await;
                    let ok = r.is_ok();
                    let _ = req.reply.send(r);
                    // Start over on a fresh consumer, from the stream's first message.
                    return if ok { Ok(true) } else { Err("rebuild failed".into()) };
                }
                m = messages.next() => m,
            };
            let Some(first) = first else { return Err("the consumer's message stream ended".into()) };
            // Gather what arrives within a moment of the first message: one flush then covers
            // many events during a replay, at the cost of at most GATHER of latency.
            let mut batch = vec![first.map_err(|e| e.to_string())?];
            let until = tokio::time::Instant::now() + GATHER;
            while batch.len() < self.settings.batch {
                let next = match messages.next().now_or_never() {
                    Some(m) => m,
                    None => match tokio::time::timeout_at(until, messages.next()).await {
                        Ok(m) => m,
                        Err(_) => break,
                    },
                };
                match next {
                    Some(m) => batch.push(m.map_err(|e| e.to_string())?),
                    None => break,
                }
            }
            let mut staged: Vec<Applied> = vec![];
            // The first message whose gap could not be filled now: delivered again later; the
            // rest of the batch (other ledgers' events) is applied meanwhile.
            let mut deferred: Option<usize> = None;
            for (i, msg) in batch.iter().enumerate() {
                let Some(head) = head_of(msg) else {
                    self.metrics.error(format!("a message on {} is not a Lofte event; skipped", msg.subject));
                    continue;
                };
                let ck = match checkpoints.get(head.ledger) {
                    Some(c) => *c,
                    None => self.views.checkpoint(head.ledger).map_err(|e| e.to_string())?,
                };
                if head.seq <= ck {
                    self.metrics.duplicates.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                if head.seq > ck + 1 {
                    // A gap: fetch what is missing from the ledger itself.
                    match self.backfill.fetch(head.ledger, ck, head.seq - 1).await {
                        Ok(missing) => {
                            self.metrics.backfilled.fetch_add(missing.len() as u64, Ordering::Relaxed);
                            for (seq, bytes) in missing {
                                let h: Head<'_> = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
                                let (ledger, plan) = (h.ledger.to_owned(), h.plan.to_owned());
                                staged.push(Applied { ledger, seq, plan, bytes });
                            }
                        }
                        Err(e) => {
                            self.metrics.error(e);
                            deferred = deferred.or(Some(i));
                            continue;
                        }
                    }
                }
                staged.push(Applied {
                    ledger: head.ledger.into(),
                    seq: head.seq,
                    plan: head.plan.into(),
                    bytes: msg.payload.to_vec(),
                });
                checkpoints.insert(head.ledger.to_owned(), head.seq);
            }
            finish(writing.take()).await?;
            let (views, metrics) = (self.views.clone(), self.metrics.clone());
            let rewind = match deferred {
                Some(i) => Some(batch[i].info().map_err(|e| e.to_string())?.stream_sequence),
                None => None,
            };
            let ack_upto = deferred.unwrap_or(batch.len());
            writing = Some(tokio::spawn(async move { write_and_ack(&views, &metrics, staged, batch, ack_upto).await }));
            if let Some(seq) = rewind {
                finish(writing.take()).await?;
                self.rewind = Some(seq);
                return Err(format!("a gap could not be back-filled yet; delivering again from stream sequence {seq}"));
            }
        }
    }

    async fn rebuild_views(&self, js: &jetstream::Context) -> Result<(), String> {
        let stream = js.get_stream(&self.settings.stream).await.map_err(|e| e.to_string())?;
        let _ = stream.delete_consumer(&self.settings.consumer).await;
        self.views.clear().await.map_err(|e| e.to_string())?;
        self.metrics.changed();
        tracing::warn!("views dropped; replaying the stream from its start");
        Ok(())
    }
}

/// Waits for the batch being written, if any.
async fn finish(writing: Option<tokio::task::JoinHandle<Result<(), String>>>) -> Result<(), String> {
    match writing {
        Some(w) => w.await.map_err(|e| format!("writing a batch: {e}"))?,
        None => Ok(()),
    }
}

/// Writes a batch to the views, waits until it is on disk, then acknowledges the batch's first
/// `ack_upto` messages with one ack (the consumer acknowledges all up to the one acked).
async fn write_and_ack(
    views: &Views,
    metrics: &Metrics,
    staged: Vec<Applied>,
    batch: Vec<jetstream::Message>,
    ack_upto: usize,
) -> Result<(), String> {
    let started = std::time::Instant::now();
    views.apply(&staged).await.map_err(|e| e.to_string())?;
    metrics.apply_micros.fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
    metrics.batches.fetch_add(1, Ordering::Relaxed);
    let started = std::time::Instant::now();
    metrics.applied.fetch_add(staged.len() as u64, Ordering::Relaxed);
    metrics.changed();
    if let Some(last) = ack_upto.checked_sub(1).and_then(|i| batch.get(i)) {
        last.ack().await.map_err(|e| format!("ack: {e}"))?;
    }
    metrics.ack_micros.fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
    Ok(())
}
