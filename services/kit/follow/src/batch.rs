//! One batch of messages, whichever consumer delivered it: gathered (the first message and what
//! arrives within a moment of it), staged (deduplicated by `(ledger, seq)` against the per-ledger
//! checkpoints, gaps back-filled from the ledger's API), then written to the views and flushed —
//! and only then acknowledged, when its consumer takes acks.

use std::{
    collections::HashMap,
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use async_nats::jetstream;
use futures::{FutureExt, Stream, StreamExt};
use serde::Deserialize;

use crate::{backfill::Backfill, error::FollowError, segments::Segments, shared::Shared, views::Views};

/// How long a batch waits for more messages after its first.
const GATHER: Duration = Duration::from_millis(2);

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

/// `first`, then what arrives within `GATHER` of it, up to `max` messages: one flush then
/// covers many events during a replay, at the cost of at most `GATHER` of latency.
pub(crate) async fn gather<S, E>(
    messages: &mut S,
    first: jetstream::Message,
    max: usize,
) -> Result<Vec<jetstream::Message>, FollowError>
where
    S: Stream<Item = Result<jetstream::Message, E>> + Unpin,
    E: std::error::Error + Send + Sync + 'static,
{
    let mut batch = vec![first];
    let until = tokio::time::Instant::now() + GATHER;
    while batch.len() < max {
        let next = match messages.next().now_or_never() {
            Some(m) => m,
            None => match tokio::time::timeout_at(until, messages.next()).await {
                Ok(m) => m,
                Err(_) => break,
            },
        };
        match next {
            Some(m) => batch.push(m.map_err(FollowError::nats("receiving a message"))?),
            None => break,
        }
    }
    Ok(batch)
}

/// A batch made ready to write.
pub(crate) struct Staged {
    /// The events to apply, in order: back-filled ones before the message that revealed the gap.
    pub segments: Segments,
    /// The last message before the first deferred one (the batch's last if none was): the one a
    /// durable consumer acknowledges, the one after which a replay goes on. Every other message
    /// is dropped as soon as it is staged.
    pub last: Option<jetstream::Message>,
    /// `last`'s stream sequence: once the batch is on disk, every message up to it is applied.
    pub through: Option<u64>,
    /// The stream sequence of the first message whose gap could not be filled now: it must be
    /// delivered again later (the rest of the batch, other ledgers' events, is applied meanwhile).
    pub deferred: Option<u64>,
}

/// Stages a batch: skips what `checkpoints` (the last seq applied per ledger, read from the
/// views the first time a ledger is seen) say is applied already, fills gaps from the ledger.
pub(crate) async fn stage(
    views: &Views,
    backfill: &Backfill,
    shared: &Shared,
    batch: Vec<jetstream::Message>,
    checkpoints: &mut HashMap<String, u64>,
) -> Result<Staged, FollowError> {
    let mut segments = Segments::default();
    let mut last = None;
    let mut deferred: Option<u64> = None;
    for msg in batch {
        if let Some(head) = head_of(&msg) {
            let ck = match checkpoints.get_mut(head.ledger) {
                Some(c) => c,
                None => {
                    let c = views.checkpoint(head.ledger)?;
                    checkpoints.entry(head.ledger.to_owned()).or_insert(c)
                }
            };
            'apply: {
                if head.seq <= *ck {
                    shared.metrics.duplicates.fetch_add(1, Ordering::Relaxed);
                    break 'apply;
                }
                if head.seq > *ck + 1 {
                    // A gap: fetch what is missing from the ledger itself.
                    match backfill.fetch(head.ledger, *ck, head.seq - 1).await {
                        Ok(missing) => {
                            shared.metrics.backfilled.fetch_add(missing.len() as u64, Ordering::Relaxed);
                            for (seq, bytes) in missing {
                                let h: Head<'_> = serde_json::from_slice(&bytes).map_err(|source| {
                                    FollowError::Backfilled { ledger: head.ledger.to_owned(), source }
                                })?;
                                segments.push(h.ledger, h.plan, seq, &bytes);
                            }
                        }
                        Err(e) => {
                            shared.error(&format_args!(
                                "a gap in ledger {}'s events after seq {} cannot be back-filled yet: {e}",
                                head.ledger, *ck
                            ));
                            if deferred.is_none() {
                                deferred = Some(stream_sequence(&msg)?);
                            }
                            break 'apply;
                        }
                    }
                }
                *ck = head.seq;
                segments.push(head.ledger, head.plan, head.seq, &msg.payload);
            }
        } else {
            shared.error(&format_args!("a message on {} is not a Lofte event; skipped", msg.subject));
        }
        if deferred.is_none() {
            last = Some(msg);
        }
    }
    let through = last.as_ref().map(stream_sequence).transpose()?;
    Ok(Staged { segments, last, through, deferred })
}

/// A message's sequence in the stream.
pub(crate) fn stream_sequence(msg: &jetstream::Message) -> Result<u64, FollowError> {
    Ok(msg
        .info()
        .map_err(|e| FollowError::Nats { what: "a message's stream sequence".into(), source: e })?
        .stream_sequence)
}

/// Writes a batch to the views and waits until it is on disk, which applies every message up to
/// stream sequence `through` (if given); then acknowledges `ack`, if given (the durable consumer
/// acknowledges all messages up to the one acked; the ordered replay takes no acks).
pub(crate) async fn write(
    views: &Views,
    shared: &Shared,
    segments: Segments,
    through: Option<u64>,
    ack: Option<jetstream::Message>,
) -> Result<(), FollowError> {
    let (metrics, progress) = (&shared.metrics, &shared.progress);
    let started = std::time::Instant::now();
    let events = segments.len() as u64;
    views.apply(segments).await?;
    metrics.apply_micros.fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
    metrics.batches.fetch_add(1, Ordering::Relaxed);
    let started = std::time::Instant::now();
    metrics.applied.fetch_add(events, Ordering::Relaxed);
    if let Some(seq) = through {
        progress.applied(seq);
    }
    if let Some(last) = ack {
        last.ack().await.map_err(|source| FollowError::Nats { what: "ack".into(), source })?;
    }
    metrics.ack_micros.fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
    Ok(())
}

/// The batch being written while the next is gathered (a two-stage pipeline): at most one at a
/// time, in order.
#[derive(Default)]
pub(crate) struct Writing(Option<tokio::task::JoinHandle<Result<(), FollowError>>>);

impl Writing {
    /// Waits for the batch being written, if any.
    pub async fn finish(&mut self) -> Result<(), FollowError> {
        match self.0.take() {
            Some(w) => w.await?,
            None => Ok(()),
        }
    }

    /// Waits for the batch before, then starts writing this one (see [`write`]).
    pub async fn start(
        &mut self,
        views: &Views,
        shared: &Arc<Shared>,
        segments: Segments,
        through: Option<u64>,
        ack: Option<jetstream::Message>,
    ) -> Result<(), FollowError> {
        self.finish().await?;
        let (views, shared) = (views.clone(), shared.clone());
        self.0 = Some(tokio::spawn(async move { write(&views, &shared, segments, through, ack).await }));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(subject: &str, seq: Option<&str>, payload: &'static str) -> async_nats::Message {
        let headers = seq.map(|s| {
            let mut h = async_nats::HeaderMap::new();
            h.insert("Nats-Msg-Id", "eksjo:7");
            h.insert("Lofte-Seq", s);
            h
        });
        async_nats::Message {
            subject: subject.into(),
            reply: None,
            payload: payload.into(),
            headers,
            status: None,
            description: None,
            length: payload.len(),
        }
    }

    #[test]
    fn where_a_message_belongs_comes_from_subject_and_header_else_from_the_event() {
        // The payload is not even JSON: subject and header suffice.
        let m = message("lofte.v1.eksjo.eksjo-2017.measure_counted", Some("7"), "not json");
        let h = head_of(&m).unwrap();
        assert_eq!((h.ledger, h.plan, h.seq), ("eksjo", "eksjo-2017", 7));
        // Published without the header, or on another subject: the event says.
        let event = r#"{"ledger":"quiet","seq":19,"plan":"eksjo-2017","kind":"note"}"#;
        for m in [
            message("lofte.v1.quiet.eksjo-2017.note", None, event),
            message("elsewhere", Some("3"), event),
            message("lofte.v1.quiet.eksjo-2017.note", Some("not a number"), event),
        ] {
            let h = head_of(&m).unwrap();
            assert_eq!((h.ledger, h.plan, h.seq), ("quiet", "eksjo-2017", 19));
        }
        assert!(head_of(&message("elsewhere", None, "not json")).is_none());
    }
}
