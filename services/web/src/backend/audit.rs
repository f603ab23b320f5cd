//! What the auditors' pages ask of the other services: the log (its index brought forward when
//! read, ADR 0020; one event; the ledger's chain check; the stored bytes for an export) and the
//! projector's report and provenance, now or as of a moment.

use jiff::Timestamp;
use lofte_ledger_client::{ClientError, RawPage, Verified};
use lofte_proto::{envelope::Envelope, report::RenderedCell, upcast::Upcasters};
use serde_json::Value;
use tokio::sync::MutexGuard;

use super::{Backend, BackendError};
use crate::history::History;

/// Events asked of the ledger at a time (its default `max_page`).
const PAGE: usize = 1000;

/// A plan's report as the projector renders it: the summary and its cells.
#[derive(Debug, Clone)]
pub struct Report {
    pub summary: Value,
    pub cells: Vec<RenderedCell>,
}

impl Backend {
    /// The index of the whole log, brought forward with what the ledger holds after its last seq.
    /// Requests take turns; the guard is held while a page is made from it.
    pub async fn history(&self) -> Result<MutexGuard<'_, History>, BackendError> {
        let mut h = self.history.lock().await;
        let up = Upcasters::standard();
        loop {
            let page = self.ledger.page_raw(h.last_seq, PAGE).await?;
            if page.head_seq < h.last_seq {
                // Another log than the one indexed (a ledger started afresh): index it anew.
                *h = History::default();
                continue;
            }
            let n = page.events.len();
            for raw in &page.events {
                match Envelope::decode(raw.get().as_bytes(), &up) {
                    Ok(e) => h.add(&e),
                    Err(e) => tracing::warn!(error = %e, "an event of the log does not decode; not in the history"),
                }
            }
            h.last_seq = h.last_seq.max(page.next_after);
            if n < PAGE || page.next_after >= page.head_seq {
                return Ok(h);
            }
        }
    }

    /// A page of the log as stored (for the export).
    pub async fn log_page(&self, after: u64) -> Result<RawPage, ClientError> {
        self.ledger.page_raw(after, PAGE).await
    }

    /// The ledger's check of its chain.
    pub async fn verify(&self) -> Result<Verified, BackendError> {
        Ok(self.ledger.verify().await?)
    }

    /// A plan's report now, or as known at `as_of`.
    pub async fn report(&self, plan: &str, as_of: Option<Timestamp>) -> Result<Report, BackendError> {
        let v = self.get(&format!("/v1/plans/{plan}/report?format=json{}", at(as_of))).await?;
        let cells = serde_json::from_value(v["cells"].clone()).map_err(|e| BackendError::Projector {
            url: format!("{}/v1/plans/{plan}/report", self.projector),
            why: format!("cells: {e}"),
        })?;
        Ok(Report { summary: v["summary"].clone(), cells })
    }

    /// The events behind an activity's figures, now or as known at `as_of`.
    pub async fn provenance_at(
        &self,
        plan: &str,
        activity: &str,
        as_of: Option<Timestamp>,
    ) -> Result<Value, BackendError> {
        self.get(&format!("/v1/plans/{plan}/provenance?activity={activity}{}", at(as_of))).await
    }
}

fn at(as_of: Option<Timestamp>) -> String {
    as_of.map_or_else(String::new, |t| format!("&as_of={t}"))
}
