//! Comparing the log with the stream's copy, and recovering a tail the log lost from it.
//!
//! Run before the first append (and again whenever NATS comes back): the last message the stream
//! holds for this ledger (`Lofte-Seq`, `Lofte-Hash`) is compared with the log.
//! - Not ahead of the log, same hash at that seq: in step.
//! - Ahead: the log lost its tail (a power loss, ADR 0001) or its whole directory. At start-up
//!   the missing seqs are read from the stream, every one checked against the chain from the log's
//!   head, and written with their indexes (ids, idempotency keys from `Lofte-Idempotency-Key`,
//!   stream versions) — an empty directory only with `--restore-from-stream`, so that a mistyped
//!   path never quietly becomes a new ledger. While running, the stream cannot be ahead unless
//!   another process publishes under this ledger's id.
//! - Anything else: the log and the stream disagree; the ledger refuses appends and says what an
//!   operator must do.

use std::{collections::BTreeMap, path::Path};

use async_nats::{
    jetstream::{self, consumer::pull::OrderedConfig, consumer::DeliverPolicy, stream::LastRawMessageErrorKind},
    HeaderMap,
};
use axum::body::Bytes;
use futures::StreamExt;
use lofte_proto::{envelope::Envelope, ids::LedgerId, verify::Verifier, Hash};

use super::error::{nats, OutboxError};
use crate::store::{Head, Staged, Store};

/// Headers that carry an event's idempotency key and request hash, so a restored log keeps them.
pub const KEY_HEADER: &str = "Lofte-Idempotency-Key";
pub const REQUEST_HASH_HEADER: &str = "Lofte-Request-Hash";

/// Events written per sled batch while restoring.
const CHUNK: usize = 1000;

/// What the comparison found.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    InStep,
    /// The lost tail was written; the log now ends at `head`.
    Restored {
        head: u64,
        events: u64,
    },
    /// The ledger must not take appends: why, and what to do.
    Diverged(String),
}

/// What the log and the stream's last message say, before any recovery.
#[derive(Debug, PartialEq, Eq)]
pub enum Comparison {
    InStep,
    /// The stream holds seqs `from..=to` the log does not.
    Behind {
        from: u64,
        to: u64,
    },
    /// The same seq, different hashes.
    Differs {
        seq: u64,
        stream: Hash,
        log: Option<Hash>,
    },
}

/// Compares the log (its head, and its hash at any seq) with the stream's last message.
pub fn compare(head: Head, log_hash_at: impl Fn(u64) -> Option<Hash>, last: Option<(u64, Hash)>) -> Comparison {
    match last {
        None => Comparison::InStep,
        Some((seq, _)) if seq > head.seq => Comparison::Behind { from: head.seq + 1, to: seq },
        Some((seq, stream)) => match log_hash_at(seq) {
            Some(log) if log == stream => Comparison::InStep,
            log => Comparison::Differs { seq, stream, log },
        },
    }
}

/// Who compares, and what it may do about a log that is behind.
#[derive(Debug, Clone, Copy)]
pub enum When {
    /// Before the first append; `restore_empty`: `--restore-from-stream` was given.
    Start { restore_empty: bool },
    /// While appends are taken.
    Running,
}

/// The parts of the ledger a comparison needs.
#[derive(Debug)]
pub struct Ledger<'a> {
    pub id: &'a LedgerId,
    pub store: &'a Store,
    pub data_dir: &'a Path,
    pub stream: &'a str,
}

impl Ledger<'_> {
    fn subjects(&self) -> String {
        format!("lofte.v1.{}.>", self.id)
    }

    /// What an operator does when the log and the stream disagree.
    pub fn advice(&self) -> String {
        format!(
            "The ledger takes no appends. Keep both copies: move {dir} aside, start the ledger once with \
             --restore-from-stream to take the stream's history, then re-enter what only the old directory holds \
             (read it with `lofte audit export` against a ledger started on it without NATS); see ADR 0001.",
            dir = self.data_dir.display()
        )
    }
}

/// The stream's last message for this ledger: its seq and hash (`None`: it holds none).
pub async fn last_in_stream(js: &jetstream::Context, l: &Ledger<'_>) -> Result<Option<(u64, Hash)>, OutboxError> {
    let stream = js.get_stream(l.stream).await.map_err(|e| nats(format!("stream {}: {e}", l.stream)))?;
    match stream.get_last_raw_message_by_subject(&l.subjects()).await {
        Ok(m) => {
            let (seq, hash) = seq_and_hash(&m.headers).ok_or_else(|| {
                nats(format!("the stream's last message of ledger {} has no Lofte-Seq/Lofte-Hash", l.id))
            })?;
            Ok(Some((seq, hash)))
        }
        Err(e) if matches!(e.kind(), LastRawMessageErrorKind::NoMessageFound) => Ok(None),
        Err(e) => Err(nats(format!("cannot read the stream's last message of ledger {}: {e}", l.id))),
    }
}

/// `Lofte-Seq` and `Lofte-Hash` of a message.
pub fn seq_and_hash(h: &HeaderMap) -> Option<(u64, Hash)> {
    let seq = h.get("Lofte-Seq")?.as_str().parse().ok()?;
    let hash = h.get("Lofte-Hash")?.as_str().parse().ok()?;
    Some((seq, hash))
}

/// Compares, and at start-up recovers what the stream holds beyond the log. `Err`: NATS could
/// not be asked (try again later).
pub async fn reconcile(
    js: &jetstream::Context,
    l: &Ledger<'_>,
    when: When,
    recovering: impl Fn(u64, u64),
) -> Result<Found, OutboxError> {
    let last = last_in_stream(js, l).await?;
    let head = l.store.head()?;
    let log_hash_at = |seq| {
        let bytes = l.store.event(seq).ok()??;
        serde_json::from_slice::<serde_json::Value>(&bytes).ok()?["hash"].as_str()?.parse().ok()
    };
    match (compare(head, log_hash_at, last), when) {
        (Comparison::InStep, _) => Ok(Found::InStep),
        (Comparison::Differs { seq, stream, log }, _) => Ok(Found::Diverged(format!(
            "the log and the stream disagree at seq {seq} of ledger {id}: the stream has hash {stream}, the log {log}. {advice}",
            id = l.id,
            log = log.map_or_else(|| "no readable event".to_owned(), |h| h.to_string()),
            advice = l.advice()
        ))),
        (Comparison::Behind { to, .. }, When::Running) => Ok(Found::Diverged(format!(
            "the stream holds seq {to} of ledger {id}, beyond this ledger's last seq {head}: is another ledger \
             publishing with --ledger-id {id}? Stop it; this one takes no appends until restarted.",
            id = l.id,
            head = head.seq
        ))),
        (Comparison::Behind { to, .. }, When::Start { restore_empty: false }) if head.seq == 0 => {
            Ok(Found::Diverged(format!(
                "the data directory {dir} holds no events, but the stream {stream} holds {to} events of ledger {id}. \
                 If {dir} is the right directory, start once with --restore-from-stream to restore the log from the \
                 stream; if not, correct --data-dir.",
                dir = l.data_dir.display(),
                stream = l.stream,
                id = l.id
            )))
        }
        (Comparison::Behind { from, to }, When::Start { .. }) => {
            recovering(from, to);
            tracing::warn!(from, to, "the log lost seqs the stream holds; recovering them from the stream");
            recover(js, l, head, to).await
        }
    }
}

/// Reads this ledger's messages from the stream and writes those after `head`, in seq order, each
/// checked against the chain, up to `to`.
async fn recover(js: &jetstream::Context, l: &Ledger<'_>, head: Head, to: u64) -> Result<Found, OutboxError> {
    let stream = js.get_stream(l.stream).await.map_err(nats)?;
    let mut consumer = stream
        .create_consumer(OrderedConfig {
            filter_subject: l.subjects(),
            deliver_policy: DeliverPolicy::All,
            ..Default::default()
        })
        .await
        .map_err(|e| nats(format!("cannot read the stream: {e}")))?;
    let pending = consumer.info().await.map_err(nats)?.num_pending;
    let mut messages = consumer.messages().await.map_err(nats)?;
    let mut verifier = Verifier::resume(head.seq, head.hash);
    // Messages may be stored out of seq order (ADR 0005): hold the early ones until their turn.
    let mut waiting: BTreeMap<u64, (Bytes, Option<(String, Hash)>)> = BTreeMap::new();
    let mut chunk = Chunk::default();
    for _ in 0..pending {
        let m = messages.next().await.ok_or_else(|| nats("the stream ended early"))?.map_err(nats)?;
        let headers = m.headers.clone().unwrap_or_default();
        let Some((seq, _)) = seq_and_hash(&headers) else { continue };
        if seq <= verifier.checked() {
            continue;
        }
        let key = idempotency(&headers);
        if let Some((earlier, _)) = waiting.get(&seq) {
            if *earlier != m.payload {
                return Ok(Found::Diverged(format!(
                    "the stream holds two different events as seq {seq} of ledger {}. {}",
                    l.id,
                    l.advice()
                )));
            }
            continue;
        }
        waiting.insert(seq, (m.payload.clone(), key));
        while let Some(entry) = waiting.first_entry().filter(|e| *e.key() == verifier.checked() + 1) {
            let (seq, (bytes, key)) = entry.remove_entry();
            let env = match verifier.push(seq, &bytes) {
                Ok(env) => env,
                Err(brk) => {
                    return Ok(Found::Diverged(format!(
                        "seq {seq} of ledger {} in the stream does not follow the log ({}): the log and the stream \
                         disagree. {}",
                        l.id,
                        brk.reason,
                        l.advice()
                    )))
                }
            };
            chunk.add(seq, &env, &bytes, key);
            if chunk.events >= CHUNK {
                std::mem::take(&mut chunk).write(l.store, verifier.head()).await?;
            }
        }
    }
    let reached = verifier.checked();
    std::mem::take(&mut chunk).write(l.store, verifier.head()).await?;
    if reached < to {
        return Ok(Found::Diverged(format!(
            "the stream lacks seq {} of ledger {}, so the log could be recovered only up to seq {reached} of {to}. {}",
            reached + 1,
            l.id,
            l.advice()
        )));
    }
    tracing::warn!(from = head.seq + 1, to = reached, "recovered the lost tail from the stream");
    Ok(Found::Restored { head: reached, events: reached - head.seq })
}

/// The idempotency key and request hash a message carries.
fn idempotency(h: &HeaderMap) -> Option<(String, Hash)> {
    let key = h.get(KEY_HEADER)?.as_str().to_owned();
    let hash = h.get(REQUEST_HASH_HEADER)?.as_str().parse().ok()?;
    Some((key, hash))
}

/// Recovered events staged for one sled batch.
#[derive(Default)]
struct Chunk {
    batch: sled::Batch,
    streams: BTreeMap<String, u64>,
    events: usize,
    last: u64,
}

impl Chunk {
    fn add(&mut self, seq: u64, env: &Envelope, bytes: &[u8], key: Option<(String, Hash)>) {
        let idempotency = key.as_ref().map(|(k, h)| (k.as_str(), *h));
        Store::stage(&mut self.batch, &Staged { seq, id: env.id, bytes, idempotency });
        self.streams.insert(env.stream.clone(), env.stream_version);
        self.events += 1;
        self.last = seq;
    }

    /// Writes the chunk with the new head; everything in it is in the stream, so the outbox's
    /// cursor moves too.
    async fn write(mut self, store: &Store, hash: Hash) -> Result<(), OutboxError> {
        if self.events == 0 {
            return Ok(());
        }
        for (stream, version) in &self.streams {
            Store::stage_stream(&mut self.batch, stream, *version);
        }
        Store::stage_head(&mut self.batch, Head { seq: self.last, hash });
        Store::stage_outbox_cursor(&mut self.batch, self.last);
        store.apply(self.batch)?;
        Ok(store.flush().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(b: u8) -> Hash {
        Hash([b; 32])
    }

    #[test]
    fn the_stream_is_compared_at_its_last_seq() {
        let head = Head { seq: 10, hash: h(10) };
        let log = |seq: u64| (seq <= 10).then(|| h(seq as u8));
        assert_eq!(compare(head, log, None), Comparison::InStep);
        assert_eq!(compare(head, log, Some((10, h(10)))), Comparison::InStep);
        assert_eq!(compare(head, log, Some((7, h(7)))), Comparison::InStep);
        assert_eq!(
            compare(head, log, Some((7, h(99)))),
            Comparison::Differs { seq: 7, stream: h(99), log: Some(h(7)) }
        );
        assert_eq!(compare(head, log, Some((14, h(1)))), Comparison::Behind { from: 11, to: 14 });
        assert_eq!(compare(Head::default(), |_| None, Some((3, h(3)))), Comparison::Behind { from: 1, to: 3 });
    }
}
