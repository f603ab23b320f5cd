//! The projector's counters for `/metrics` and `/readyz`, and its progress along the stream
//! ([`Progress`]).

use std::{
    fmt::Write,
    sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed},
    sync::Mutex,
};

use crate::progress::Progress;

/// Counters and state.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Events written to the views by this process since it started (back-filled ones included,
    /// duplicates not): a counter that starts at 0 at every start, not a position in the stream —
    /// that is `progress`.
    pub applied: AtomicU64,
    pub duplicates: AtomicU64,
    pub backfilled: AtomicU64,
    pub errors: AtomicU64,
    pub batches: AtomicU64,
    pub apply_micros: AtomicU64,
    pub ack_micros: AtomicU64,
    /// Following the stream: a consumer is made and delivering (false after an error, until the
    /// next one is).
    pub connected: AtomicBool,
    pub last_error: Mutex<Option<String>>,
    /// How far the views are behind the stream, and whether NATS can be reached.
    pub progress: Progress,
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
        self.render_progress(&mut s);
        s
    }

    /// The lag against the stream, once the stream has been read (see `progress`).
    fn render_progress(&self, s: &mut String) {
        let p = &self.progress;
        if !p.stream_known() {
            return;
        }
        let mut m = |name: &str, help: &str, v: u64| {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        };
        let lag = p.lag();
        let up = p.nats() == crate::progress::Nats::Up;
        m("lofte_projector_nats_up", "1 while connected to NATS and the stream answers.", u64::from(up));
        m(
            "lofte_projector_caught_up",
            "1 while NATS is up and every message in the stream (as last read) is applied.",
            u64::from(up && lag.is_some_and(|l| l.lag == 0)),
        );
        if let Some(l) = lag {
            m("lofte_projector_stream_lag", "Messages in the stream after the last one applied.", l.lag);
            m("lofte_projector_stream_last_sequence", "The stream's last sequence, as last read.", l.stream_last_seq);
            m(
                "lofte_projector_applied_through_sequence",
                "The stream sequence up to which every message is applied to the views.",
                l.applied_through_seq,
            );
        }
    }
}
