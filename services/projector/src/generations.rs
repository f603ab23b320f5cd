//! Generations of the views. A rebuild drops the views by starting the next generation — one key
//! written and flushed — instead of removing every key; what older generations left behind is
//! removed afterwards by a sweep on a thread of its own. Dropping is thereby atomic (removing the
//! keys one by one, a crash half-way could leave old segments beside cleared checkpoints, and the
//! replay that follows would store their events a second time) and takes as long for a large
//! view as for a small one.
//!
//! Generation 0 is the layout from before generations: keys without a prefix. Generation n ≥ 1
//! puts `G` and n (u64, big-endian) before every key. The key `g` holds the current generation.

use std::sync::{
    atomic::{AtomicBool, AtomicU64, Ordering::SeqCst},
    Arc,
};

/// The key holding the current generation.
pub(crate) const CURRENT: &[u8] = b"g";

/// What every key of `generation` starts with.
pub(crate) fn prefix(generation: u64) -> Vec<u8> {
    if generation == 0 {
        return vec![];
    }
    let mut p = Vec::with_capacity(9);
    p.push(b'G');
    p.extend_from_slice(&generation.to_be_bytes());
    p
}

/// The generation a stored key belongs to; `None` for `CURRENT` itself.
pub(crate) fn of(key: &[u8]) -> Option<u64> {
    if key == CURRENT {
        return None;
    }
    match key {
        [b'G', rest @ ..] if rest.len() >= 8 => rest[..8].try_into().ok().map(u64::from_be_bytes),
        _ => Some(0),
    }
}

/// The current generation as stored (0 before the first rebuild).
pub(crate) fn stored(db: &sled::Db) -> Result<u64, sled::Error> {
    Ok(db.get(CURRENT)?.and_then(|v| v.as_ref().try_into().ok()).map_or(0, u64::from_be_bytes))
}

/// Removes what generations before the current one left behind. Returns how many keys it removed.
pub(crate) fn sweep(db: &sled::Db, generation: &AtomicU64) -> Result<usize, sled::Error> {
    let current = generation.load(SeqCst);
    if current == 0 {
        return Ok(0);
    }
    // Older generations sort before the current one; generation 0's keys (`c`, `l`, `p`) after.
    let (low, high) = (prefix(current), prefix(current + 1));
    let mut batch = sled::Batch::default();
    let (mut pending, mut removed) = (0, 0);
    for key in db.range(..low).keys().chain(db.range(high..).keys()) {
        let key = key?;
        // The current generation is read after the key: a key is never of a later generation
        // than the one current when it was read, so a rebuild meanwhile keeps its keys.
        if of(&key).is_some_and(|g| g < generation.load(SeqCst)) {
            batch.remove(key);
            pending += 1;
            if pending == 1000 {
                db.apply_batch(std::mem::take(&mut batch))?;
                removed += pending;
                pending = 0;
            }
        }
    }
    db.apply_batch(batch)?;
    Ok(removed + pending)
}

/// Runs sweeps on a thread of its own, one at a time, again as long as more are asked for.
#[derive(Debug, Default)]
pub(crate) struct Sweeper {
    requested: AtomicBool,
    running: AtomicBool,
}

impl Sweeper {
    /// No sweep running (nor about to).
    #[cfg(test)]
    pub(crate) fn idle(&self) -> bool {
        !self.running.load(SeqCst) && !self.requested.load(SeqCst)
    }

    pub(crate) fn request(self: &Arc<Self>, db: &sled::Db, generation: &Arc<AtomicU64>) {
        self.requested.store(true, SeqCst);
        if self.running.swap(true, SeqCst) {
            return;
        }
        let (me, db, generation) = (self.clone(), db.clone(), generation.clone());
        let spawned = std::thread::Builder::new().name("lofte-views-sweep".into()).spawn(move || loop {
            while me.requested.swap(false, SeqCst) {
                match sweep(&db, &generation) {
                    Ok(n) if n > 0 => tracing::info!(removed = n, "views: older generations removed"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "views: older generations not removed yet"),
                }
            }
            me.running.store(false, SeqCst);
            // Asked for again between the last look and now, and nobody else took it: go on.
            if !me.requested.load(SeqCst) || me.running.swap(true, SeqCst) {
                break;
            }
        });
        if let Err(e) = spawned {
            self.running.store(false, SeqCst);
            tracing::warn!(error = %e, "views: cannot start the sweep of older generations");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(generation: u64, rest: &[u8]) -> Vec<u8> {
        let mut k = prefix(generation);
        k.extend_from_slice(rest);
        k
    }

    #[test]
    fn a_key_tells_its_generation() {
        assert_eq!(of(b"g"), None);
        assert_eq!(of(b"ceksjo"), Some(0));
        assert_eq!(of(b"leksjo-2017"), Some(0));
        assert_eq!(of(&key(7, b"ceksjo")), Some(7));
        assert_eq!(of(&key(1 << 40, b"p")), Some(1 << 40));
    }

    #[test]
    fn a_sweep_removes_older_generations_only() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().path(dir.path()).open().unwrap();
        for k in [key(0, b"ceksjo"), key(0, b"peksjo-2017\0eksjo\0"), key(1, b"ceksjo"), key(2, b"ceksjo")] {
            db.insert(k, &b"x"[..]).unwrap();
        }
        db.insert(CURRENT, &2u64.to_be_bytes()).unwrap();
        let generation = AtomicU64::new(stored(&db).unwrap());
        assert_eq!(generation.load(SeqCst), 2);
        assert_eq!(sweep(&db, &generation).unwrap(), 3);
        let left: Vec<Vec<u8>> = db.iter().keys().map(|k| k.unwrap().to_vec()).collect();
        assert_eq!(left, vec![key(2, b"ceksjo"), b"g".to_vec()]);
        assert_eq!(sweep(&db, &generation).unwrap(), 0);

        // Keys of a generation started after the sweep read the current one stay.
        db.insert(key(3, b"ceksjo"), &b"x"[..]).unwrap();
        assert_eq!(sweep(&db, &generation).unwrap(), 0);
        assert_eq!(db.len(), 3);
        generation.store(3, SeqCst);
        assert_eq!(sweep(&db, &generation).unwrap(), 1);
    }
}
