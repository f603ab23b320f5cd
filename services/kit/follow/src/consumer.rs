//! Following the stream: a durable JetStream consumer with explicit acks. Each batch of messages
//! (see `batch`) is deduplicated by `(ledger, seq)` against the per-ledger checkpoints, gaps are
//! back-filled from the ledger's API, the batch is written to the views and flushed, and only
//! then are the messages acknowledged. A redelivered or duplicated message is acknowledged and
//! ignored. While one batch is written and flushed, the next is gathered (a two-stage pipeline).
//!
//! The consumer acknowledges with `AckPolicy::All`: one ack for the last message of a batch
//! covers the batch (one per message cost the server as much as the delivery). A message whose
//! gap cannot be back-filled yet (its ledger unreachable) must then not be passed by any ack: the
//! batch is acknowledged up to just before it, and the consumer is made again to deliver from
//! that message on (what follows it is delivered again and skipped as duplicates).
//!
//! A rebuild drops the views and the durable consumer and replays the stream, up to the last
//! message it holds when the rebuild begins, with an ordered consumer: no acks and no consumer
//! state on the server's disk, for a replay needs every message once, in order. The durable
//! consumer is then made again to go on after the last message replayed (ADR 0013). Should the
//! replay stop half-way, the durable consumer made at the next start delivers the whole stream
//! and what was applied already is skipped as duplicates.

use std::{collections::HashMap, sync::Arc, time::Duration};

use async_nats::jetstream::{
    self,
    consumer::{pull, AckPolicy, DeliverPolicy},
};
use futures::StreamExt;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::{
    backfill::Backfill,
    batch::{gather, stage, Writing},
    error::{FollowError, RebuildError},
    settings::Settings,
    shared::Shared,
    views::Views,
};

/// Asks the consumer to drop the views and replay the stream from its start.
#[derive(Debug)]
pub(crate) struct Rebuild {
    pub reply: oneshot::Sender<Result<(), RebuildError>>,
}

/// The consumer task.
#[derive(Debug)]
pub(crate) struct Consumer {
    settings: Settings,
    views: Views,
    backfill: Backfill,
    shared: Arc<Shared>,
    rebuild: mpsc::Receiver<Rebuild>,
    /// The stream sequence the durable consumer is made again to deliver from: a message whose
    /// gap could not be filled, or the one after the last a rebuild replayed.
    rewind: Option<u64>,
}

/// How following the stream ended, short of an error.
enum Followed {
    Cancelled,
    /// A rebuild replayed the stream: follow on from `rewind`.
    Rebuilt,
    /// A gap could not be back-filled yet: deliver again from `rewind` after a pause.
    Deferred,
}

impl Consumer {
    /// A consumer following `settings.stream` as the durable `settings.consumer`, keeping what it
    /// reads in `views`; and the sender that asks it to rebuild.
    pub(crate) fn new(settings: Settings, views: Views, shared: Arc<Shared>) -> (Consumer, mpsc::Sender<Rebuild>) {
        let (tx, rebuild) = mpsc::channel(4);
        (
            Consumer {
                backfill: Backfill::new(settings.ledgers.clone(), settings.ledger_token.as_ref()),
                settings,
                views,
                shared,
                rebuild,
                rewind: None,
            },
            tx,
        )
    }

    /// Runs until `cancel`, following again after errors and rebuilds on the same connection
    /// (the client reconnects by itself; a failed first connection is tried again).
    pub(crate) async fn run(mut self, cancel: CancellationToken) {
        let mut backoff = lofte_service::retry::Backoff::new(Duration::from_millis(50), Duration::from_secs(2));
        let mut client: Option<async_nats::Client> = None;
        while !cancel.is_cancelled() {
            let followed = match &client {
                Some(c) => self.follow(c, &cancel).await,
                None => {
                    let name = format!("lofte-{}", self.settings.consumer);
                    match self.settings.nats.connect(&name).await {
                        Ok(c) => {
                            self.shared.progress.connected_with(&c);
                            client = Some(c);
                            continue;
                        }
                        Err(e) => Err(FollowError::from(e)),
                    }
                }
            };
            match followed {
                Ok(Followed::Rebuilt) => {
                    backoff.reset();
                    continue;
                }
                Ok(Followed::Cancelled) => return,
                // Why the gap could not be filled is counted and kept already.
                Ok(Followed::Deferred) => self.shared.progress.set_connected(false),
                Err(e) => self.shared.error(&e),
            }
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(backoff.pause()) => {}
            }
        }
    }

    /// The durable consumer: the one there is, or a new one delivering from the start — or from
    /// `rewind`. Notes where the views stand in the stream: everything before the first message
    /// it will deliver (or deliver again) is applied.
    async fn consumer(
        &mut self,
        js: &jetstream::Context,
    ) -> Result<jetstream::consumer::Consumer<pull::Config>, FollowError> {
        let name = self.settings.consumer.clone();
        let stream = js
            .get_stream(&self.settings.stream)
            .await
            .map_err(FollowError::nats(format!("stream {}", self.settings.stream)))?;
        // Nothing before the stream's first message can be delivered, whatever the ack floor says.
        let before_first = stream.cached_info().state.first_sequence.saturating_sub(1);
        let start = self.rewind.take();
        if start.is_none() {
            if let Ok(c) = stream.get_consumer::<pull::Config>(&name).await {
                // Under `AckPolicy::All` the ack floor is the last message of a batch on disk.
                self.shared.progress.restart_at(c.cached_info().ack_floor.stream_sequence.max(before_first));
                return Ok(c);
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
        let made = stream
            .create_consumer(pull::Config {
                durable_name: Some(name.clone()),
                ack_policy: AckPolicy::All,
                deliver_policy,
                ack_wait: Duration::from_secs(self.settings.ack_wait_secs.max(1)),
                max_ack_pending: (self.settings.batch * 4) as i64,
                ..Default::default()
            })
            .await
            .map_err(FollowError::nats(format!("consumer {name}")))?;
        self.shared.progress.restart_at(start.map_or(0, |s| s.saturating_sub(1)).max(before_first));
        Ok(made)
    }

    /// Follows the stream until cancelled, a rebuild is done, or a gap cannot be filled yet.
    async fn follow(
        &mut self,
        client: &async_nats::Client,
        cancel: &CancellationToken,
    ) -> Result<Followed, FollowError> {
        let js = jetstream::new(client.clone());
        let consumer = self.consumer(&js).await?;
        // Pull as many as a batch holds, so a replay applies (and flushes) in large batches.
        let mut messages = consumer
            .stream()
            .max_messages_per_batch(self.settings.batch)
            .heartbeat(Duration::from_secs(5))
            .messages()
            .await
            .map_err(FollowError::nats("pulling messages"))?;
        let mut checkpoints: HashMap<String, u64> = HashMap::new();
        let mut writing = Writing::default();
        self.shared.progress.set_connected(true);
        let followed: Result<Followed, FollowError> = async {
            loop {
                let first = tokio::select! {
                    () = cancel.cancelled() => return Ok(Followed::Cancelled),
                    Some(req) = self.rebuild.recv() => {
                        // The views are dropped next: the last batch must be written first.
                        writing.finish().await?;
                        drop(messages);
                        return self.rebuild(&js, req, cancel).await;
                    }
                    m = messages.next() => m,
                };
                let Some(first) = first else { return Err(FollowError::Ended("consumer's")) };
                let first = first.map_err(FollowError::nats("receiving a message"))?;
                let batch = gather(&mut messages, first, self.settings.batch).await?;
                let staged = stage(&self.views, &self.backfill, &self.shared, batch, &mut checkpoints).await?;
                writing.start(&self.views, &self.shared, staged.segments, staged.through, staged.last).await?;
                if let Some(seq) = staged.deferred {
                    tracing::info!(
                        seq,
                        "a gap could not be back-filled yet; delivering again from this stream sequence"
                    );
                    self.rewind = Some(seq);
                    return Ok(Followed::Deferred);
                }
            }
        }
        .await;
        finished(followed, writing).await
    }

    /// Drops the views and the durable consumer, answers `req`, and replays the stream — again
    /// from the start should another rebuild be asked for meanwhile. `true`: go on following
    /// (after what was replayed), or cancelled.
    async fn rebuild(
        &mut self,
        js: &jetstream::Context,
        mut req: Rebuild,
        cancel: &CancellationToken,
    ) -> Result<Followed, FollowError> {
        loop {
            if let Err(e) = self.drop_views(js).await {
                let _ = req.reply.send(Err(RebuildError::Failed(e.to_string())));
                return Err(e);
            }
            let _ = req.reply.send(Ok(()));
            let started = std::time::Instant::now();
            match self.replay(js, cancel).await? {
                Replayed::Upto(next) => {
                    tracing::info!(elapsed = ?started.elapsed(), next, "stream replayed; following from the next message");
                    self.rewind = Some(next);
                    return Ok(Followed::Rebuilt);
                }
                Replayed::Cancelled => return Ok(Followed::Cancelled),
                Replayed::Again(again) => req = again,
            }
        }
    }

    async fn drop_views(&self, js: &jetstream::Context) -> Result<(), FollowError> {
        let stream = js
            .get_stream(&self.settings.stream)
            .await
            .map_err(FollowError::nats(format!("stream {}", self.settings.stream)))?;
        let _ = stream.delete_consumer(&self.settings.consumer).await;
        self.shared.progress.rebuild_started();
        self.views.clear().await?;
        self.shared.progress.restart_at(0);
        tracing::warn!("views dropped; replaying the stream from its start");
        Ok(())
    }

    /// Replays the stream, from its first message to the last it holds now, with an ordered
    /// consumer.
    async fn replay(&mut self, js: &jetstream::Context, cancel: &CancellationToken) -> Result<Replayed, FollowError> {
        let what = || format!("stream {}", self.settings.stream);
        let mut stream = js.get_stream(&self.settings.stream).await.map_err(FollowError::nats(what()))?;
        let state = &stream.info().await.map_err(FollowError::nats(what()))?.state;
        let last = state.last_sequence;
        self.shared.progress.restart_at(state.first_sequence.saturating_sub(1));
        self.shared.progress.rebuild_upto(last);
        if last == 0 {
            return Ok(Replayed::Upto(1));
        }
        let mut messages = stream
            .create_consumer(pull::OrderedConfig { deliver_policy: DeliverPolicy::All, ..Default::default() })
            .await
            .map_err(FollowError::nats("replay consumer"))?
            .messages()
            .await
            .map_err(FollowError::nats("replay consumer"))?;
        let mut checkpoints: HashMap<String, u64> = HashMap::new();
        let mut writing = Writing::default();
        let replayed: Result<Replayed, FollowError> = async {
            loop {
                let first = tokio::select! {
                    () = cancel.cancelled() => return Ok(Replayed::Cancelled),
                    Some(req) = self.rebuild.recv() => return Ok(Replayed::Again(req)),
                    m = messages.next() => m,
                };
                let Some(first) = first else { return Err(FollowError::Ended("replay's")) };
                let first = first.map_err(FollowError::nats("receiving a message"))?;
                // Larger batches than when following: nobody waits for a single event here.
                let batch = gather(&mut messages, first, 4 * self.settings.batch).await?;
                let staged = stage(&self.views, &self.backfill, &self.shared, batch, &mut checkpoints).await?;
                // Without a deferred message, `through` is the batch's last (a batch is never empty).
                let (next, done) = match staged.deferred {
                    Some(seq) => (seq, true),
                    None => {
                        let seq = staged.through.unwrap_or(last);
                        (seq + 1, seq >= last)
                    }
                };
                writing.start(&self.views, &self.shared, staged.segments, staged.through, None).await?;
                if done {
                    return Ok(Replayed::Upto(next));
                }
            }
        }
        .await;
        finished(replayed, writing).await
    }
}

/// What ended following or a replay, once the batch being written is on disk (or failed) — on
/// an error too: a write left running could still be applying when a rebuild drops the views.
async fn finished<T>(ended: Result<T, FollowError>, mut writing: Writing) -> Result<T, FollowError> {
    let written = writing.finish().await;
    let ended = ended?;
    written?;
    Ok(ended)
}

/// How a replay ended.
enum Replayed {
    /// The stream sequence to follow on from: the one after the last replayed, or a message
    /// whose gap could not be back-filled yet.
    Upto(u64),
    Cancelled,
    /// Another rebuild was asked for: start over.
    Again(Rebuild),
}
