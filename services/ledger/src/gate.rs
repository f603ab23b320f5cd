//! Whether the ledger takes appends now, and if not, why: the ledger's health, kept apart from
//! its metrics (which only observe it).
//!
//! A ledger that publishes to NATS compares its log with the stream's copy before its first
//! append ([`crate::outbox::reconcile`]): the stream may hold a tail the log lost (sled's flush is
//! not power-loss safe, ADR 0001), and building on a log that lost its tail would give two
//! different events the same `(ledger, seq)`. Until then, while a lost tail is recovered, and for
//! good once the log and the stream are found to disagree (or the log is damaged), appends are
//! answered `503` saying why; reads go on.

use axum::http::StatusCode;
use tokio::sync::watch;

use crate::problem::Problem;

/// The ledger's state as to appends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Taking appends.
    Open,
    /// Comparing the log with the stream before the first append; what it waits for.
    Checking(String),
    /// Writing the tail the stream holds and the log lost: seqs `from..=to`.
    Recovering { from: u64, to: u64 },
    /// Stopped until an operator acts: what was found and what to do.
    Refused(String),
    /// A write failed (a full disk, an I/O error): sled keeps the error, so only a restart brings
    /// the writer back (ADR 0001); `/healthz` fails so that a supervisor restarts the ledger.
    Stopped(String),
}

/// What a client of a stopped writer should wait before retrying: about the time a supervisor
/// takes to notice the failing `/healthz` and restart the ledger.
pub const RESTART_RETRY_AFTER: u32 = 30;

impl Gate {
    /// Whether appends are taken.
    pub fn is_open(&self) -> bool {
        matches!(self, Gate::Open)
    }

    /// The answer to an append, or to `/readyz`, while closed.
    pub fn problem(&self) -> Option<Problem> {
        let unavailable = StatusCode::SERVICE_UNAVAILABLE;
        match self {
            Gate::Open => None,
            Gate::Checking(why) => Some(
                Problem::new(
                    unavailable,
                    "checking-log",
                    format!("the ledger compares its log with the stream before taking appends: {why}"),
                )
                .retry_after(2),
            ),
            Gate::Recovering { from, to } => Some(
                Problem::new(
                    unavailable,
                    "recovering-log",
                    format!("the ledger is recovering seqs {from}–{to}, which its disk lost, from the stream"),
                )
                .retry_after(2),
            ),
            // No Retry-After: retrying will not help until an operator has acted.
            Gate::Refused(why) => Some(Problem::new(unavailable, "log-refused", why.clone())),
            Gate::Stopped(why) => Some(stopped(why)),
        }
    }

    /// The answer to `/healthz`: only a stopped writer makes the process unhealthy (a restart
    /// helps); a ledger still checking, or refusing, is alive (a restart would not help).
    pub fn health(&self) -> Option<Problem> {
        let Gate::Stopped(why) = self else { return None };
        Some(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "writer-stopped",
            format!("a write failed and the ledger takes no appends until it is restarted: {why}"),
        ))
    }
}

/// The answer to an append once the writer has stopped.
pub fn stopped(why: &str) -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "writer-stopped",
        format!(
            "the ledger cannot write and takes no appends until it is restarted: {why}. Its /healthz fails so that a supervisor restarts it; retry with the \
             same Idempotency-Key once it is back: the retry returns this event if it was recorded, and records it if \
             not"
        ),
    )
    .retry_after(RESTART_RETRY_AFTER)
}

/// The sending side, held by whoever may open or close the gate.
#[derive(Debug, Clone)]
pub struct GateSender(std::sync::Arc<watch::Sender<Gate>>);

impl GateSender {
    /// A gate in state `initial`, and a receiver for readers.
    pub fn new(initial: Gate) -> (GateSender, watch::Receiver<Gate>) {
        let (tx, rx) = watch::channel(initial);
        (GateSender(std::sync::Arc::new(tx)), rx)
    }

    /// Moves the gate (a refusal or a stop is final: nothing moves it afterwards).
    pub fn set(&self, gate: Gate) {
        self.0.send_if_modified(|g| {
            if matches!(g, Gate::Refused(_) | Gate::Stopped(_)) || *g == gate {
                return false;
            }
            match &gate {
                Gate::Refused(why) | Gate::Stopped(why) => tracing::error!(why = %why, "the ledger refuses appends"),
                Gate::Open => tracing::info!("the ledger takes appends"),
                other => tracing::warn!(gate = ?other, "the ledger takes no appends for now"),
            }
            *g = gate;
            true
        });
    }

    /// The gate now.
    pub fn get(&self) -> Gate {
        self.0.borrow().clone()
    }

    /// A receiver for readers.
    pub fn subscribe(&self) -> watch::Receiver<Gate> {
        self.0.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_final_and_every_closed_state_says_why() {
        let (tx, rx) = GateSender::new(Gate::Checking("NATS at nats://x is not answering".into()));
        assert!(rx.borrow().problem().is_some());
        tx.set(Gate::Recovering { from: 5, to: 9 });
        assert_eq!(*rx.borrow(), Gate::Recovering { from: 5, to: 9 });
        tx.set(Gate::Open);
        assert!(rx.borrow().problem().is_none());
        tx.set(Gate::Refused("seq 4 differs".into()));
        tx.set(Gate::Open);
        assert_eq!(*rx.borrow(), Gate::Refused("seq 4 differs".into()));
        assert_eq!(rx.borrow().problem().unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}
