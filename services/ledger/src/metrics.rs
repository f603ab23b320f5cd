//! Counters for `/metrics`, in Prometheus text format. Plain atomics: the hot path pays a few
//! relaxed increments, nothing more.

use std::{
    fmt::Write,
    sync::atomic::{AtomicU64, Ordering::Relaxed},
    time::Duration,
};

use crate::gate::Gate;

/// The ledger's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    pub appended: AtomicU64,
    pub replayed: AtomicU64,
    pub rejected: AtomicU64,
    pub conflicts: AtomicU64,
    pub unavailable: AtomicU64,
    pub too_large: AtomicU64,
    pub bad_requests: AtomicU64,
    pub batches: AtomicU64,
    pub flush_micros: AtomicU64,
    pub stage_nanos: AtomicU64,
    pub max_batch_seen: AtomicU64,
    pub head_seq: AtomicU64,
    /// The last seq JetStream acknowledged.
    pub published_seq: AtomicU64,
    pub publish_errors: AtomicU64,
    /// Events recovered from the stream after the log lost them.
    pub recovered: AtomicU64,
    /// 1 once the log and the stream were found to disagree (appends and publishing stopped).
    pub diverged: AtomicU64,
}

impl Metrics {
    pub(crate) fn replayed(&self) {
        self.replayed.fetch_add(1, Relaxed);
    }

    pub(crate) fn committed(&self, events: u64, head: u64, took: Duration) {
        self.appended.fetch_add(events, Relaxed);
        self.batches.fetch_add(1, Relaxed);
        self.flush_micros.fetch_add(took.as_micros() as u64, Relaxed);
        self.max_batch_seen.fetch_max(events, Relaxed);
        self.head_seq.store(head, Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self, chain_ok: bool, gate: &Gate) -> String {
        let mut s = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, v: f64| {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}");
        };
        let g = |a: &AtomicU64| a.load(Relaxed) as f64;
        metric("lofte_ledger_appends_total", "counter", "Events written and flushed.", g(&self.appended));
        metric(
            "lofte_ledger_idempotent_replays_total",
            "counter",
            "Appends answered with an earlier event (same Idempotency-Key and body).",
            g(&self.replayed),
        );
        metric("lofte_ledger_rejections_total", "counter", "Appends refused as invalid (422).", g(&self.rejected));
        metric(
            "lofte_ledger_conflicts_total",
            "counter",
            "Appends refused for a reused key or a stream version mismatch (409).",
            g(&self.conflicts),
        );
        metric(
            "lofte_ledger_unavailable_total",
            "counter",
            "Appends refused because the writer could not write (503).",
            g(&self.unavailable),
        );
        metric("lofte_ledger_too_large_total", "counter", "Requests refused for their size (413).", g(&self.too_large));
        metric(
            "lofte_ledger_bad_requests_total",
            "counter",
            "Requests refused as malformed (400).",
            g(&self.bad_requests),
        );
        metric(
            "lofte_ledger_group_commits_total",
            "counter",
            "Group commits (one sled batch and one flush each).",
            g(&self.batches),
        );
        metric(
            "lofte_ledger_group_commit_seconds_total",
            "counter",
            "Time spent writing and flushing group commits.",
            g(&self.flush_micros) / 1e6,
        );
        metric(
            "lofte_ledger_stage_seconds_total",
            "counter",
            "Time the writer spent deciding and staging appends.",
            g(&self.stage_nanos) / 1e9,
        );
        metric(
            "lofte_ledger_group_commit_max_events",
            "gauge",
            "The largest group commit so far, in events.",
            g(&self.max_batch_seen),
        );
        metric(
            "lofte_ledger_head_seq",
            "gauge",
            "Sequence number of the last event on disk (flushed).",
            g(&self.head_seq),
        );
        metric(
            "lofte_ledger_writer_failed",
            "gauge",
            "1 if a write failed and the ledger takes no appends until it is restarted (/healthz fails).",
            if matches!(gate, Gate::Stopped(_)) { 1.0 } else { 0.0 },
        );
        metric("lofte_ledger_published_seq", "gauge", "The last seq JetStream acknowledged.", g(&self.published_seq));
        metric(
            "lofte_ledger_outbox_lag",
            "gauge",
            "Events on disk but not yet acknowledged by JetStream.",
            g(&self.head_seq) - g(&self.published_seq).min(g(&self.head_seq)),
        );
        metric(
            "lofte_ledger_publish_errors_total",
            "counter",
            "NATS errors met by the outbox (each retried).",
            g(&self.publish_errors),
        );
        metric(
            "lofte_ledger_chain_ok",
            "gauge",
            "1 if the chain verified when the ledger started.",
            if chain_ok { 1.0 } else { 0.0 },
        );
        metric(
            "lofte_ledger_accepting_appends",
            "gauge",
            "1 if the ledger takes appends; 0 while it compares its log with the stream, recovers a lost tail, or \
             refuses (see /readyz).",
            if gate.is_open() { 1.0 } else { 0.0 },
        );
        metric(
            "lofte_ledger_recovered_events_total",
            "counter",
            "Events the log had lost and recovered from the stream.",
            g(&self.recovered),
        );
        metric(
            "lofte_ledger_log_diverged",
            "gauge",
            "1 if the log and the stream hold different events under one seq (appends and publishing stopped).",
            g(&self.diverged),
        );
        s
    }
}
