//! A follower's counters for `/metrics`: they only observe. Where the follower stands (position,
//! NATS, errors, rebuilding) is state, in [`crate::progress`]; both are rendered here, under the
//! service's prefix (`lofte_projector`, `lofte_notifier`).

use std::{
    fmt::Write,
    sync::atomic::{AtomicU64, Ordering::Relaxed},
};

use crate::progress::{Nats, Progress};

/// Counters, from 0 at every start.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Events written to the views by this process since it started (back-filled ones included,
    /// duplicates not): a counter, not a position in the stream — that is `Progress`.
    pub applied: AtomicU64,
    pub duplicates: AtomicU64,
    pub backfilled: AtomicU64,
    pub errors: AtomicU64,
    pub batches: AtomicU64,
    pub apply_micros: AtomicU64,
    pub ack_micros: AtomicU64,
}

impl Metrics {
    /// The Prometheus text exposition, every name starting with `prefix`.
    pub fn render(&self, prefix: &str, progress: &Progress) -> String {
        let mut s = String::new();
        let mut m = |name: &str, kind: &str, help: &str, v: u64| {
            let _ = writeln!(s, "# HELP {prefix}_{name} {help}\n# TYPE {prefix}_{name} {kind}\n{prefix}_{name} {v}");
        };
        let counters = [
            ("applied_total", "Events applied to the views.", &self.applied),
            ("batches_total", "Batches applied (one sled flush each).", &self.batches),
            ("apply_microseconds_total", "Time spent writing and flushing batches.", &self.apply_micros),
            ("ack_microseconds_total", "Time spent acknowledging messages.", &self.ack_micros),
            ("duplicates_total", "Messages already applied (redelivered or duplicated), ignored.", &self.duplicates),
            ("backfilled_total", "Events fetched from a ledger to fill a gap.", &self.backfilled),
            ("errors_total", "Errors met while following the stream (each retried).", &self.errors),
        ];
        for (name, help, v) in counters {
            m(name, "counter", help, v.load(Relaxed));
        }
        m("connected", "gauge", "1 while following the stream.", u64::from(progress.connected()));
        m("rebuilding", "gauge", "1 while the views are being rebuilt.", u64::from(progress.rebuilding()));
        // The lag against the stream, once the stream has been read.
        if progress.stream_known() {
            let lag = progress.lag();
            let up = progress.nats() == Nats::Up;
            m("nats_up", "gauge", "1 while connected to NATS and the stream answers.", u64::from(up));
            m(
                "caught_up",
                "gauge",
                "1 while NATS is up and every message in the stream (as last read) is applied.",
                u64::from(up && lag.is_some_and(|l| l.lag == 0)),
            );
            if let Some(l) = lag {
                m("stream_lag", "gauge", "Messages in the stream after the last one applied.", l.lag);
                m("stream_last_sequence", "gauge", "The stream's last sequence, as last read.", l.stream_last_seq);
                m(
                    "applied_through_sequence",
                    "gauge",
                    "The stream sequence up to which every message is applied to the views.",
                    l.applied_through_seq,
                );
            }
        }
        s
    }
}
