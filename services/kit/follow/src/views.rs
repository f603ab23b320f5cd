//! A follower's views in sled: every plan's events, stored as *segments* — the events of one
//! plan and one ledger applied in one batch, concatenated — so that a replay writes one sled entry
//! per plan and batch instead of one per event; a checkpoint per ledger (the last seq applied
//! without a gap). A plan's segments read back in (ledger, seq) order. Applying a batch is one
//! atomic sled batch plus one flush; only then are the messages acknowledged.
//!
//! Every key below starts with the generation's prefix (see `generations`: a rebuild starts the
//! next generation).
//!
//! | key                                          | value                                  |
//! |----------------------------------------------|----------------------------------------|
//! | `p` plan `\0` ledger `\0` first seq (u64 BE) | a segment (see `segments`)             |
//! | `c` ledger                                   | checkpoint (u64 BE)                    |
//! | `l` plan                                     | the plan's version (u64 BE): batches applied to it |
//! | `g` (without a prefix)                       | the current generation (u64 BE)        |

use std::{
    path::Path,
    sync::{
        atomic::{AtomicU64, Ordering::SeqCst},
        Arc,
    },
};

use std::collections::BTreeMap;

use lofte_proto::{
    envelope::Envelope,
    ids::{LedgerId, PlanId},
    upcast::Upcasters,
};

use crate::{
    generations::{self, Sweeper},
    segments::{self, compress, decompress, SegmentError, Segments},
};

/// How long opening the views waits for a closing process to let go of them.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("cannot open the views at {path}: {source}")]
    Open { path: String, source: sled::Error },
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error(transparent)]
    Segment(#[from] SegmentError),
    #[error("the views are incomplete: {0}")]
    Missing(#[from] lofte_proto::fold::Missing),
    #[error("the views hold a ledger's events out of order")]
    Unordered,
    #[error("a stored event does not decode: {0}")]
    Decode(#[from] lofte_proto::envelope::DecodeError),
}

/// A handle to the views. Cloning is shallow.
#[derive(Debug, Clone)]
pub struct Views {
    db: sled::Db,
    /// The generation the views are kept under (see `generations`); a rebuild starts the next.
    generation: Arc<AtomicU64>,
    sweeper: Arc<Sweeper>,
}

fn event_key(pre: &[u8], plan: &str, ledger: &str, seq: u64) -> Vec<u8> {
    let mut k = prefixed(pre, b'p', plan.as_bytes());
    k.reserve(ledger.len() + 10);
    k.push(0);
    k.extend_from_slice(ledger.as_bytes());
    k.push(0);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

fn prefixed(pre: &[u8], p: u8, s: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(pre.len() + 1 + s.len());
    k.extend_from_slice(pre);
    k.push(p);
    k.extend_from_slice(s);
    k
}

/// Opens a sled database, waiting up to [`LOCK_WAIT`] for a process that just closed it to let go
/// of its lock (sled's flusher thread lets go on its next round).
pub fn open_waiting(config: &sled::Config) -> sled::Result<sled::Db> {
    let until = std::time::Instant::now() + LOCK_WAIT;
    loop {
        match config.open() {
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock") && std::time::Instant::now() < until =>
            {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            opened => return opened,
        }
    }
}

impl Views {
    /// Opens (or creates) the views under `dir`. A process that just closed them may hold sled's
    /// lock on the files for a moment longer (its flusher thread lets go on its next round): that
    /// is waited for, up to [`LOCK_WAIT`].
    pub fn open(dir: &Path, cache_bytes: u64) -> Result<Views, ViewError> {
        let config = sled::Config::new().path(dir).cache_capacity(cache_bytes).mode(sled::Mode::HighThroughput);
        let db = open_waiting(&config).map_err(|source| ViewError::Open { path: dir.display().to_string(), source })?;
        let generation = Arc::new(AtomicU64::new(generations::stored(&db)?));
        // Its first sweep removes what older generations left (a sweep cut short by a stop).
        let sweeper = Arc::new(Sweeper::start(&db, &generation));
        Ok(Views { db, generation, sweeper })
    }

    /// What every key of the current generation starts with.
    fn pre(&self) -> Vec<u8> {
        generations::prefix(self.generation.load(SeqCst))
    }

    /// The last seq of `ledger` applied without a gap (0: none).
    pub fn checkpoint(&self, ledger: &str) -> Result<u64, ViewError> {
        Ok(self
            .db
            .get(prefixed(&self.pre(), b'c', ledger.as_bytes()))?
            .and_then(|v| v.as_ref().try_into().ok())
            .map_or(0, u64::from_be_bytes))
    }

    /// Applies a batch's events (each the next of its ledger) atomically and waits until they
    /// are on disk.
    pub(crate) async fn apply(&self, segments: Segments) -> Result<(), ViewError> {
        if segments.is_empty() {
            return Ok(());
        }
        let (runs, last) = segments.into_parts();
        let pre = self.pre();
        let mut b = sled::Batch::default();
        let mut touched = std::collections::BTreeSet::new();
        for run in runs {
            for (first, bytes) in run.segments {
                b.insert(event_key(&pre, &run.plan, &run.ledger, first), compress(&bytes));
            }
            touched.insert(run.plan);
        }
        // Batches are applied one at a time, so reading the versions here is safe.
        for plan in touched {
            let key = prefixed(&pre, b'l', plan.as_bytes());
            let next = self.db.get(&key)?.and_then(|v| v.as_ref().try_into().ok()).map_or(0, u64::from_be_bytes) + 1;
            b.insert(key, &next.to_be_bytes()[..]);
        }
        for (ledger, seq) in last {
            b.insert(prefixed(&pre, b'c', ledger.as_bytes()), &seq.to_be_bytes()[..]);
        }
        self.db.apply_batch(b)?;
        self.db.flush_async().await?;
        Ok(())
    }

    /// Where a plan's views stand: the generation, and the plan's version in it — changed by every
    /// batch that applies something of the plan (0: nothing yet). What a cached read is keyed by.
    pub fn version(&self, plan: &PlanId) -> Result<(u64, u64), ViewError> {
        let gen = self.generation.load(SeqCst);
        let key = prefixed(&generations::prefix(gen), b'l', plan.as_str().as_bytes());
        Ok((gen, self.db.get(key)?.and_then(|v| v.as_ref().try_into().ok()).map_or(0, u64::from_be_bytes)))
    }

    /// Every plan seen.
    pub fn plans(&self) -> Result<Vec<PlanId>, ViewError> {
        let mut out = vec![];
        let prefix = prefixed(&self.pre(), b'l', b"");
        for r in self.db.scan_prefix(&prefix) {
            let (k, _) = r?;
            if let Ok(p) = PlanId::new(String::from_utf8_lossy(&k[prefix.len()..]).into_owned()) {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// A plan's events, in (ledger, seq) order.
    pub fn events(&self, plan: &PlanId) -> Result<Vec<Envelope>, ViewError> {
        let mut prefix = prefixed(&self.pre(), b'p', plan.as_str().as_bytes());
        prefix.push(0);
        let up = Upcasters::standard();
        let mut out = vec![];
        for r in self.db.scan_prefix(prefix) {
            let (_, seg) = r?;
            let seg = decompress(&seg)?;
            for bytes in segments::events(&seg) {
                out.push(Envelope::decode(bytes?, &up)?);
            }
        }
        Ok(out)
    }

    /// Gives `f` each of a plan's events after `applied` (the last seq taken per ledger; a
    /// ledger not named: from its first), in (ledger, seq) order, one segment decoded at a time, until `f` says stop (`false`); whether it went through them
    /// all. It seeks to each ledger's next segment, so what it costs grows with what is new, not
    /// with the plan's history — and a whole history is never held in memory at once.
    pub fn each_since(
        &self,
        plan: &PlanId,
        applied: &BTreeMap<LedgerId, u64>,
        mut f: impl FnMut(Envelope) -> bool,
    ) -> Result<bool, ViewError> {
        let mut base = prefixed(&self.pre(), b'p', plan.as_str().as_bytes());
        base.push(0);
        let up = Upcasters::standard();
        let mut from = base.clone();
        // One round per ledger holding the plan's events: its key space is `base ledger \0 …`.
        while let Some(first) = self.db.range(from.as_slice()..).keys().next() {
            let first = first?;
            let Some(rest) = first.strip_prefix(base.as_slice()) else { break };
            let Some(end) = rest.iter().position(|b| *b == 0) else { break };
            let ledger = String::from_utf8_lossy(&rest[..end]).into_owned();
            let after = LedgerId::new(ledger.as_str()).ok().and_then(|l| applied.get(&l).copied()).unwrap_or(0);
            let start = event_key(&self.pre(), plan.as_str(), &ledger, after.saturating_add(1));
            let mut next = first[..base.len() + end].to_vec();
            next.push(1);
            for r in self.db.range(start.as_slice()..next.as_slice()).values() {
                for bytes in segments::events(&decompress(&r?)?) {
                    let e = Envelope::decode(bytes?, &up)?;
                    if e.seq > after && !f(e) {
                        return Ok(false);
                    }
                }
            }
            from = next;
        }
        Ok(true)
    }

    /// The event of `plan` stored at `(ledger, seq)`, if there is one.
    pub fn event_at(&self, plan: &PlanId, ledger: &LedgerId, seq: u64) -> Result<Option<Envelope>, ViewError> {
        let (pre, plan, ledger) = (self.pre(), plan.as_str(), ledger.as_str());
        let range = event_key(&pre, plan, ledger, 0)..=event_key(&pre, plan, ledger, seq);
        let Some(seg) = self.db.range(range).values().next_back() else { return Ok(None) };
        let up = Upcasters::standard();
        for bytes in segments::events(&decompress(&seg?)?) {
            let e = Envelope::decode(bytes?, &up)?;
            if e.seq == seq {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }

    /// Drops every view and checkpoint (before a rebuild), atomically and at once: starts the
    /// next generation (one key, flushed); older generations are swept away afterwards.
    pub(crate) async fn clear(&self) -> Result<(), ViewError> {
        let next = self.generation.load(SeqCst) + 1;
        self.db.insert(generations::CURRENT, &next.to_be_bytes())?;
        self.db.flush_async().await?;
        self.generation.store(next, SeqCst);
        self.sweeper.request();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_plans_version_moves_with_every_batch_that_touches_it() {
        let dir = tempfile::tempdir().unwrap();
        let views = Views::open(dir.path(), 1 << 20).unwrap();
        let (eksjo, other) = (PlanId::new("eksjo-2017").unwrap(), PlanId::new("other").unwrap());
        assert_eq!(views.version(&eksjo).unwrap(), (1, 0));
        for (seq, plan) in [(1, "eksjo-2017"), (2, "eksjo-2017"), (3, "other")] {
            let mut s = Segments::default();
            s.push("l", plan, seq, b"{}");
            views.apply(s).await.unwrap();
        }
        assert_eq!((views.version(&eksjo).unwrap(), views.version(&other).unwrap()), ((1, 2), (1, 1)));
        // A rebuild starts over in the next generation: versions cannot be mistaken across it.
        views.clear().await.unwrap();
        assert_eq!(views.version(&eksjo).unwrap(), (2, 0));
    }

    #[tokio::test]
    async fn clearing_drops_every_segment_plan_and_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let views = Views::open(dir.path(), 1 << 20).unwrap();
        let mut s = Segments::default();
        for seq in 1..=3 {
            s.push("eksjo", "eksjo-2017", seq, br#"{"not":"decoded here"}"#);
        }
        views.apply(s).await.unwrap();
        assert_eq!(views.checkpoint("eksjo").unwrap(), 3);
        assert_eq!(views.plans().unwrap().len(), 1);
        views.clear().await.unwrap();
        assert_eq!(views.checkpoint("eksjo").unwrap(), 0);
        assert!(views.plans().unwrap().is_empty());
        assert!(views.events(&PlanId::new("eksjo-2017").unwrap()).unwrap().is_empty());

        // The next generation is used, and kept, from then on; the old one is swept away.
        let mut s = Segments::default();
        s.push("eksjo", "eksjo-2017", 1, br#"{"not":"decoded here"}"#);
        views.apply(s).await.unwrap();
        // Closing the views stops and joins the sweep: they open again at once.
        drop(views);
        let views = Views::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(views.generation.load(SeqCst), 2);
        assert_eq!(views.checkpoint("eksjo").unwrap(), 1);
        assert_eq!(views.plans().unwrap().len(), 1);
        // Segment, plan, checkpoint and the generation key.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while views.db.len() != 4 {
            assert!(std::time::Instant::now() < deadline, "old generation not swept: {} keys", views.db.len());
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}
