//! Why following the stream stopped for a moment (each is retried after a pause), why a gap
//! could not be back-filled yet, and why a rebuild could not start.

use crate::views::ViewError;

/// Any error an async-nats call returns.
pub type NatsError = Box<dyn std::error::Error + Send + Sync>;

/// Why following (or replaying) the stream stopped; the follower starts again after a pause.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error(transparent)]
    Connect(#[from] lofte_service::nats::NatsConnectError),
    /// A JetStream request failed: getting the stream, making a consumer, pulling, acking.
    #[error("{what}: {source}")]
    Nats { what: String, source: NatsError },
    #[error(transparent)]
    Views(#[from] ViewError),
    /// The server ended a consumer's message stream.
    #[error("the {0} message stream ended")]
    Ended(&'static str),
    /// The task writing a batch panicked or was cancelled.
    #[error("writing a batch stopped: {0}")]
    Writer(#[from] tokio::task::JoinError),
    /// An event read back from a ledger does not say where it belongs.
    #[error("an event back-filled from ledger {ledger} does not decode: {source}")]
    Backfilled { ledger: String, source: serde_json::Error },
}

impl FollowError {
    /// Wraps an async-nats error with what was being done.
    pub(crate) fn nats<E: std::error::Error + Send + Sync + 'static>(
        what: impl Into<String>,
    ) -> impl FnOnce(E) -> Self {
        let what = what.into();
        move |e| FollowError::Nats { what, source: Box::new(e) }
    }
}

/// Why a gap in the stream could not be filled from its ledger now; the message that revealed
/// it is delivered again later.
#[derive(Debug, thiserror::Error)]
pub enum BackfillError {
    #[error("no URL configured for ledger {0:?} (the `ledgers` setting)")]
    NoUrl(String),
    #[error("back-fill from {url}: {source}")]
    Ledger { url: String, source: lofte_ledger_client::ClientError },
    #[error("ledger {ledger} has no events after {after} yet")]
    NotYet { ledger: String, after: u64 },
    #[error("ledger {0} served an event without seq")]
    NoSeq(String),
}

/// Why a rebuild could not start.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RebuildError {
    /// The follower task has stopped (the service is shutting down).
    #[error("the consumer has stopped")]
    Stopped,
    /// The follower did not take the request in time: it is (re)connecting to NATS.
    #[error("the consumer did not answer; is NATS up?")]
    NoAnswer,
    /// Dropping the views or the durable consumer failed.
    #[error("rebuild failed: {0}")]
    Failed(String),
}
