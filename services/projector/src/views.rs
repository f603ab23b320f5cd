//! The projector's views in sled: every plan's events, stored as *segments* — the events of one
//! plan and one ledger applied in one batch, concatenated — so that a replay writes one sled entry
//! per plan and batch instead of one per event; a checkpoint per ledger (the last seq applied
//! without a gap). A plan's segments read back in (ledger, seq) order. Applying a batch is one
//! atomic sled batch plus one flush; only then are the messages acknowledged.
//!
//! | key                                          | value                                  |
//! |----------------------------------------------|----------------------------------------|
//! | `p` plan `\0` ledger `\0` first seq (u64 BE) | events, each `len (u32 BE) ‖ bytes`    |
//! | `c` ledger                                   | checkpoint (u64 BE)                    |
//! | `l` plan                                     | (empty)                                |

use std::path::Path;

use lofte_proto::{envelope::Envelope, ids::PlanId, upcast::Upcasters};

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
    /// Shared by the events of a batch from the same ledger (and plan): one allocation each.
    pub ledger: std::sync::Arc<str>,
    pub seq: u64,
    pub plan: std::sync::Arc<str>,
    /// The event as published (shared with the message it came in, not copied).
    pub bytes: bytes::Bytes,
}

/// A handle to the views. Cloning is shallow.
#[derive(Debug, Clone)]
pub struct Views {
    db: sled::Db,
}

/// A segment: the seq of its first event, and its events, each prefixed by its length.
type Segment = (u64, Vec<u8>);

/// The largest segment written, in bytes (unless one event is larger).
const SEGMENT_BYTES: usize = 32 * 1024;

/// The first byte of a compressed segment. Segments written before compression start with the
/// first event's length (`u32`, big-endian), so with 0 for any event under 16 MiB: they are
/// still read as they are.
const LZ4: u8 = 1;

/// A segment as stored: `LZ4`, then the segment compressed with LZ4 (its size first). JSON
/// events shrink about fourfold, and sled then copies and writes a quarter of the bytes.
fn compress(segment: &[u8]) -> Vec<u8> {
    let mut out = vec![LZ4];
    out.extend_from_slice(&lz4_flex::compress_prepend_size(segment));
    out
}

fn decompress(stored: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, ViewError> {
    match stored.split_first() {
        Some((&LZ4, rest)) => lz4_flex::decompress_size_prepended(rest)
            .map(std::borrow::Cow::Owned)
            .map_err(|e| ViewError::Decode(format!("a segment does not decompress: {e}"))),
        _ => Ok(std::borrow::Cow::Borrowed(stored)),
    }
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

    /// Applies events (each the next of its ledger) atomically and waits until they are on disk.
    pub async fn apply(&self, events: &[Applied]) -> Result<(), ViewError> {
        if events.is_empty() {
            return Ok(());
        }
        // Segments per (plan, ledger) in this batch, in arrival (= seq) order, each at most
        // SEGMENT_BYTES (sled stores a larger value as a file of its own).
        let mut segments: std::collections::BTreeMap<(&str, &str), Vec<Segment>> = Default::default();
        let mut checkpoints: std::collections::BTreeMap<&str, u64> = Default::default();
        for e in events {
            let segs = segments.entry((&*e.plan, &*e.ledger)).or_default();
            match segs.last_mut() {
                Some((_, seg)) if seg.len() + 4 + e.bytes.len() <= SEGMENT_BYTES => {
                    seg.extend_from_slice(&(e.bytes.len() as u32).to_be_bytes());
                    seg.extend_from_slice(&e.bytes);
                }
                _ => {
                    let mut seg = Vec::with_capacity(SEGMENT_BYTES.min(64 * e.bytes.len()));
                    seg.extend_from_slice(&(e.bytes.len() as u32).to_be_bytes());
                    seg.extend_from_slice(&e.bytes);
                    segs.push((e.seq, seg));
                }
            }
            checkpoints.insert(&*e.ledger, e.seq);
        }
        let mut b = sled::Batch::default();
        for ((plan, ledger), segs) in segments {
            for (first, bytes) in segs {
                b.insert(event_key(plan, ledger, first), compress(&bytes));
            }
            b.insert(prefixed(b'l', plan.as_bytes()), &[][..]);
        }
        for (ledger, seq) in checkpoints {
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
            let seg = decompress(&seg)?;
            let mut rest: &[u8] = &seg;
            while rest.len() >= 4 {
                let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
                let bytes = rest.get(4..4 + len).ok_or_else(|| ViewError::Decode("a truncated segment".into()))?;
                out.push(Envelope::decode(bytes, &up).map_err(|e| ViewError::Decode(e.to_string()))?);
                rest = &rest[4 + len..];
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_round_trip_and_old_segments_read_as_they_are() {
        let mut segment = vec![];
        for e in [&br#"{"seq":1}"#[..], br#"{"seq":2,"text":"Trygghetsvandring i Ekhagen"}"#] {
            segment.extend_from_slice(&(e.len() as u32).to_be_bytes());
            segment.extend_from_slice(e);
        }
        let stored = compress(&segment);
        assert_eq!(stored[0], LZ4);
        assert_eq!(decompress(&stored).unwrap().as_ref(), segment.as_slice());
        // Written before compression: starts with the first event's length.
        assert_eq!(segment[0], 0);
        assert_eq!(decompress(&segment).unwrap().as_ref(), segment.as_slice());
        assert!(decompress(&[LZ4, 9, 9]).is_err(), "a damaged segment is an error, not a panic");
    }
}
