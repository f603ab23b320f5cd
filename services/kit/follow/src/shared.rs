//! What the follower's tasks write and the service reads: counters ([`Metrics`]) and state
//! ([`Progress`]), kept apart, shared in one allocation.

use std::fmt::Display;

use crate::{metrics::Metrics, progress::Progress};

/// Counters and state of one follower.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub metrics: Metrics,
    pub progress: Progress,
}

impl Shared {
    /// An error met while following: logged, counted, and kept for `/readyz`; it is retried.
    pub fn error(&self, e: &dyn Display) {
        tracing::warn!(error = %e, "following the stream: will retry");
        self.metrics.errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.progress.failed(e);
    }
}
