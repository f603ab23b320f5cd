//! The log on disk: one sled tree, keys prefixed by what they hold, so that one append — the
//! event, its id index, its idempotency key, its stream version and the new head — is part of a
//! single atomic sled batch (one per group commit; stream versions and the head are written once
//! per batch).
//!
//! | key                 | value                         |
//! |---------------------|-------------------------------|
//! | `e` + seq (u64 BE)  | the event, canonical JSON     |
//! | `i` + event id (16) | seq                           |
//! | `k` + idem. key     | seq ‖ SHA-256 of the request  |
//! | `x` + seq (u64 BE)  | SHA-256 of the request ‖ key  |
//! | `s` + stream        | stream version (u64 BE)       |
//! | `h`                 | head: seq ‖ hash              |
//! | `o`                 | outbox cursor: last published |

use std::path::Path;

use lofte_proto::Hash;
use sled::IVec;
use uuid::Uuid;

/// A storage failure: the disk or sled, never the client.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the log at {path}: {source}")]
    Open { path: String, source: sled::Error },
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("the flush task failed: {0}")]
    Task(String),
    #[error("corrupt {what} record")]
    Corrupt { what: &'static str },
    /// sled gave up on the files (it panics on some damage); the text is what it said.
    #[error("sled cannot read its files: {0}")]
    Unreadable(String),
}

impl StoreError {
    /// Whether the disk is full (nothing is wrong with the log: free space and start again).
    pub fn is_disk_full(&self) -> bool {
        let io = match self {
            StoreError::Open { source: sled::Error::Io(e), .. } | StoreError::Sled(sled::Error::Io(e)) => e,
            _ => return false,
        };
        // sled re-wraps a stored I/O error by its text (a `Custom` error of the same kind).
        io.kind() == std::io::ErrorKind::StorageFull || io.raw_os_error() == Some(28)
    }
}

/// The last event written: its seq (0 for an empty log) and hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Head {
    pub seq: u64,
    pub hash: Hash,
}

/// A handle to the log. Cloning is shallow.
#[derive(Debug, Clone)]
pub struct Store {
    db: sled::Db,
}

pub(crate) fn event_key(seq: u64) -> [u8; 9] {
    seq_key(b'e', seq)
}

fn id_key(id: &Uuid) -> [u8; 17] {
    let mut k = [b'i'; 17];
    k[1..].copy_from_slice(id.as_bytes());
    k
}

fn seq_key(p: u8, seq: u64) -> [u8; 9] {
    let mut k = [p; 9];
    k[1..].copy_from_slice(&seq.to_be_bytes());
    k
}

fn prefixed(p: u8, s: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + s.len());
    k.push(p);
    k.extend_from_slice(s.as_bytes());
    k
}

fn u64_of(v: &[u8], what: &'static str) -> Result<u64, StoreError> {
    let b: [u8; 8] = v.get(..8).and_then(|b| b.try_into().ok()).ok_or(StoreError::Corrupt { what })?;
    Ok(u64::from_be_bytes(b))
}

fn hash_of(v: &[u8], what: &'static str) -> Result<Hash, StoreError> {
    let b: [u8; 32] = v.get(8..40).and_then(|b| b.try_into().ok()).ok_or(StoreError::Corrupt { what })?;
    Ok(Hash(b))
}

/// One event staged for a batch.
#[derive(Debug)]
pub struct Staged<'a> {
    pub seq: u64,
    pub id: Uuid,
    pub bytes: &'a [u8],
    pub idempotency: Option<(&'a str, Hash)>,
}

impl Store {
    /// Opens (or creates) the log under `dir`. sled panics on some kinds of damage to its files
    /// ("tried to serialize Uninitialized"); that is caught, kept quiet, and returned as
    /// [`StoreError::Unreadable`].
    pub fn open(dir: &Path, cache_bytes: u64) -> Result<Store, StoreError> {
        let config = sled::Config::new().path(dir).cache_capacity(cache_bytes).mode(sled::Mode::HighThroughput);
        let db = crate::quiet::catch(|| config.open())
            .map_err(StoreError::Unreadable)?
            .map_err(|source| StoreError::Open { path: dir.display().to_string(), source })?;
        Ok(Store { db })
    }

    /// The database, for what lives beside the log in trees of its own (the people directory).
    pub(crate) fn db(&self) -> &sled::Db {
        &self.db
    }

    /// The head as last committed.
    pub fn head(&self) -> Result<Head, StoreError> {
        match self.db.get(b"h")? {
            None => Ok(Head::default()),
            Some(v) => Ok(Head { seq: u64_of(&v, "head")?, hash: hash_of(&v, "head")? }),
        }
    }

    /// The stored bytes of event `seq`.
    pub fn event(&self, seq: u64) -> Result<Option<IVec>, StoreError> {
        Ok(self.db.get(event_key(seq))?)
    }

    /// The seq of event `id`.
    pub fn seq_of(&self, id: &Uuid) -> Result<Option<u64>, StoreError> {
        self.db.get(id_key(id))?.map(|v| u64_of(&v, "id index")).transpose()
    }

    /// The event an idempotency key produced, and the hash of the request that used it.
    pub fn idempotency(&self, key: &str) -> Result<Option<(u64, Hash)>, StoreError> {
        match self.db.get(prefixed(b'k', key))? {
            None => Ok(None),
            Some(v) => Ok(Some((u64_of(&v, "idempotency")?, hash_of(&v, "idempotency")?))),
        }
    }

    /// The idempotency key event `seq` was recorded under, and the hash of its request.
    pub fn idempotency_at(&self, seq: u64) -> Result<Option<(String, Hash)>, StoreError> {
        let Some(v) = self.db.get(seq_key(b'x', seq))? else { return Ok(None) };
        let hash: [u8; 32] =
            v.get(..32).and_then(|b| b.try_into().ok()).ok_or(StoreError::Corrupt { what: "key of seq" })?;
        let key = std::str::from_utf8(&v[32..]).map_err(|_| StoreError::Corrupt { what: "key of seq" })?;
        Ok(Some((key.to_owned(), Hash(hash))))
    }

    /// Events with seq > `after`, in order, with their seq from the key.
    pub fn events_after(&self, after: u64) -> impl Iterator<Item = Result<(u64, IVec), StoreError>> {
        self.db.range(event_key(after.saturating_add(1))..event_key(u64::MAX)).map(|r| {
            let (k, v) = r?;
            Ok((u64_of(&k[1..], "event key")?, v))
        })
    }

    /// Adds one event and its indexes to `batch`.
    pub fn stage(batch: &mut sled::Batch, s: &Staged<'_>) {
        batch.insert(&event_key(s.seq), s.bytes);
        batch.insert(&id_key(&s.id), &s.seq.to_be_bytes());
        if let Some((key, body)) = s.idempotency {
            let mut v = [0u8; 40];
            v[..8].copy_from_slice(&s.seq.to_be_bytes());
            v[8..].copy_from_slice(&body.0);
            batch.insert(prefixed(b'k', key), &v[..]);
            let mut x = Vec::with_capacity(32 + key.len());
            x.extend_from_slice(&body.0);
            x.extend_from_slice(key.as_bytes());
            batch.insert(&seq_key(b'x', s.seq), x);
        }
    }

    /// Adds a stream's new version to `batch`. Written once per stream per batch, not per event:
    /// every key written costs flush time.
    pub fn stage_stream(batch: &mut sled::Batch, stream: &str, version: u64) {
        batch.insert(prefixed(b's', stream), &version.to_be_bytes());
    }

    /// Adds the new head to `batch` (once per batch).
    pub fn stage_head(batch: &mut sled::Batch, head: Head) {
        let mut v = [0u8; 40];
        v[..8].copy_from_slice(&head.seq.to_be_bytes());
        v[8..].copy_from_slice(&head.hash.0);
        batch.insert(&b"h"[..], &v[..]);
    }

    /// Applies `batch` atomically (in memory and sled's log buffer; not yet durable).
    pub fn apply(&self, batch: sled::Batch) -> Result<(), StoreError> {
        Ok(self.db.apply_batch(batch)?)
    }

    /// Waits until everything applied so far is on disk.
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.db.flush_async().await?;
        Ok(())
    }

    /// The last seq JetStream has acknowledged (the outbox's cursor; 0: none).
    pub fn outbox_cursor(&self) -> Result<u64, StoreError> {
        self.db.get(b"o")?.map_or(Ok(0), |v| u64_of(&v, "outbox cursor"))
    }

    /// Adds the outbox's cursor to `batch` (a restored tail is in the stream already).
    pub fn stage_outbox_cursor(batch: &mut sled::Batch, seq: u64) {
        batch.insert(&b"o"[..], &seq.to_be_bytes());
    }

    /// Moves the outbox's cursor. Not flushed by itself: a cursor lost in a crash only means
    /// re-sending events that JetStream then drops as duplicates.
    pub fn set_outbox_cursor(&self, seq: u64) -> Result<(), StoreError> {
        self.db.insert(b"o", &seq.to_be_bytes())?;
        Ok(())
    }

    /// Overwrites the stored bytes of event `seq`, bypassing every check. Only for tests that
    /// prove tampering is detected (feature `test-support`).
    #[cfg(feature = "test-support")]
    pub fn tamper(&self, seq: u64, bytes: &[u8]) -> Result<(), StoreError> {
        self.db.insert(event_key(seq), bytes)?;
        self.db.flush()?;
        Ok(())
    }
}
