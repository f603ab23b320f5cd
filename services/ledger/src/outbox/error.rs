//! Why the outbox could not do something now: NATS, or the log on disk. Always retried; what
//! cannot be retried (the log and the stream disagree) is a [`super::reconcile::Found::Diverged`]
//! outcome, not an error.

use crate::store::StoreError;

/// A failure of the moment.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// NATS could not be asked, or answered with an error: what was asked, and what it said.
    #[error("{0}")]
    Nats(String),
    /// The log could not be read or written.
    #[error("the log: {0}")]
    Store(#[from] StoreError),
}

/// A NATS failure, described.
pub(crate) fn nats(what: impl std::fmt::Display) -> OutboxError {
    OutboxError::Nats(what.to_string())
}
