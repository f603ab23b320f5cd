//! What current reads reuse (issue 18, first step): the plan folded at its current version — the
//! views' generation and the plan's version, which every batch touching the plan moves — and
//! today's date, so a read that follows no write folds nothing; and the reports rendered, by their
//! `ETag`, so a report read again is served without folding or rendering (`If-None-Match` → `304`).
//! Reads `as_of` a moment still fold the log, as an auditor's replay does.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use jiff::civil::Date;
use lofte_proto::{fold::PlanSummary, ids::PlanId};

/// The most rendered reports kept; beyond it the oldest half is dropped.
const MAX_REPORTS: usize = 256;

/// Where a plan's views stood when something was computed from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stand {
    pub generation: u64,
    pub version: u64,
    pub today: Date,
}

/// Each plan folded, where its views stood then.
type Summaries = HashMap<PlanId, (Stand, Arc<PlanSummary>)>;
/// Rendered reports by ETag, oldest first.
type Reports = Vec<(String, Arc<[u8]>)>;

/// The reads' cache. Cloning is shallow.
#[derive(Debug, Clone, Default)]
pub struct ReadCache {
    summaries: Arc<Mutex<Summaries>>,
    reports: Arc<Mutex<Reports>>,
}

impl ReadCache {
    /// The plan as folded at `stand`, if it was.
    pub fn summary(&self, plan: &PlanId, stand: Stand) -> Option<Arc<PlanSummary>> {
        let map = self.summaries.lock().ok()?;
        map.get(plan).filter(|(s, _)| *s == stand).map(|(_, summary)| summary.clone())
    }

    pub fn keep_summary(&self, plan: &PlanId, stand: Stand, summary: Arc<PlanSummary>) {
        if let Ok(mut map) = self.summaries.lock() {
            map.insert(plan.clone(), (stand, summary));
        }
    }

    /// The report rendered under `etag`, if it was.
    pub fn report(&self, etag: &str) -> Option<Arc<[u8]>> {
        let reports = self.reports.lock().ok()?;
        reports.iter().rev().find(|(e, _)| e == etag).map(|(_, bytes)| bytes.clone())
    }

    pub fn keep_report(&self, etag: String, bytes: Arc<[u8]>) {
        if let Ok(mut reports) = self.reports.lock() {
            if reports.len() >= MAX_REPORTS {
                reports.drain(..MAX_REPORTS / 2);
            }
            reports.push((etag, bytes));
        }
    }
}
