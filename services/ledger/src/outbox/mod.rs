//! The outbox: publishing the durable log to NATS JetStream, in seq order, exactly once in
//! effect.
//!
//! A publisher task follows the writer's durable head. It reads the events after its cursor from
//! the log, publishes a window of them (each with `Nats-Msg-Id = <ledger>:<seq>` and `Lofte-Seq`
//! / `Lofte-Hash` headers), awaits their acknowledgements, and moves its cursor, which is kept in
//! sled. Re-sends after a crash or an error carry the same message ids, so JetStream drops them as
//! duplicates within its duplicate window. NATS being away never stops appends: the publisher
//! retries with capped, jittered backoff and the lag shows in `/metrics` and `/readyz`.

mod backoff;
pub mod stream;

use std::{sync::Arc, time::Duration};

use async_nats::{
    jetstream::{self, context::ContextBuilder, message::PublishMessage},
    ConnectOptions, Event, HeaderMap,
};
use axum::body::Bytes;
use lofte_proto::ids::LedgerId;
use serde::Deserialize;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;

use crate::{metrics::Metrics, settings::NatsSettings, store::Store};
use backoff::Backoff;

/// Asks the outbox to publish the log again from where the stream's copy ends (after a disaster
/// that lost the stream, or part of it). Answers with the first seq it will publish.
#[derive(Debug)]
pub struct Republish {
    pub reply: oneshot::Sender<Result<u64, String>>,
}

/// The fields of a stored event the outbox needs.
#[derive(Deserialize)]
struct Head<'a> {
    plan: &'a str,
    kind: &'a str,
    hash: &'a str,
}

/// The publisher task.
#[derive(Debug)]
pub struct Outbox {
    pub(crate) ledger: LedgerId,
    pub(crate) store: Store,
    pub(crate) settings: NatsSettings,
    pub(crate) durable: watch::Receiver<u64>,
    pub(crate) published: watch::Sender<u64>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) republish: mpsc::Receiver<Republish>,
}

impl Outbox {
    /// Runs until `cancel`, connecting with `options` (credentials and TLS from the settings).
    pub async fn run(mut self, options: ConnectOptions, cancel: CancellationToken) {
        let retry_max = Duration::from_millis(self.settings.retry_max_ms);
        let mut backoff = Backoff::new(Duration::from_millis(50), retry_max);
        let url = self.settings.connection.display_url();
        let client = loop {
            // The client reconnects by itself; what goes wrong meanwhile (a refused password, a
            // certificate that does not verify) arrives as events, shown in /readyz and /metrics.
            let metrics = self.metrics.clone();
            let opts = options
                .clone()
                .retry_on_initial_connect()
                .name(format!("lofte-ledger {}", self.ledger))
                .event_callback(move |event| {
                    let metrics = metrics.clone();
                    async move {
                        if matches!(event, Event::ServerError(_) | Event::ClientError(_)) {
                            metrics.outbox_error(format!("NATS: {event}"));
                        }
                    }
                });
            match opts.connect(self.settings.connection.servers()).await {
                Ok(c) => break c,
                Err(e) => {
                    self.metrics.outbox_error(format!("cannot connect to {url}: {e}"));
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
            if cancel.is_cancelled() {
                return;
            }
            if let Ok(req) = self.republish.try_recv() {
                self.rewind(&js, req, &mut cursor).await;
                continue;
            }
            if !stream_ready {
                match stream::ensure(&js, &self.settings).await {
                    Ok(()) => stream_ready = true,
                    Err(e) => {
                        self.metrics
                            .outbox_error(format!("cannot create or update stream {}: {e}", self.settings.stream));
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
                None => backoff.reset(),
                Some(e) => {
                    // A missing stream (deleted, or a wiped server) is created again.
                    stream_ready = false;
                    self.metrics.outbox_error(e);
                    if self.pause(&mut backoff, &cancel).await {
                        return;
                    }
                }
            }
        }
    }

    /// Publishes events (cursor, upto] and awaits their acks in order. Returns the last seq
    /// acknowledged and the error that stopped it, if any.
    async fn publish_window(&self, js: &jetstream::Context, cursor: u64, upto: u64) -> (u64, Option<String>) {
        let mut pending = Vec::with_capacity((upto - cursor) as usize);
        let mut error = None;
        for rec in self.store.events_after(cursor).take((upto - cursor) as usize) {
            let (seq, bytes) = match rec {
                Ok(r) => r,
                Err(e) => {
                    error = Some(format!("cannot read the log: {e}"));
                    break;
                }
            };
            let Ok(head) = serde_json::from_slice::<Head<'_>>(&bytes) else {
                error = Some(format!("seq {seq} does not decode; run GET /v1/verify"));
                break;
            };
            let subject = format!("lofte.v1.{}.{}.{}", self.ledger, head.plan, head.kind);
            let mut headers = HeaderMap::new();
            headers.insert("Lofte-Ledger", self.ledger.as_str());
            headers.insert("Lofte-Seq", seq.to_string().as_str());
            headers.insert("Lofte-Hash", head.hash);
            let msg = PublishMessage::build()
                .payload(Bytes::copy_from_slice(&bytes))
                .headers(headers)
                .message_id(format!("{}:{seq}", self.ledger));
            match js.send_publish(subject, msg).await {
                Ok(ack) => pending.push((seq, ack)),
                Err(e) => {
                    error = Some(format!("publish of seq {seq} failed: {e}"));
                    break;
                }
            }
        }
        let mut reached = cursor;
        for (seq, ack) in pending {
            match ack.await {
                Ok(_) => reached = seq,
                Err(e) => return (reached, Some(format!("no acknowledgement for seq {seq}: {e}"))),
            }
        }
        (reached, error)
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
    async fn republish_from(&self, js: &jetstream::Context) -> Result<u64, String> {
        stream::ensure(js, &self.settings).await?;
        let s = js.get_stream(&self.settings.stream).await.map_err(|e| e.to_string())?;
        match s.get_last_raw_message_by_subject(&format!("lofte.v1.{}.>", self.ledger)).await {
            Ok(m) => {
                let seq = m.headers.get("Lofte-Seq").and_then(|v| v.as_str().parse::<u64>().ok()).unwrap_or(0);
                Ok(seq + 1)
            }
            Err(e) if matches!(e.kind(), async_nats::jetstream::stream::LastRawMessageErrorKind::NoMessageFound) => {
                Ok(1)
            }
            Err(e) => Err(e.to_string()),
        }
    }

    fn mark(&self, cursor: u64) {
        self.published.send_replace(cursor);
        self.metrics.published_seq.store(cursor, std::sync::atomic::Ordering::Relaxed);
    }

    /// Sleeps for the next backoff; true if cancelled meanwhile.
    async fn pause(&self, backoff: &mut Backoff, cancel: &CancellationToken) -> bool {
        let d = backoff.next(rand_unit());
        tokio::select! {
            () = cancel.cancelled() => true,
            () = tokio::time::sleep(d) => false,
        }
    }
}

/// A number in [0, 1) for jitter; the low bits of the clock are random enough for spreading retries.
fn rand_unit() -> f64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1000) / 1000.0
}
