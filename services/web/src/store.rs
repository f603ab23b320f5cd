//! What the web application keeps of its own, in sled under its data directory: sign-in links
//! and sessions, each stored under the SHA-256 of its secret (the secret itself is only in the
//! mail or the cookie), flushed before it is handed out so that sessions survive a restart.
//!
//! - a **link** is single-use: taking it removes it, whether or not it is still valid;
//! - a **session** ends after `idle` without a request, or when its person signs out; each holds
//!   the token its forms carry (CSRF).

use std::time::Duration;

use jiff::Timestamp;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the web application's store at {path}: {source}")]
    Open { path: String, source: sled::Error },
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("a stored entry does not decode: {0}")]
    Decode(#[from] serde_json::Error),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Link {
    person: Uuid,
    expires: Timestamp,
}

/// A signed-in person's session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub person: Uuid,
    /// What every form of this session carries.
    pub csrf: String,
    pub last_seen: Timestamp,
}

/// Links and sessions. Cloning is shallow.
#[derive(Debug, Clone)]
pub struct Store {
    db: sled::Db,
    links: sled::Tree,
    sessions: sled::Tree,
}

/// A new secret: 32 random bytes, hex.
pub fn secret() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

fn key(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

impl Store {
    /// Opens (or creates) the store; a process that just closed it may hold sled's lock for a
    /// moment longer (its flusher lets go on its next round): that is waited for, up to 5 s.
    pub fn open(dir: &std::path::Path) -> Result<Store, StoreError> {
        let until = std::time::Instant::now() + Duration::from_secs(5);
        let db = loop {
            match sled::Config::new().path(dir).open() {
                Err(sled::Error::Io(e))
                    if e.to_string().contains("could not acquire lock") && std::time::Instant::now() < until =>
                {
                    std::thread::sleep(Duration::from_millis(50));
                }
                opened => {
                    break opened.map_err(|source| StoreError::Open { path: dir.display().to_string(), source })?
                }
            }
        };
        Ok(Store { links: db.open_tree("links")?, sessions: db.open_tree("sessions")?, db })
    }

    /// A new sign-in link's secret for `person`, valid for `ttl`.
    pub async fn new_link(&self, person: Uuid, now: Timestamp, ttl: Duration) -> Result<String, StoreError> {
        let s = secret();
        let link = Link { person, expires: now + jiff::SignedDuration::try_from(ttl).unwrap_or_default() };
        self.links.insert(key(&s), serde_json::to_vec(&link)?)?;
        self.db.flush_async().await?;
        Ok(s)
    }

    /// Whether the link is there and valid, without taking it (the page that asks to confirm).
    pub fn link_valid(&self, secret: &str, now: Timestamp) -> Result<bool, StoreError> {
        let Some(v) = self.links.get(key(secret))? else { return Ok(false) };
        Ok(serde_json::from_slice::<Link>(&v)?.expires > now)
    }

    /// Takes the link: its person if it was there and valid. It is gone afterwards either way.
    pub async fn take_link(&self, secret: &str, now: Timestamp) -> Result<Option<Uuid>, StoreError> {
        let Some(v) = self.links.remove(key(secret))? else { return Ok(None) };
        self.db.flush_async().await?;
        let link: Link = serde_json::from_slice(&v)?;
        Ok((link.expires > now).then_some(link.person))
    }

    /// A new session for `person`: its secret (the cookie) and what it holds.
    pub async fn new_session(&self, person: Uuid, now: Timestamp) -> Result<(String, Session), StoreError> {
        let s = secret();
        let session = Session { person, csrf: secret(), last_seen: now };
        self.sessions.insert(key(&s), serde_json::to_vec(&session)?)?;
        self.db.flush_async().await?;
        Ok((s, session))
    }

    /// The session whose cookie is `secret`, if it has not been idle for `idle`; seen now.
    pub fn session(&self, secret: &str, now: Timestamp, idle: Duration) -> Result<Option<Session>, StoreError> {
        let k = key(secret);
        let Some(v) = self.sessions.get(k)? else { return Ok(None) };
        let mut s: Session = serde_json::from_slice(&v)?;
        if now.duration_since(s.last_seen) > jiff::SignedDuration::try_from(idle).unwrap_or_default() {
            self.sessions.remove(k)?;
            return Ok(None);
        }
        // Seen again: written without waiting for the disk (losing it costs a minute of idleness).
        if now.duration_since(s.last_seen) > jiff::SignedDuration::from_secs(60) {
            s.last_seen = now;
            self.sessions.insert(k, serde_json::to_vec(&s)?)?;
        }
        Ok(Some(s))
    }

    /// Ends the session (signing out).
    pub async fn end_session(&self, secret: &str) -> Result<(), StoreError> {
        self.sessions.remove(key(secret))?;
        self.db.flush_async().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[tokio::test]
    async fn links_are_single_use_and_expire_and_sessions_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let now: Timestamp = "2026-11-29T09:00:00Z".parse().unwrap();
        let person = Uuid::from_u128(7);
        let minutes = |m: u64| Duration::from_secs(60 * m);
        let store = Store::open(dir.path()).unwrap();
        let link = store.new_link(person, now, minutes(15)).await.unwrap();
        assert!(store.link_valid(&link, now).unwrap());
        assert_eq!(store.take_link(&link, now).await.unwrap(), Some(person));
        assert_eq!(store.take_link(&link, now).await.unwrap(), None, "single use");
        let late = store.new_link(person, now, minutes(15)).await.unwrap();
        assert_eq!(store.take_link(&late, now + jiff::SignedDuration::from_mins(16)).await.unwrap(), None);
        // Only hashes are stored.
        let (cookie, session) = store.new_session(person, now).await.unwrap();
        assert!(store.sessions.iter().keys().all(|k| k.unwrap().as_ref() != cookie.as_bytes()));
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.session(&cookie, now, minutes(60)).unwrap(), Some(session));
        assert_eq!(store.session(&cookie, now + jiff::SignedDuration::from_mins(61), minutes(60)).unwrap(), None);
        let (cookie, _) = store.new_session(person, now).await.unwrap();
        store.end_session(&cookie).await.unwrap();
        assert_eq!(store.session(&cookie, now, minutes(60)).unwrap(), None);
    }
}
