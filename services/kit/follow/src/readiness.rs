//! Whether a follower is ready, and how far behind the stream its views are: the body of a
//! service's `/readyz`. Read from state only, no I/O, so it answers at once however NATS is doing.

use serde::Serialize;

use crate::progress::{Nats, Progress};

/// A follower that follows the stream: how far behind it the views are.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Readiness {
    #[schema(example = "ready")]
    pub status: &'static str,
    /// Every message the stream held when last read is applied (`lag` is 0). False while the lag
    /// is unknown.
    pub caught_up: bool,
    /// The views are being rebuilt and hold part of the history only.
    pub rebuilding: bool,
    /// Messages in the stream after `applied_through_seq`; null until the stream has been read
    /// and a consumer made (just after a start).
    pub lag: Option<u64>,
    /// The stream's last sequence, as last read.
    pub stream_last_seq: Option<u64>,
    /// Every message up to this stream sequence is applied to the views (or was a duplicate).
    pub applied_through_seq: Option<u64>,
    /// How long ago the stream was read (it is read every second, in the background).
    pub lag_checked_ms_ago: Option<u64>,
    /// Events written to the views by this process since it started, back-filled ones included,
    /// duplicates not: starts at 0 at every start, so it says nothing about catching up.
    pub applied: u64,
    /// The last error met while following the stream (each is retried).
    pub last_error: Option<String>,
}

/// Why a follower is not ready: NATS unreachable or not answering, or no consumer made yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotReady(pub String);

/// Ready (with the lag), or why not.
pub(crate) fn readiness(progress: &Progress, applied: u64) -> Result<Readiness, NotReady> {
    let last_error = progress.last_error();
    match progress.nats() {
        Nats::Up => {}
        Nats::NotYet => return Err(NotReady(last_error.unwrap_or_else(|| "connecting to NATS".into()))),
        Nats::Unreachable(state) => {
            return Err(NotReady(format!("NATS cannot be reached (the connection is {state}); reconnecting")))
        }
        Nats::NotAnswering(e) => return Err(NotReady(format!("cannot read the stream from NATS: {e}"))),
    }
    if !progress.connected() {
        return Err(NotReady(last_error.unwrap_or_else(|| "making the consumer".into())));
    }
    let lag = progress.lag();
    Ok(Readiness {
        status: "ready",
        caught_up: lag.is_some_and(|l| l.lag == 0),
        rebuilding: progress.rebuilding(),
        lag: lag.map(|l| l.lag),
        stream_last_seq: lag.map(|l| l.stream_last_seq),
        applied_through_seq: lag.map(|l| l.applied_through_seq),
        lag_checked_ms_ago: lag.map(|l| l.checked.as_millis() as u64),
        applied,
        last_error,
    })
}
