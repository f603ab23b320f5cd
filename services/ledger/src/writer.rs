//! The single writer and its group commit. Appends queue on a channel; the writer takes every
//! append waiting at that moment (up to `max_batch`), decides each against the state as it
//! stands after the ones before it, writes the accepted ones as one sled batch, flushes once, and
//! only then answers. A `201` therefore always means "on disk".
//!
//! If a write or flush fails, the writer stops accepting (every later append gets `503`) and the
//! process must be restarted: the in-memory state may be ahead of the disk, and the log on disk is
//! the truth it rebuilds from.

use std::{collections::HashMap, sync::Arc, time::Instant};

use axum::body::Bytes;
use jiff::Timestamp;
use lofte_proto::{envelope::Envelope, ids::LedgerId, Command, Hash};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    decide::{decide, MemoryFacts, Rejection},
    metrics::Metrics,
    state::{facts_of, LedgerState, StoreFacts},
    store::{Staged, Store},
};

/// One stored event as sent back to clients.
#[derive(Debug, Clone)]
pub struct Record {
    pub seq: u64,
    pub id: Uuid,
    pub stream_version: u64,
    /// The stored canonical JSON.
    pub bytes: Bytes,
}

/// The outcome of an append.
#[derive(Debug, Clone)]
pub enum Appended {
    /// Newly written (and flushed).
    Created(Record),
    /// The idempotency key was used before with the same request: the original event.
    Replayed(Record),
}

/// Why an append was not written.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppendError {
    #[error(transparent)]
    Rejected(#[from] Rejection),
    #[error("idempotency key {0:?} was already used with a different request")]
    KeyReused(String),
    #[error("stream {stream} is at version {current}, not {expected}")]
    VersionConflict { stream: String, expected: u64, current: u64 },
    #[error("the ledger cannot write: {0}")]
    Unavailable(String),
}

/// A request to append.
#[derive(Debug)]
pub struct AppendRequest {
    pub cmd: Command,
    pub author: String,
    /// The `Idempotency-Key` and the hash of the canonical request body.
    pub idempotency: Option<(String, Hash)>,
    /// The stream version the client expects (`If-Match`).
    pub if_match: Option<u64>,
    pub reply: oneshot::Sender<Result<Appended, AppendError>>,
}

type Reply = (oneshot::Sender<Result<Appended, AppendError>>, Result<Appended, AppendError>);

/// The writer task's state.
#[derive(Debug)]
pub struct Writer {
    pub(crate) ledger: LedgerId,
    pub(crate) store: Store,
    pub(crate) state: LedgerState,
    pub(crate) max_batch: usize,
    pub(crate) metrics: Arc<Metrics>,
    failed: Option<String>,
}

impl Writer {
    /// A writer over `store` whose state was loaded from it.
    pub fn new(ledger: LedgerId, store: Store, state: LedgerState, max_batch: usize, metrics: Arc<Metrics>) -> Self {
        metrics.head_seq.store(state.head.seq, std::sync::atomic::Ordering::Relaxed);
        Self { ledger, store, state, max_batch: max_batch.max(1), metrics, failed: None }
    }

    /// Runs until `cancel`; then answers what is still queued and returns.
    pub async fn run(mut self, mut rx: mpsc::Receiver<AppendRequest>, cancel: CancellationToken) {
        loop {
            let first = tokio::select! {
                biased;
                () = cancel.cancelled() => break,
                r = rx.recv() => match r { Some(r) => r, None => return },
            };
            let mut reqs = Vec::with_capacity(64);
            reqs.push(first);
            while reqs.len() < self.max_batch {
                match rx.try_recv() {
                    Ok(r) => reqs.push(r),
                    Err(_) => break,
                }
            }
            self.process(reqs).await;
        }
        rx.close();
        let mut rest = Vec::new();
        while let Ok(r) = rx.try_recv() {
            rest.push(r);
        }
        if !rest.is_empty() {
            self.process(rest).await;
        }
    }

    async fn process(&mut self, reqs: Vec<AppendRequest>) {
        let mut batch = sled::Batch::default();
        let mut overlay = MemoryFacts::default();
        let mut staged: Vec<Reply> = Vec::new();
        let mut keys: HashMap<String, (Hash, Record)> = HashMap::new();
        for req in reqs {
            if let Some(why) = &self.failed {
                let _ = req.reply.send(Err(AppendError::Unavailable(why.clone())));
                continue;
            }
            match self.stage(&req, &mut batch, &mut overlay, &mut keys) {
                Ok(Staging::Written(rec)) => staged.push((req.reply, Ok(Appended::Created(rec)))),
                Ok(Staging::SameBatch(rec)) => staged.push((req.reply, Ok(Appended::Replayed(rec)))),
                Ok(Staging::Stored(rec)) => {
                    self.metrics.replayed();
                    let _ = req.reply.send(Ok(Appended::Replayed(rec)));
                }
                Err(e) => {
                    self.metrics.refused(&e);
                    let _ = req.reply.send(Err(e));
                }
            }
        }
        if staged.is_empty() {
            return;
        }
        let started = Instant::now();
        let written = staged.iter().filter(|(_, r)| matches!(r, Ok(Appended::Created(_)))).count();
        if let Err(e) = self.store.commit(batch).await {
            tracing::error!(error = %e, "group commit failed; the ledger stops accepting writes");
            self.failed = Some(e.to_string());
            self.metrics.writer_failed.store(1, std::sync::atomic::Ordering::Relaxed);
            for (tx, _) in staged {
                let _ = tx.send(Err(AppendError::Unavailable(e.to_string())));
            }
            return;
        }
        self.metrics.committed(written as u64, self.state.head.seq, started.elapsed());
        for (tx, r) in staged {
            let _ = tx.send(r);
        }
    }

    fn stage(
        &mut self,
        req: &AppendRequest,
        batch: &mut sled::Batch,
        overlay: &mut MemoryFacts,
        keys: &mut HashMap<String, (Hash, Record)>,
    ) -> Result<Staging, AppendError> {
        let unavailable = |e: crate::store::StoreError| AppendError::Unavailable(e.to_string());
        if let Some((key, body)) = &req.idempotency {
            if let Some((h, rec)) = keys.get(key) {
                return if h == body { Ok(Staging::SameBatch(rec.clone())) } else { Err(AppendError::KeyReused(key.clone())) };
            }
            if let Some((seq, h)) = self.store.idempotency(key).map_err(unavailable)? {
                if &h != body {
                    return Err(AppendError::KeyReused(key.clone()));
                }
                let bytes = self.store.event(seq).map_err(unavailable)?.ok_or_else(|| {
                    AppendError::Unavailable(format!("idempotency key points at missing seq {seq}"))
                })?;
                let env = Envelope::decode(&bytes, &lofte_proto::upcast::Upcasters::standard())
                    .map_err(|e| AppendError::Unavailable(e.to_string()))?;
                return Ok(Staging::Stored(Record {
                    seq,
                    id: env.id,
                    stream_version: env.stream_version,
                    bytes: Bytes::copy_from_slice(&bytes),
                }));
            }
        }
        let decision = {
            let facts = StoreFacts { store: &self.store, batch: overlay, retracted: &self.state.retracted };
            decide(&self.state.book, &facts, &req.cmd)?
        };
        let current = self.state.streams.get(&decision.stream).copied().unwrap_or(0);
        if let Some(expected) = req.if_match {
            if expected != current {
                return Err(AppendError::VersionConflict { stream: decision.stream, expected, current });
            }
        }
        let env = Envelope {
            id: Uuid::now_v7(),
            ledger: self.ledger.clone(),
            seq: self.state.head.seq + 1,
            prev_hash: self.state.head.hash,
            hash: Hash::GENESIS,
            recorded_at: Timestamp::now(),
            plan: req.cmd.plan.clone(),
            stream: decision.stream,
            stream_version: current + 1,
            actor: req.cmd.actor.clone(),
            author: req.author.clone(),
            schema: req.cmd.event.kind().schema_version(),
            event: req.cmd.event.clone(),
            correlation_id: req.cmd.correlation_id,
            causation_id: req.cmd.causation_id,
            idempotency_key: req.idempotency.as_ref().map(|(k, _)| k.clone()),
        };
        let (env, bytes) = env.seal();
        Store::stage(
            batch,
            &Staged {
                seq: env.seq,
                id: env.id,
                bytes: &bytes,
                hash: env.hash,
                stream: &env.stream,
                stream_version: env.stream_version,
                idempotency: req.idempotency.as_ref().map(|(k, h)| (k.as_str(), *h)),
            },
        );
        if env.kind().is_occurrence() {
            overlay.events.insert(env.id, facts_of(&env));
        }
        self.state.head = crate::store::Head { seq: env.seq, hash: env.hash };
        self.state.apply(&env);
        let rec = Record { seq: env.seq, id: env.id, stream_version: env.stream_version, bytes: Bytes::from(bytes) };
        if let Some((key, body)) = &req.idempotency {
            keys.insert(key.clone(), (*body, rec.clone()));
        }
        Ok(Staging::Written(rec))
    }
}

enum Staging {
    Written(Record),
    SameBatch(Record),
    Stored(Record),
}
