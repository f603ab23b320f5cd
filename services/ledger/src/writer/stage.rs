//! Staging one append: idempotency, the decision, optimistic concurrency, sealing the envelope
//! into the chain, and adding it to the pending sled batch and the in-memory state.

use axum::body::Bytes;
use jiff::Timestamp;
use lofte_proto::{envelope::Envelope, Hash};
use uuid::Uuid;

use super::commit::{AppendError, AppendRequest, Pending, Record, Writer};
use crate::{
    decide::decide,
    state::{facts_of, StoreFacts},
    store::{Head, Staged, Store},
};

/// What staging made of a request.
pub(super) enum Staging {
    /// A new event, staged; answer after its batch is flushed.
    Written(Record),
    /// The same idempotency key and body as an event already staged or written.
    Repeat(Record),
}

impl Writer {
    /// Decides one request and, if accepted, stages its event into `batch` and the in-memory state.
    pub(super) fn stage(&mut self, req: &AppendRequest, p: &mut Pending) -> Result<Staging, AppendError> {
        let (batch, overlay, keys) = (&mut p.batch, &mut p.overlay, &mut p.keys);
        let unavailable = |e: crate::store::StoreError| AppendError::Unavailable(e.to_string());
        if let Some((key, body)) = &req.idempotency {
            if let Some((h, rec)) = keys.get(key) {
                return if h == body {
                    Ok(Staging::Repeat(rec.clone()))
                } else {
                    Err(AppendError::KeyReused(key.clone()))
                };
            }
            if let Some((seq, h)) = self.store.idempotency(key).map_err(unavailable)? {
                if &h != body {
                    return Err(AppendError::KeyReused(key.clone()));
                }
                let bytes =
                    self.store.event(seq).map_err(unavailable)?.ok_or_else(|| {
                        AppendError::Unavailable(format!("idempotency key points at missing seq {seq}"))
                    })?;
                let env = Envelope::decode(&bytes, &lofte_proto::upcast::Upcasters::standard())
                    .map_err(|e| AppendError::Unavailable(e.to_string()))?;
                return Ok(Staging::Repeat(Record {
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
                idempotency: req.idempotency.as_ref().map(|(k, h)| (k.as_str(), *h)),
            },
        );
        if env.kind().is_occurrence() {
            overlay.events.insert(env.id, facts_of(&env));
        }
        p.streams.insert(env.stream.clone(), env.stream_version);
        self.state.head = Head { seq: env.seq, hash: env.hash };
        self.state.apply(&env);
        let rec = Record { seq: env.seq, id: env.id, stream_version: env.stream_version, bytes: Bytes::from(bytes) };
        if let Some((key, body)) = &req.idempotency {
            keys.insert(key.clone(), (*body, rec.clone()));
        }
        Ok(Staging::Written(rec))
    }
}
