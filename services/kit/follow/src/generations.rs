//! Generations of the views. A rebuild drops the views by starting the next generation — one key
//! written and flushed — instead of removing every key; what older generations left behind is
//! removed afterwards by a sweep on a thread of its own. Dropping is thereby atomic (removing the
//! keys one by one, a crash half-way could leave old segments beside cleared checkpoints, and the
//! replay that follows would store their events a second time) and takes as long for a large
//! view as for a small one.
//!
//! Generation n puts `G` and n (u64, big-endian) before every key; the views start at
//! generation 1. The key `g` holds the current generation.

use std::sync::{
    atomic::{AtomicBool, AtomicU64, Ordering::SeqCst},
    Arc, Condvar, Mutex,
};

/// The key holding the current generation.
pub(crate) const CURRENT: &[u8] = b"g";

/// The generation of views that have never been dropped.
const FIRST: u64 = 1;

/// What every key of `generation` starts with.
pub(crate) fn prefix(generation: u64) -> Vec<u8> {
    let mut p = Vec::with_capacity(9);
    p.push(b'G');
    p.extend_from_slice(&generation.to_be_bytes());
    p
}

/// The generation a stored key belongs to; `None` for `CURRENT` itself.
pub(crate) fn of(key: &[u8]) -> Option<u64> {
    let rest = key.strip_prefix(b"G")?;
    rest.get(..8)?.try_into().ok().map(u64::from_be_bytes)
}

/// The current generation as stored (the first before any rebuild).
pub(crate) fn stored(db: &sled::Db) -> Result<u64, sled::Error> {
    Ok(db.get(CURRENT)?.and_then(|v| v.as_ref().try_into().ok()).map_or(FIRST, u64::from_be_bytes))
}

/// Removes what generations before the current one left behind. Returns how many keys it removed.
pub(crate) fn sweep(db: &sled::Db, generation: &AtomicU64, stop: &AtomicBool) -> Result<usize, sled::Error> {
    let current = generation.load(SeqCst);
    // Older generations sort before the current one, later ones (and `CURRENT`) after it.
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
                // Stopping (the views are closed): the next start sweeps the rest.
                if stop.load(SeqCst) {
                    return Ok(removed);
                }
            }
        }
    }
    db.apply_batch(batch)?;
    Ok(removed + pending)
}

/// Sweeps on a thread of its own, whenever asked, until dropped: dropping it (with the last
/// `Views` handle) stops and joins the thread, so the database is closed when the views are —
/// a service restarted in the same process can open them again at once.
#[derive(Debug)]
pub(crate) struct Sweeper {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Debug, Default)]
struct Shared {
    requested: Mutex<bool>,
    wake: Condvar,
    stop: AtomicBool,
}

impl Sweeper {
    /// Starts the thread; the first sweep (what a sweep cut short by a stop left) runs at once.
    pub(crate) fn start(db: &sled::Db, generation: &Arc<AtomicU64>) -> Sweeper {
        let shared = Arc::new(Shared { requested: Mutex::new(true), ..Shared::default() });
        let (db, generation, s) = (db.clone(), generation.clone(), shared.clone());
        let thread = std::thread::Builder::new()
            .name("lofte-views-sweep".into())
            .spawn(move || loop {
                {
                    let mut requested = s.requested.lock().unwrap_or_else(|e| e.into_inner());
                    while !*requested && !s.stop.load(SeqCst) {
                        requested = s.wake.wait(requested).unwrap_or_else(|e| e.into_inner());
                    }
                    if s.stop.load(SeqCst) {
                        return;
                    }
                    *requested = false;
                }
                match sweep(&db, &generation, &s.stop) {
                    Ok(n) if n > 0 => tracing::info!(removed = n, "views: older generations removed"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "views: older generations not removed yet"),
                }
            })
            .map_err(|e| tracing::warn!(error = %e, "views: cannot start the sweep of older generations"))
            .ok();
        Sweeper { shared, thread }
    }

    /// Asks for a sweep (after a drop of the views).
    pub(crate) fn request(&self) {
        *self.shared.requested.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.shared.wake.notify_one();
    }
}

impl Drop for Sweeper {
    fn drop(&mut self) {
        self.shared.stop.store(true, SeqCst);
        // Taking the lock orders the store before the thread's next look at `stop`.
        drop(self.shared.requested.lock());
        self.shared.wake.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
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
        assert_eq!(of(b"G\0"), None);
        assert_eq!(of(&key(1, b"leksjo-2017")), Some(1));
        assert_eq!(of(&key(7, b"ceksjo")), Some(7));
        assert_eq!(of(&key(1 << 40, b"p")), Some(1 << 40));
    }

    #[test]
    fn a_sweep_removes_older_generations_only() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().path(dir.path()).open().unwrap();
        assert_eq!(stored(&db).unwrap(), FIRST, "views never dropped");
        for k in [key(1, b"ceksjo"), key(1, b"peksjo-2017\0eksjo\0"), key(2, b"ceksjo"), key(3, b"ceksjo")] {
            db.insert(k, &b"x"[..]).unwrap();
        }
        db.insert(CURRENT, &3u64.to_be_bytes()).unwrap();
        let generation = AtomicU64::new(stored(&db).unwrap());
        assert_eq!(generation.load(SeqCst), 3);
        assert_eq!(sweep(&db, &generation, &AtomicBool::new(false)).unwrap(), 3);
        let left: Vec<Vec<u8>> = db.iter().keys().map(|k| k.unwrap().to_vec()).collect();
        assert_eq!(left, vec![key(3, b"ceksjo"), b"g".to_vec()]);
        assert_eq!(sweep(&db, &generation, &AtomicBool::new(false)).unwrap(), 0);

        // Keys of a generation started after the sweep read the current one stay.
        db.insert(key(4, b"ceksjo"), &b"x"[..]).unwrap();
        assert_eq!(sweep(&db, &generation, &AtomicBool::new(false)).unwrap(), 0);
        assert_eq!(db.len(), 3);
        generation.store(4, SeqCst);
        assert_eq!(sweep(&db, &generation, &AtomicBool::new(false)).unwrap(), 1);
    }
}
