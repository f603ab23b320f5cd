//! The single writer and its pipelined group commit.
//!
//! Appends queue on a channel. The writer decides each one against the state left by those before
//! it and stages the accepted events into a pending sled batch. As soon as no flush is running,
//! the pending batch is applied (atomically) and its flush starts; while that flush runs, new
//! appends are staged into the next batch. Answers are sent only when the flush covering them has
//! completed, so a `201` always means "on disk", and the batch grows to whatever arrived during
//! the previous flush.
//!
//! If a write or flush fails, the writer stops for good: every later append gets `503`, and
//! `/healthz` fails too, so that a supervisor restarts the process. Restarting is the only way
//! back: the in-memory state may be ahead of the disk (the log on disk is the truth it rebuilds
//! from), and sled 0.34 keeps the first I/O error of a database for as long as it is open — after
//! a full disk, its writes go on failing even once space is freed (ADR 0001).

use std::{
    collections::HashMap,
    sync::{atomic::Ordering, Arc},
    time::Instant,
};

use axum::body::Bytes;
use lofte_proto::{ids::LedgerId, Command, Hash};
use tokio::{
    sync::{mpsc, oneshot, watch},
    task::JoinHandle,
};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::stage::Staging;
use crate::{
    decide::{MemoryFacts, Rejection},
    gate::{Gate, GateSender},
    metrics::Metrics,
    state::LedgerState,
    store::{Store, StoreError},
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
    /// A write failed earlier and the writer has stopped: nothing is written until a restart.
    #[error("the ledger cannot write and takes no appends until it is restarted: {0}")]
    Stopped(String),
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

pub(super) type Reply = (oneshot::Sender<Result<Appended, AppendError>>, Result<Appended, AppendError>);

/// Staged, not yet applied to sled.
#[derive(Default)]
pub(super) struct Pending {
    pub(super) batch: sled::Batch,
    pub(super) replies: Vec<Reply>,
    pub(super) written: u64,
    /// Facts of staged occurrences, for corrections within the batch.
    pub(super) overlay: MemoryFacts,
    /// Idempotency keys staged in this batch.
    pub(super) keys: HashMap<String, (Hash, Record)>,
    /// Stream versions reached in this batch.
    pub(super) streams: HashMap<String, u64>,
}

/// Applied to sled, flush running.
struct InFlight {
    flush: JoinHandle<Result<(), StoreError>>,
    replies: Vec<Reply>,
    written: u64,
    last_seq: u64,
    started: Instant,
}

/// The writer task's state.
#[derive(Debug)]
pub struct Writer {
    pub(super) ledger: LedgerId,
    pub(super) store: Store,
    pub(super) state: LedgerState,
    pub(super) max_batch: usize,
    pub(super) metrics: Arc<Metrics>,
    /// The last seq known to be on disk.
    pub(super) durable_seq: u64,
    /// Tells the outbox (and `replicated` acks) how far the disk has got.
    pub(super) durable: watch::Sender<u64>,
    pub(super) failed: Option<String>,
    /// Closed for good once a write fails.
    pub(super) gate: GateSender,
}

impl Writer {
    /// A writer over `store` whose state was loaded from it.
    pub fn new(
        ledger: LedgerId,
        store: Store,
        state: LedgerState,
        max_batch: usize,
        metrics: Arc<Metrics>,
        gate: GateSender,
    ) -> Self {
        metrics.head_seq.store(state.head.seq, Ordering::Relaxed);
        let durable_seq = state.head.seq;
        let (durable, _) = watch::channel(durable_seq);
        let max_batch = max_batch.max(1);
        Self { ledger, store, state, max_batch, metrics, durable_seq, durable, failed: None, gate }
    }

    /// Takes the state loaded again from the log, after a tail the log had lost was recovered
    /// from the stream (before the first append).
    pub fn reload(&mut self, state: LedgerState) {
        self.metrics.head_seq.store(state.head.seq, Ordering::Relaxed);
        self.durable_seq = state.head.seq;
        self.durable.send_replace(state.head.seq);
        self.state = state;
    }

    /// Follows the durable head: the last seq on disk.
    pub fn durable(&self) -> watch::Receiver<u64> {
        self.durable.subscribe()
    }

    /// Runs until `cancel`; then answers everything still queued and returns.
    pub async fn run(mut self, mut rx: mpsc::Receiver<AppendRequest>, cancel: CancellationToken) {
        let mut pending = Pending::default();
        let mut in_flight: Option<InFlight> = None;
        let mut stopping = false;
        let mut drained = false;
        loop {
            if in_flight.is_none() && !pending.replies.is_empty() {
                in_flight = self.launch(&mut pending);
            }
            if drained && in_flight.is_none() && pending.replies.is_empty() {
                return;
            }
            let room = pending.replies.len() < self.max_batch;
            tokio::select! {
                biased;
                done = async { in_flight.as_mut().map(|f| &mut f.flush).expect("guarded").await }, if in_flight.is_some() => {
                    let f = in_flight.take().expect("guarded");
                    let done = done.unwrap_or_else(|e| Err(StoreError::Task(e.to_string())));
                    self.finish(f, done);
                }
                () = cancel.cancelled(), if !stopping => {
                    stopping = true;
                    rx.close();
                }
                r = rx.recv(), if room && !drained => match r {
                    None => drained = true,
                    Some(req) => {
                        self.take(req, &mut pending, in_flight.as_mut());
                        while pending.replies.len() < self.max_batch {
                            match rx.try_recv() {
                                Ok(req) => self.take(req, &mut pending, in_flight.as_mut()),
                                Err(_) => break,
                            }
                        }
                    }
                },
            }
        }
    }

    /// Decides and stages one request, or answers it at once.
    fn take(&mut self, req: AppendRequest, pending: &mut Pending, in_flight: Option<&mut InFlight>) {
        let started = Instant::now();
        self.answer_or_stage(req, pending, in_flight);
        self.metrics.stage_nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }

    fn answer_or_stage(&mut self, req: AppendRequest, pending: &mut Pending, in_flight: Option<&mut InFlight>) {
        if let Some(why) = &self.failed {
            let _ = req.reply.send(Err(AppendError::Stopped(why.clone())));
            return;
        }
        match self.stage(&req, pending) {
            Ok(Staging::Written(rec)) => {
                pending.written += 1;
                pending.replies.push((req.reply, Ok(Appended::Created(rec))));
            }
            Ok(Staging::Repeat(rec)) => {
                self.metrics.replayed();
                let reply = (req.reply, Ok(Appended::Replayed(rec.clone())));
                // Never point a client at an event that is not on disk yet.
                match in_flight {
                    _ if rec.seq <= self.durable_seq => {
                        let _ = reply.0.send(reply.1);
                    }
                    Some(f) if rec.seq <= f.last_seq => f.replies.push(reply),
                    _ => pending.replies.push(reply),
                }
            }
            Err(e) => {
                let counter = match &e {
                    AppendError::Rejected(_) => &self.metrics.rejected,
                    AppendError::KeyReused(_) | AppendError::VersionConflict { .. } => &self.metrics.conflicts,
                    AppendError::Unavailable(_) | AppendError::Stopped(_) => &self.metrics.unavailable,
                };
                counter.fetch_add(1, Ordering::Relaxed);
                let _ = req.reply.send(Err(e));
            }
        }
    }

    /// Applies the pending batch and starts its flush.
    fn launch(&mut self, pending: &mut Pending) -> Option<InFlight> {
        let mut p = std::mem::take(pending);
        // Staged before a flush failed: never write on top of a failed write.
        if let Some(why) = self.failed.clone() {
            answer_stopped(&why, p.replies);
            return None;
        }
        let started = Instant::now();
        for (stream, version) in &p.streams {
            Store::stage_stream(&mut p.batch, stream, *version);
        }
        Store::stage_head(&mut p.batch, self.state.head);
        if let Err(e) = self.store.apply(p.batch) {
            self.fail(&e, p.replies);
            return None;
        }
        let store = self.store.clone();
        let flush = tokio::spawn(async move { store.flush().await });
        Some(InFlight { flush, replies: p.replies, written: p.written, last_seq: self.state.head.seq, started })
    }

    /// A flush completed: answer its appends.
    fn finish(&mut self, f: InFlight, done: Result<(), StoreError>) {
        if let Err(e) = done {
            self.fail(&e, f.replies);
            return;
        }
        self.durable_seq = f.last_seq;
        self.durable.send_replace(f.last_seq);
        self.metrics.committed(f.written, f.last_seq, f.started.elapsed());
        for (tx, r) in f.replies {
            let _ = tx.send(r);
        }
    }

    /// A write or flush failed: stop for good (see the module's documentation).
    fn fail(&mut self, e: &StoreError, replies: Vec<Reply>) {
        let why = self.failed.get_or_insert_with(|| cause(e)).clone();
        tracing::error!(error = %e, "a group commit failed: the ledger takes no appends until it is restarted, and /healthz fails so that a supervisor restarts it");
        self.gate.set(Gate::Stopped(why.clone()));
        answer_stopped(&why, replies);
    }
}

fn answer_stopped(why: &str, replies: Vec<Reply>) {
    for (tx, _) in replies {
        let _ = tx.send(Err(AppendError::Stopped(why.to_owned())));
    }
}

/// What `/healthz`, `/readyz` and the `503` answers say about a failed write, with what to do.
fn cause(e: &StoreError) -> String {
    match e {
        StoreError::Sled(sled::Error::Io(io)) if io.kind() == std::io::ErrorKind::StorageFull => {
            format!("the disk holding the log is full ({e}); free space on it before restarting")
        }
        _ => e.to_string(),
    }
}
