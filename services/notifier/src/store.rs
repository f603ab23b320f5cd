//! What the notifier keeps of its own, in sled: the mails it sent (and whether each is recorded in
//! the ledger yet), how often a mail failed, and the notes about failures it still owes the
//! plans' coordinators. Keys and values are JSON of the types below, one sled tree each.
//!
//! A send is kept — and flushed — before it is recorded, so a ledger that is away never causes a
//! resend, and what is not recorded yet is recorded on a later tick (ADR 0007,
//! `docs/adr/0007-notifier-at-most-once.md`).

use std::{collections::BTreeSet, path::Path};

use lofte_proto::ids::ActivityId;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::key::SentKey;

/// Why the notifier's state could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the notifier's state in {path}: {source}")]
    Open { path: String, source: sled::Error },
    #[error("the notifier's state: {0}")]
    Sled(#[from] sled::Error),
    #[error("the notifier's state holds an entry in {tree} it cannot read: {source}")]
    Encoding { tree: &'static str, source: serde_json::Error },
}

/// A mail that went out, for one of the keys it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub message_id: String,
    /// The activities it listed for the key's plan and tertial.
    pub activities: Vec<ActivityId>,
    /// Whether `reminder_sent` is in the ledger.
    pub recorded: bool,
}

/// A note owed to a coordinator: the mail for `about` failed `max_attempts` times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub about: SentKey,
    /// The coordinator it goes to, a person of the directory (the address is looked up when it
    /// is sent).
    pub to: uuid::Uuid,
}

/// The notifier's own state. Cloning is shallow (sled trees are handles).
#[derive(Debug, Clone)]
pub struct Store {
    sent: sled::Tree,
    attempts: sled::Tree,
    notes: sled::Tree,
}

impl Store {
    /// Opens (or creates) the state in `dir`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let db = lofte_follow::views::open_waiting(&sled::Config::new().path(dir))
            .map_err(|source| StoreError::Open { path: dir.display().to_string(), source })?;
        Ok(Store { sent: db.open_tree("sends")?, attempts: db.open_tree("attempts")?, notes: db.open_tree("notes")? })
    }

    /// Every key sent, recorded or not.
    pub fn sent_keys(&self) -> Result<BTreeSet<SentKey>, StoreError> {
        Ok(entries::<SentKey, Sent>(&self.sent, "sends")?.into_iter().map(|(k, _)| k).collect())
    }

    /// The sends not yet recorded in the ledger.
    pub fn unrecorded(&self) -> Result<Vec<(SentKey, Sent)>, StoreError> {
        Ok(entries::<SentKey, Sent>(&self.sent, "sends")?.into_iter().filter(|(_, s)| !s.recorded).collect())
    }

    /// Keeps `sent` for `key`; durable once [`Store::flush`] returns.
    pub fn keep(&self, key: &SentKey, sent: &Sent) -> Result<(), StoreError> {
        put(&self.sent, "sends", key, sent)
    }

    /// Waits until everything kept is on disk.
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.sent.flush_async().await?;
        Ok(())
    }

    /// Counts one more failed attempt for `key` and returns how many there were.
    pub fn count_attempt(&self, key: &SentKey) -> Result<u32, StoreError> {
        let k = encode("attempts", key)?;
        let before: u32 = match self.attempts.get(&k)? {
            Some(v) => decode("attempts", &v)?,
            None => 0,
        };
        let n = before + 1;
        self.attempts.insert(k, encode("attempts", &n)?)?;
        Ok(n)
    }

    /// Owes `note` to its coordinator, with the last error.
    pub fn owe_note(&self, note: &Note, error: &str) -> Result<(), StoreError> {
        put(&self.notes, "notes", note, &error)
    }

    /// The notes owed, each with the last error.
    pub fn notes(&self) -> Result<Vec<(Note, String)>, StoreError> {
        entries(&self.notes, "notes")
    }

    /// Forgets `note`: it was sent.
    pub fn note_sent(&self, note: &Note) -> Result<(), StoreError> {
        self.notes.remove(encode("notes", note)?)?;
        Ok(())
    }
}

fn encode(tree: &'static str, v: &impl Serialize) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(v).map_err(|source| StoreError::Encoding { tree, source })
}

fn decode<T: DeserializeOwned>(tree: &'static str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Encoding { tree, source })
}

fn put(t: &sled::Tree, tree: &'static str, k: &impl Serialize, v: &impl Serialize) -> Result<(), StoreError> {
    t.insert(encode(tree, k)?, encode(tree, v)?)?;
    Ok(())
}

fn entries<K: DeserializeOwned, V: DeserializeOwned>(
    t: &sled::Tree,
    tree: &'static str,
) -> Result<Vec<(K, V)>, StoreError> {
    t.iter()
        .map(|item| {
            let (k, v) = item?;
            Ok((decode(tree, &k)?, decode(tree, &v)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(person: u128) -> SentKey {
        SentKey {
            plan: "jonkoping-2022".parse().unwrap(),
            tertial: "2022-T1".parse().unwrap(),
            occasion: "due-14".into(),
            person: uuid::Uuid::from_u128(person),
        }
    }

    #[tokio::test]
    async fn keeps_sends_attempts_and_notes_across_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (key(1), key(2));
        let sent =
            Sent { message_id: "<due-14.x@lofte>".into(), activities: vec!["est".parse().unwrap()], recorded: false };
        let note = Note { about: b.clone(), to: uuid::Uuid::from_u128(3) };
        {
            let store = Store::open(dir.path()).unwrap();
            store.keep(&a, &sent).unwrap();
            store.keep(&b, &Sent { recorded: true, ..sent.clone() }).unwrap();
            assert_eq!((store.count_attempt(&b).unwrap(), store.count_attempt(&b).unwrap()), (1, 2));
            store.owe_note(&note, "SMTP: connection refused").unwrap();
            store.flush().await.unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.sent_keys().unwrap(), BTreeSet::from([a.clone(), b.clone()]));
        assert_eq!(store.unrecorded().unwrap(), vec![(a, sent)]);
        assert_eq!(store.count_attempt(&b).unwrap(), 3);
        assert_eq!(store.notes().unwrap(), vec![(note.clone(), "SMTP: connection refused".to_owned())]);
        store.note_sent(&note).unwrap();
        assert!(store.notes().unwrap().is_empty());
    }
}
