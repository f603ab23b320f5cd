//! Where a follower stands: how far its views are behind the stream, whether NATS can be
//! reached, whether a consumer is delivering, whether a rebuild is under way — what `/readyz`
//! reports (ADR 0015) and what a service may wait for. State, apart from the counters in
//! [`crate::metrics`].
//!
//! - **Applied through**: the stream sequence up to which every message has been applied to the
//!   views and flushed (or skipped as a duplicate): the position the projector goes on from. Set
//!   when a consumer is made — the durable one from its ack floor (with `AckPolicy::All`, ADR
//!   0012, everything up to it is applied; a rewind to a gap's message makes it that message's
//!   sequence less one), the rebuild's ordered one (ADR 0013) at the stream's start — and moved
//!   after every batch is on disk.
//! - **The stream's last sequence**: read from NATS in the background ([`refresh`], every
//!   second, each read bounded by a timeout), never while a request waits.
//! - **Lag** = last − applied through, in stream sequences; **caught up** when it is 0. Both are
//!   unknown until the stream has been read once and a consumer has been made.
//!
//! Whether NATS is reachable is the client's own connection state, which changes as soon as the
//! connection drops (a refused or reset socket), not after missed heartbeats.
//!
//! **Rebuilding**: from the moment a rebuild drops the views until every message the stream held
//! when the replay began is applied again — also when the replay stopped half-way and the durable
//! consumer delivers the rest. Meanwhile the views hold part of the history only.

use std::{
    fmt::Display,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering::Relaxed},
        Mutex, OnceLock,
    },
    time::{Duration, Instant},
};

use async_nats::connection::State;
use tokio_util::sync::CancellationToken;

/// How often the stream's last sequence is read.
pub const REFRESH_EVERY: Duration = Duration::from_secs(1);
/// How long one read of it may take before NATS counts as not answering.
pub const REFRESH_TIMEOUT: Duration = Duration::from_secs(2);

/// `applied_through` before any consumer has been made; `rebuild_until` while a rebuild has not
/// read the stream's end yet.
const UNKNOWN: u64 = u64::MAX;
/// `rebuild_until` when no rebuild is under way.
const NOT_REBUILDING: u64 = 0;

/// The shared state: written by the consumer and the refresher, read by `/readyz` and `/metrics`.
#[derive(Debug)]
pub struct Progress {
    client: OnceLock<async_nats::Client>,
    applied_through: AtomicU64,
    stream: Mutex<Read>,
    /// A consumer is made and delivering (false after an error, until the next one is).
    connected: AtomicBool,
    last_error: Mutex<Option<String>>,
    /// While rebuilding: the stream sequence after the last the replay must apply (or `UNKNOWN`).
    rebuild_until: AtomicU64,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            client: OnceLock::new(),
            applied_through: AtomicU64::new(UNKNOWN),
            stream: Mutex::default(),
            connected: AtomicBool::new(false),
            last_error: Mutex::new(None),
            rebuild_until: AtomicU64::new(NOT_REBUILDING),
        }
    }
}

/// The last read of the stream.
#[derive(Debug, Default)]
struct Read {
    /// Its last sequence, and when it was read.
    last: Option<(u64, Instant)>,
    /// Why the last attempt failed, if it did.
    error: Option<String>,
}

/// Where NATS stands, as `/readyz` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nats {
    /// No connection has been made yet.
    NotYet,
    /// Connected, and the stream answered the last time it was asked (or has not been asked yet).
    Up,
    /// The client has lost the connection (it reconnects by itself).
    Unreachable(String),
    /// Connected, but the last read of the stream failed or timed out (NATS does not answer, or
    /// the stream is not there).
    NotAnswering(String),
}

/// How far behind the stream the views are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lag {
    /// The stream's last sequence (as last read, or as far as the views are, if further).
    pub stream_last_seq: u64,
    /// Every message up to this stream sequence is applied.
    pub applied_through_seq: u64,
    /// Messages in the stream after `applied_through_seq`.
    pub lag: u64,
    /// How long ago the stream was read.
    pub checked: Duration,
}

impl Progress {
    /// The client the consumer follows the stream with; set once, when it first connects.
    pub(crate) fn connected_with(&self, client: &async_nats::Client) {
        let _ = self.client.set(client.clone());
    }

    /// A consumer was made: every message up to `seq` is applied.
    pub(crate) fn restart_at(&self, seq: u64) {
        self.applied_through.store(seq, Relaxed);
    }

    /// A batch is on disk: every message up to `seq` is applied.
    pub(crate) fn applied(&self, seq: u64) {
        self.applied_through.store(seq, Relaxed);
        let until = self.rebuild_until.load(Relaxed);
        if until != UNKNOWN && seq >= until {
            let _ = self.rebuild_until.compare_exchange(until, NOT_REBUILDING, Relaxed, Relaxed);
        }
    }

    /// A rebuild is dropping the views.
    pub(crate) fn rebuild_started(&self) {
        self.rebuild_until.store(UNKNOWN, Relaxed);
    }

    /// The rebuild's replay goes up to stream sequence `last`, as the stream held when it began.
    pub(crate) fn rebuild_upto(&self, last: u64) {
        self.rebuild_until.store(if last == 0 { NOT_REBUILDING } else { last }, Relaxed);
    }

    /// Whether the views are being rebuilt (and hold part of the history only).
    pub fn rebuilding(&self) -> bool {
        self.rebuild_until.load(Relaxed) != NOT_REBUILDING
    }

    /// Whether a consumer is made and delivering.
    pub fn connected(&self) -> bool {
        self.connected.load(Relaxed)
    }

    pub(crate) fn set_connected(&self, c: bool) {
        self.connected.store(c, Relaxed);
    }

    /// An error met while following: not delivering until the next consumer is made.
    pub(crate) fn failed(&self, e: &dyn Display) {
        self.connected.store(false, Relaxed);
        if let Ok(mut l) = self.last_error.lock() {
            *l = Some(e.to_string());
        }
    }

    /// The last error met while following the stream (each is retried).
    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|e| e.clone())
    }

    /// The stream sequence up to which every message is applied, once a consumer was made.
    pub fn applied_through(&self) -> Option<u64> {
        Some(self.applied_through.load(Relaxed)).filter(|s| *s != UNKNOWN)
    }

    fn stream_read(&self, last: u64) {
        if let Ok(mut r) = self.stream.lock() {
            *r = Read { last: Some((last, Instant::now())), error: None };
        }
    }

    fn stream_failed(&self, e: String) {
        if let Ok(mut r) = self.stream.lock() {
            r.error = Some(e);
        }
    }

    /// Where NATS stands now: no I/O, so `/readyz` answers at once however NATS is doing.
    pub fn nats(&self) -> Nats {
        let Some(client) = self.client.get() else { return Nats::NotYet };
        match client.connection_state() {
            State::Connected => {}
            other => return Nats::Unreachable(other.to_string()),
        }
        match self.stream.lock().ok().and_then(|r| r.error.clone()) {
            Some(e) => Nats::NotAnswering(e),
            None => Nats::Up,
        }
    }

    /// The lag, once both the stream's last sequence and the position applied through are known.
    pub fn lag(&self) -> Option<Lag> {
        let (last, at) = self.stream.lock().ok()?.last?;
        let applied = self.applied_through()?;
        // The stream holds at least what has been applied from it, even if read before that.
        let last = last.max(applied);
        Some(Lag { stream_last_seq: last, applied_through_seq: applied, lag: last - applied, checked: at.elapsed() })
    }

    /// Whether the stream has been read at all.
    pub(crate) fn stream_known(&self) -> bool {
        self.stream.lock().is_ok_and(|r| r.last.is_some())
    }
}

/// Reads `stream`'s last sequence every [`REFRESH_EVERY`] into `progress`, each read bounded by
/// [`REFRESH_TIMEOUT`], until `cancel`.
pub(crate) async fn refresh(progress: &Progress, stream: String, cancel: CancellationToken) {
    let mut every = tokio::time::interval(REFRESH_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = every.tick() => {}
        }
        // Not connected yet, or disconnected: `nats()` says so without asking.
        let Some(client) = progress.client.get().filter(|c| c.connection_state() == State::Connected) else {
            continue;
        };
        let js = async_nats::jetstream::new(client.clone());
        let read = tokio::select! {
            () = cancel.cancelled() => return,
            r = tokio::time::timeout(REFRESH_TIMEOUT, js.get_stream(&stream)) => r,
        };
        match read {
            Ok(Ok(s)) => progress.stream_read(s.cached_info().state.last_sequence),
            Ok(Err(e)) => progress.stream_failed(format!("stream {stream}: {e}")),
            Err(_) => progress.stream_failed(format!("stream {stream}: no answer within {REFRESH_TIMEOUT:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lag_is_unknown_until_both_ends_are_known_and_never_negative() {
        let p = Progress::default();
        assert_eq!(p.nats(), Nats::NotYet);
        assert!(p.lag().is_none());
        p.stream_read(49);
        assert!(p.lag().is_none(), "no consumer made yet: the position is unknown");
        p.restart_at(19);
        let lag = p.lag().unwrap();
        assert_eq!((lag.stream_last_seq, lag.applied_through_seq, lag.lag), (49, 19, 30));
        // Applied beyond what the stream held when read: the stream holds at least that much.
        p.applied(52);
        let lag = p.lag().unwrap();
        assert_eq!((lag.stream_last_seq, lag.applied_through_seq, lag.lag), (52, 52, 0));
        // A rewind moves the position back; the lag is against the stream as last read.
        p.restart_at(10);
        assert_eq!(p.lag().unwrap().lag, 39);
        p.stream_read(52);
        assert_eq!(p.lag().unwrap().lag, 42);
    }

    #[test]
    fn a_rebuild_lasts_until_the_stream_as_it_was_is_applied_again() {
        let p = Progress::default();
        assert!(!p.rebuilding());
        p.rebuild_started();
        p.restart_at(0);
        p.applied(7);
        assert!(p.rebuilding(), "the replay's end is not known yet");
        p.rebuild_upto(20);
        p.applied(19);
        assert!(p.rebuilding());
        // Also when the durable consumer, not the replay, applies the last of it.
        p.applied(20);
        assert!(!p.rebuilding());
        // An empty stream: nothing to replay.
        p.rebuild_started();
        p.rebuild_upto(0);
        assert!(!p.rebuilding());
    }
}
