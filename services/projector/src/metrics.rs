//! The projector's counters for `/metrics` and `/readyz`.

use std::{
    fmt::Write,
    sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed},
    sync::Mutex,
};

/// Counters and state.
#[derive(Debug, Default)]
pub struct Metrics {
    pub applied: AtomicU64,
    pub duplicates: AtomicU64,
    pub backfilled: AtomicU64,
    pub errors: AtomicU64,
    pub batches: AtomicU64,
    pub apply_micros: AtomicU64,
    pub ack_micros: AtomicU64,
    /// Bumped whenever the views change (so cached summaries can be dropped).
    pub generation: AtomicU64,
    pub connected: AtomicBool,
    pub last_error: Mutex<Option<String>>,
}

impl Metrics {
    pub(crate) fn error(&self, e: String) {
        tracing::warn!(error = %e, "projector: will retry");
        self.errors.fetch_add(1, Relaxed);
        self.connected.store(false, Relaxed);
        if let Ok(mut l) = self.last_error.lock() {
            *l = Some(e);
        }
    }

    pub(crate) fn connected(&self, c: bool) {
        self.connected.store(c, Relaxed);
    }

    pub(crate) fn changed(&self) {
        self.generation.fetch_add(1, Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let mut m = |name: &str, kind: &str, help: &str, v: u64| {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}");
        };
        m("lofte_projector_applied_total", "counter", "Events applied to the views.", self.applied.load(Relaxed));
        m(
            "lofte_projector_batches_total",
            "counter",
            "Batches applied (one sled flush each).",
            self.batches.load(Relaxed),
        );
        m(
            "lofte_projector_apply_microseconds_total",
            "counter",
            "Time spent writing and flushing batches.",
            self.apply_micros.load(Relaxed),
        );
        m(
            "lofte_projector_ack_microseconds_total",
            "counter",
            "Time spent acknowledging messages.",
            self.ack_micros.load(Relaxed),
        );
        m(
            "lofte_projector_duplicates_total",
            "counter",
            "Messages already applied (redelivered or duplicated), ignored.",
            self.duplicates.load(Relaxed),
        );
        m(
            "lofte_projector_backfilled_total",
            "counter",
            "Events fetched from a ledger to fill a gap.",
            self.backfilled.load(Relaxed),
        );
        m(
            "lofte_projector_errors_total",
            "counter",
            "Errors met while following the stream (each retried).",
            self.errors.load(Relaxed),
        );
        m(
            "lofte_projector_connected",
            "gauge",
            "1 while following the stream.",
            u64::from(self.connected.load(Relaxed)),
        );
        s
    }
}
