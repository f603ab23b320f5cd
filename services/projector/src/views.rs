//! The projector's views in sled: every plan's events, keyed so that one plan's events read back in
//! (ledger, seq) order, a checkpoint per ledger (the last seq applied without a gap), and an index
//! from event id to its key for provenance. Applying a batch is one atomic sled batch plus one
//! flush; only then are the messages acknowledged.
//!
//! | key                                   | value            |
//! |---------------------------------------|------------------|
//! | `p` plan `\0` ledger `\0` seq (u64 BE) | the event        |
//! | `c` ledger                             | checkpoint (u64) |
//! | `i` event id (16)                      | the `p` key      |
//! | `l` plan                               | (empty)          |

use std::path::Path;

use lofte_proto::{envelope::Envelope, ids::PlanId, upcast::Upcasters};
use uuid::Uuid;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("cannot open the views at {path}: {source}")]
    Open { path: String, source: sled::Error },
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("a stored event does not decode: {0}")]
    Decode(String),
}

/// One event to apply.
#[derive(Debug, Clone)]
pub struct Applied {
    pub ledger: String,
    pub seq: u64,
    pub plan: String,
    pub id: Uuid,
    pub bytes: Vec<u8>,
}

/// A handle to the views. Cloning is shallow.
#[derive(Debug, Clone)]
pub struct Views {
    db: sled::Db,
}

fn event_key(plan: &str, ledger: &str, seq: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(plan.len() + ledger.len() + 11);
    k.push(b'p');
    k.extend_from_slice(plan.as_bytes());
    k.push(0);
    k.extend_from_slice(ledger.as_bytes());
    k.push(0);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

fn prefixed(p: u8, s: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + s.len());
    k.push(p);
    k.extend_from_slice(s);
    k
}

impl Views {
    /// Opens (or creates) the views under `dir`.
    pub fn open(dir: &Path, cache_bytes: u64) -> Result<Views, ViewError> {
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(cache_bytes)
            .open()
            .map_err(|source| ViewError::Open { path: dir.display().to_string(), source })?;
        Ok(Views { db })
    }

    /// The last seq of `ledger` applied without a gap (0: none).
    pub fn checkpoint(&self, ledger: &str) -> Result<u64, ViewError> {
        Ok(self
            .db
            .get(prefixed(b'c', ledger.as_bytes()))?
            .and_then(|v| v.as_ref().try_into().ok())
            .map_or(0, u64::from_be_bytes))
    }

    /// Applies events (each the next of its ledger) atomically and waits until they are on disk.
    pub async fn apply(&self, events: &[Applied]) -> Result<(), ViewError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut b = sled::Batch::default();
        for e in events {
            let key = event_key(&e.plan, &e.ledger, e.seq);
            b.insert(prefixed(b'i', e.id.as_bytes()), key.clone());
            b.insert(key, e.bytes.as_slice());
            b.insert(prefixed(b'l', e.plan.as_bytes()), &[][..]);
            b.insert(prefixed(b'c', e.ledger.as_bytes()), &e.seq.to_be_bytes()[..]);
        }
        self.db.apply_batch(b)?;
        self.db.flush_async().await?;
        Ok(())
    }

    /// Every plan seen.
    pub fn plans(&self) -> Result<Vec<PlanId>, ViewError> {
        let mut out = vec![];
        for r in self.db.scan_prefix(b"l") {
            let (k, _) = r?;
            if let Ok(p) = PlanId::new(String::from_utf8_lossy(&k[1..]).into_owned()) {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// A plan's events, in (ledger, seq) order.
    pub fn events(&self, plan: &PlanId) -> Result<Vec<Envelope>, ViewError> {
        let mut prefix = vec![b'p'];
        prefix.extend_from_slice(plan.as_str().as_bytes());
        prefix.push(0);
        let up = Upcasters::standard();
        self.db
            .scan_prefix(prefix)
            .map(|r| {
                let (_, v) = r?;
                Envelope::decode(&v, &up).map_err(|e| ViewError::Decode(e.to_string()))
            })
            .collect()
    }

    /// One event by id.
    pub fn event(&self, id: &Uuid) -> Result<Option<Envelope>, ViewError> {
        let Some(key) = self.db.get(prefixed(b'i', id.as_bytes()))? else { return Ok(None) };
        let Some(v) = self.db.get(key)? else { return Ok(None) };
        Envelope::decode(&v, &Upcasters::standard()).map(Some).map_err(|e| ViewError::Decode(e.to_string()))
    }

    /// Drops every view and checkpoint (before a rebuild).
    pub async fn clear(&self) -> Result<(), ViewError> {
        self.db.clear()?;
        self.db.flush_async().await?;
        Ok(())
    }
}
