//! The projector's views in sled: every plan's events, stored as *segments* — the events of one
//! plan and one ledger applied in one batch, concatenated — so that a replay writes one sled entry
//! per plan and batch instead of one per event; a checkpoint per ledger (the last seq applied
//! without a gap). A plan's segments read back in (ledger, seq) order. Applying a batch is one
//! atomic sled batch plus one flush; only then are the messages acknowledged.
//!
//! | key                                          | value                                  |
//! |----------------------------------------------|----------------------------------------|
//! | `p` plan `\0` ledger `\0` first seq (u64 BE) | a segment (see `segments`)             |
//! | `c` ledger                                   | checkpoint (u64 BE)                    |
//! | `l` plan                                     | (empty)                                |

use std::path::Path;

use lofte_proto::{envelope::Envelope, ids::PlanId, upcast::Upcasters};
use lz4_flex::block::CompressTable;

use crate::segments::{self, compress, decompress, Segments};

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
            .mode(sled::Mode::HighThroughput)
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

    /// Applies a batch's events (each the next of its ledger) atomically and waits until they
    /// are on disk.
    pub async fn apply(&self, segments: Segments) -> Result<(), ViewError> {
        if segments.is_empty() {
            return Ok(());
        }
        let (runs, last) = segments.into_parts();
        let mut table = CompressTable::default();
        let mut b = sled::Batch::default();
        for run in runs {
            for (first, bytes) in run.segments {
                b.insert(event_key(&run.plan, &run.ledger, first), compress(&bytes, &mut table));
            }
            b.insert(prefixed(b'l', run.plan.as_bytes()), &[][..]);
        }
        for (ledger, seq) in last {
            b.insert(prefixed(b'c', ledger.as_bytes()), &seq.to_be_bytes()[..]);
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
        let mut out = vec![];
        for r in self.db.scan_prefix(prefix) {
            let (_, seg) = r?;
            let seg = decompress(&seg).map_err(ViewError::Decode)?;
            for bytes in segments::events(&seg) {
                let bytes = bytes.map_err(ViewError::Decode)?;
                out.push(Envelope::decode(bytes, &up).map_err(|e| ViewError::Decode(e.to_string()))?);
            }
        }
        Ok(out)
    }

    /// Drops every view and checkpoint (before a rebuild).
    pub async fn clear(&self) -> Result<(), ViewError> {
        self.db.clear()?;
        self.db.flush_async().await?;
        Ok(())
    }
}
