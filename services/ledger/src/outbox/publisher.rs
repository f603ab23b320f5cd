//! The publisher task: the log compared with the stream at start-up and on every reconnection,
//! then published in seq order, in windows whose acknowledgements are awaited, duplicates
//! checked against what the stream holds.

use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use async_nats::{
    jetstream::{self, context::ContextBuilder, message::PublishMessage},
    ConnectOptions, Event, HeaderMap,
};
use axum::body::Bytes;
use lofte_proto::ids::LedgerId;
use serde::Deserialize;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;

use lofte_service::retry::Backoff;

use super::{
    reconcile::{self, Found, Ledger, When},
    stream, OutboxError,
};
use crate::{
    gate::{Gate, GateSender},
    metrics::Metrics,
    settings::NatsSettings,
    store::Store,
};

/// Asks the outbox to publish the log again from where the stream's copy ends (after a disaster
/// that lost the stream, or part of it). Answers with the first seq it will publish.
#[derive(Debug)]
pub struct Republish {
    pub reply: oneshot::Sender<Result<u64, OutboxError>>,
}

/// The fields of a stored event the outbox needs.
#[derive(Deserialize)]
struct Head<'a> {
    plan: &'a str,
    kind: &'a str,
    hash: &'a str,
}

/// Why a window stopped early.
enum WindowError {
    /// NATS trouble: retried.
    Retry(String),
    /// The stream holds another event under one of the log's seqs: the outbox stops.
    Diverged(String),
}

/// The outbox's last error, for `/readyz` (cleared once a window is published), and the count of
/// errors in `/metrics`.
#[derive(Debug, Clone)]
pub struct Errors {
    metrics: Arc<Metrics>,
    last: Arc<watch::Sender<Option<String>>>,
}

impl Errors {
    /// Errors counted in `metrics`; the receiver follows the last one.
    pub fn new(metrics: Arc<Metrics>) -> (Errors, watch::Receiver<Option<String>>) {
        let (tx, rx) = watch::channel(None);
        (Errors { metrics, last: Arc::new(tx) }, rx)
    }

    fn report(&self, e: String) {
        tracing::warn!(error = %e, "outbox: will retry");
        self.metrics.publish_errors.fetch_add(1, Ordering::Relaxed);
        self.last.send_replace(Some(e));
    }

    fn clear(&self) {
        self.last.send_if_modified(|last| last.take().is_some());
    }
}

/// The publisher task.
#[derive(Debug)]
pub struct Outbox {
    pub(crate) ledger: LedgerId,
    pub(crate) store: Store,
    pub(crate) settings: NatsSettings,
    pub(crate) data_dir: PathBuf,
    /// `--restore-from-stream`: an empty data directory may be filled from the stream.
    pub(crate) restore_empty: bool,
    pub(crate) durable: watch::Receiver<u64>,
    pub(crate) published: watch::Sender<u64>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) errors: Errors,
    pub(crate) republish: mpsc::Receiver<Republish>,
    pub(crate) gate: GateSender,
    /// Told once the log was compared with the stream: `true` if a tail was recovered (the
    /// writer's state must be loaded again before it takes appends).
    pub(crate) compared: Option<oneshot::Sender<bool>>,
}

impl Outbox {
    /// Runs until `cancel`, connecting with `options` (credentials and TLS from the settings).
    pub async fn run(mut self, options: ConnectOptions, cancel: CancellationToken) {
        let retry_max = Duration::from_millis(self.settings.retry_max_ms);
        let mut backoff = Backoff::new(Duration::from_millis(50), retry_max);
        let url = self.settings.connection.display_url();
        let connected = Arc::new(AtomicBool::new(false));
        let client = loop {
            // The client reconnects by itself; what goes wrong meanwhile (a refused password, a
            // certificate that does not verify) arrives as events, shown in /readyz and /metrics.
            // Each (re)connection asks for the log to be compared with the stream again.
            let errors = self.errors.clone();
            let connected = connected.clone();
            let opts = options
                .clone()
                .retry_on_initial_connect()
                .name(format!("lofte-ledger {}", self.ledger))
                .event_callback(move |event| {
                    let errors = errors.clone();
                    let connected = connected.clone();
                    async move {
                        match event {
                            Event::Connected => connected.store(true, Ordering::Relaxed),
                            Event::ServerError(_) | Event::ClientError(_) => errors.report(format!("NATS: {event}")),
                            _ => {}
                        }
                    }
                });
            match opts.connect(self.settings.connection.servers()).await {
                Ok(c) => break c,
                Err(e) => {
                    self.errors.report(format!("cannot connect to {url}: {e}"));
                    if self.pause(&mut backoff, &cancel).await {
                        return;
                    }
                }
            }
        };
        let js = ContextBuilder::new()
            .timeout(Duration::from_secs(5))
            .max_ack_inflight(self.settings.ack_window.max(1) * 2)
            .build(client);
        let mut stream_ready = false;
        let mut cursor = self.store.outbox_cursor().unwrap_or(0);
        self.mark(cursor);
        loop {
            if cancel.is_cancelled() || matches!(self.gate.get(), Gate::Refused(_)) {
                return;
            }
            let starting = self.compared.is_some();
            if starting || connected.swap(false, Ordering::Relaxed) {
                let mut restored = false;
                match self.compare(&js, starting).await {
                    Ok(Found::InStep) => {}
                    Ok(Found::Restored { head, events }) => {
                        restored = true;
                        self.metrics.recovered.fetch_add(events, Ordering::Relaxed);
                        cursor = head;
                        self.mark(cursor);
                    }
                    Ok(Found::Diverged(why)) => {
                        self.metrics.diverged.store(1, Ordering::Relaxed);
                        self.gate.set(Gate::Refused(why));
                        return;
                    }
                    Err(e) => {
                        if starting {
                            self.gate.set(Gate::Checking(format!("{e} (NATS at {url})")));
                        }
                        connected.store(true, Ordering::Relaxed);
                        self.errors.report(e.to_string());
                        if self.pause(&mut backoff, &cancel).await {
                            return;
                        }
                        continue;
                    }
                }
                if let Some(tx) = self.compared.take() {
                    let _ = tx.send(restored);
                }
            }
            if let Ok(req) = self.republish.try_recv() {
                self.rewind(&js, req, &mut cursor).await;
                continue;
            }
            if !stream_ready {
                match stream::ensure(&js, &self.settings).await {
                    Ok(()) => stream_ready = true,
                    Err(e) => {
                        self.errors.report(format!("cannot create or update stream {}: {e}", self.settings.stream));
                        if self.pause(&mut backoff, &cancel).await {
                            return;
                        }
                        continue;
                    }
                }
            }
            let head = *self.durable.borrow_and_update();
            if cursor >= head {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    r = self.durable.changed() => if r.is_err() { return },
                    Some(req) = self.republish.recv() => self.rewind(&js, req, &mut cursor).await,
                }
                continue;
            }
            let upto = head.min(cursor + self.settings.ack_window.max(1) as u64);
            let (reached, error) = self.publish_window(&js, cursor, upto).await;
            if reached > cursor {
                cursor = reached;
                let _ = self.store.set_outbox_cursor(cursor);
                self.mark(cursor);
            }
            match error {
                None => {
                    backoff.reset();
                    self.errors.clear();
                }
                Some(WindowError::Diverged(why)) => {
                    self.metrics.diverged.store(1, Ordering::Relaxed);
                    self.errors.report(why.clone());
                    self.gate.set(Gate::Refused(why));
                    return;
                }
                Some(WindowError::Retry(e)) => {
                    // A missing stream (deleted, or a wiped server) is created again.
                    stream_ready = false;
                    self.errors.report(e);
                    if self.pause(&mut backoff, &cancel).await {
                        return;
                    }
                }
            }
        }
    }

    /// Compares the log with the stream (and at start-up recovers what the log lost).
    async fn compare(&self, js: &jetstream::Context, starting: bool) -> Result<Found, OutboxError> {
        stream::ensure(js, &self.settings).await?;
        let l = self.ledger_view();
        let when = if starting { When::Start { restore_empty: self.restore_empty } } else { When::Running };
        reconcile::reconcile(js, &l, when, |from, to| self.gate.set(Gate::Recovering { from, to })).await
    }

    fn ledger_view(&self) -> Ledger<'_> {
        Ledger { id: &self.ledger, store: &self.store, data_dir: &self.data_dir, stream: &self.settings.stream }
    }

    /// Publishes events (cursor, upto] and awaits their acks in order. Returns the last seq
    /// acknowledged and the error that stopped it, if any.
    async fn publish_window(&self, js: &jetstream::Context, cursor: u64, upto: u64) -> (u64, Option<WindowError>) {
        let mut pending = Vec::with_capacity((upto - cursor) as usize);
        let mut error = None;
        for rec in self.store.events_after(cursor).take((upto - cursor) as usize) {
            let (seq, bytes) = match rec {
                Ok(r) => r,
                Err(e) => {
                    error = Some(WindowError::Retry(format!("cannot read the log: {e}")));
                    break;
                }
            };
            let Ok(head) = serde_json::from_slice::<Head<'_>>(&bytes) else {
                error = Some(WindowError::Retry(format!("seq {seq} does not decode; run GET /v1/verify")));
                break;
            };
            let subject = format!("lofte.v1.{}.{}.{}", self.ledger, head.plan, head.kind);
            let mut headers = HeaderMap::new();
            headers.insert("Lofte-Ledger", self.ledger.as_str());
            headers.insert("Lofte-Seq", seq.to_string().as_str());
            headers.insert("Lofte-Hash", head.hash);
            // The key travels with the event, so that a log restored from the stream keeps it.
            if let Ok(Some((key, request))) = self.store.idempotency_at(seq) {
                headers.insert(reconcile::KEY_HEADER, key.as_str());
                headers.insert(reconcile::REQUEST_HASH_HEADER, request.to_string().as_str());
            }
            let msg = PublishMessage::build()
                .payload(Bytes::copy_from_slice(&bytes))
                .headers(headers)
                .message_id(format!("{}:{seq}", self.ledger));
            match js.send_publish(subject, msg).await {
                Ok(ack) => pending.push((seq, head.hash.to_owned(), ack)),
                Err(e) => {
                    error = Some(WindowError::Retry(format!("publish of seq {seq} failed: {e}")));
                    break;
                }
            }
        }
        let mut reached = cursor;
        for (seq, hash, ack) in pending {
            match ack.await {
                Ok(ack) if ack.duplicate => match self.same_as_stored(js, ack.sequence, seq, &hash).await {
                    Ok(()) => reached = seq,
                    Err(e) => return (reached, Some(e)),
                },
                Ok(_) => reached = seq,
                Err(e) => return (reached, Some(WindowError::Retry(format!("no acknowledgement for seq {seq}: {e}")))),
            }
        }
        (reached, error)
    }

    /// A publish JetStream dropped as a duplicate: the message it already holds under that id
    /// (stream sequence `at`) must be the same event, or the log and the stream disagree.
    async fn same_as_stored(&self, js: &jetstream::Context, at: u64, seq: u64, hash: &str) -> Result<(), WindowError> {
        let retry = |e: String| WindowError::Retry(format!("cannot read the stream's copy of seq {seq}: {e}"));
        let stream = js.get_stream(&self.settings.stream).await.map_err(|e| retry(e.to_string()))?;
        let stored = stream.get_raw_message(at).await.map_err(|e| retry(e.to_string()))?;
        match reconcile::seq_and_hash(&stored.headers) {
            Some((s, h)) if s == seq && h.to_string() == hash => Ok(()),
            other => Err(WindowError::Diverged(format!(
                "JetStream already holds seq {seq} of ledger {} with hash {}, but the log has {hash}: two events with one \
                 seq. The outbox has stopped. {}",
                self.ledger,
                other.map_or_else(|| "(none)".to_owned(), |(_, h)| h.to_string()),
                self.ledger_view().advice()
            ))),
        }
    }

    /// Moves the cursor back to where the stream's copy ends, so the rest is published again.
    async fn rewind(&self, js: &jetstream::Context, req: Republish, cursor: &mut u64) {
        let from = self.republish_from(js).await;
        if let Ok(f) = &from {
            *cursor = f.saturating_sub(1);
            let _ = self.store.set_outbox_cursor(*cursor);
            self.mark(*cursor);
            tracing::warn!(from = f, "republishing the log");
        }
        let _ = req.reply.send(from);
    }

    /// Where the stream's copy of this ledger's log ends: the first seq to publish again.
    async fn republish_from(&self, js: &jetstream::Context) -> Result<u64, OutboxError> {
        stream::ensure(js, &self.settings).await?;
        Ok(reconcile::last_in_stream(js, &self.ledger_view()).await?.map_or(1, |(seq, _)| seq + 1))
    }

    fn mark(&self, cursor: u64) {
        self.published.send_replace(cursor);
        self.metrics.published_seq.store(cursor, std::sync::atomic::Ordering::Relaxed);
    }

    /// Sleeps for the next backoff; true if cancelled meanwhile.
    async fn pause(&self, backoff: &mut Backoff, cancel: &CancellationToken) -> bool {
        let d = backoff.pause();
        tokio::select! {
            () = cancel.cancelled() => true,
            () = tokio::time::sleep(d) => false,
        }
    }
}
