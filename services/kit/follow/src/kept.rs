//! Each plan's fold, kept in memory and brought forward from the views when read ([`KeptFolds`]):
//! a read applies only what the views took since the last read (the segments after each
//! ledger's last seq applied), so it costs what is new plus the plan's size, not the plan's
//! history. The folds are derived: a rebuild (a new generation of the views) starts them over,
//! and so does anything a fold cannot take in the order a fold from scratch would (see
//! `PlanFold::catch_up`). ADR 0018.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, MutexGuard,
    },
};

use lofte_proto::{
    event::Event,
    fold::{Missing, Past, PlanFold},
    ids::{LedgerId, PlanId},
};

use crate::views::{ViewError, Views};

/// A plan's fold and the generation of the views it was brought forward from.
#[derive(Debug)]
struct Entry {
    generation: u64,
    /// Which fold this is: each fold started gets the next number (see [`KeptFolds::with_started`]).
    started: u64,
    fold: PlanFold,
}

/// Every plan's fold, kept. Cloning is shallow.
#[derive(Debug, Clone)]
pub struct KeptFolds {
    views: Views,
    plans: Arc<Mutex<HashMap<PlanId, Arc<Mutex<Entry>>>>>,
    /// The next fold's number: from the moment this was made, in nanoseconds, so a number is not
    /// given twice, not even after a restart.
    next: Arc<AtomicU64>,
}

/// [`Past`] over one plan's views.
struct PlanViews<'a> {
    views: &'a Views,
    plan: &'a PlanId,
}

impl Past for PlanViews<'_> {
    fn event(&self, ledger: &LedgerId, seq: u64) -> Option<Event> {
        match self.views.event_at(self.plan, ledger, seq) {
            Ok(e) => e.map(|e| e.event),
            Err(e) => {
                tracing::warn!(plan = %self.plan, %ledger, seq, error = %e, "a stored event cannot be read");
                None
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A fold is only ever replaced whole, so one left by a panic is still consistent.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl KeptFolds {
    pub fn new(views: Views) -> Self {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let now = u64::try_from(now.as_nanos()).unwrap_or_default();
        KeptFolds { views, plans: Arc::default(), next: Arc::new(AtomicU64::new(now)) }
    }

    /// Brings `plan`'s fold up to the views and gives it to `f`. Blocking (reads sled): call it
    /// from a blocking task. Reads of one plan take turns; reads of different plans do not wait
    /// for each other.
    pub fn with<T>(&self, plan: &PlanId, f: impl FnOnce(&PlanFold) -> T) -> Result<T, ViewError> {
        self.with_started(plan, |_, fold| f(fold))
    }

    /// As [`KeptFolds::with`], and which fold it is: a number no other fold was given (a fold
    /// started over, after a rebuild or a restart, gets a new one) — so what a fold counts, such
    /// as `PlanFold::backdated_by`, keyed by it never means two things.
    pub fn with_started<T>(&self, plan: &PlanId, f: impl FnOnce(u64, &PlanFold) -> T) -> Result<T, ViewError> {
        let entry =
            lock(&self.plans).entry(plan.clone()).or_insert_with(|| Arc::new(Mutex::new(self.fresh(plan, 0)))).clone();
        let mut entry = lock(&entry);
        let (generation, _) = self.views.version(plan)?;
        if entry.generation != generation {
            *entry = self.fresh(plan, generation);
        }
        let past = PlanViews { views: &self.views, plan };
        if self.bring_forward(plan, &mut entry.fold, &past)?.is_err() {
            // Events of an earlier ledger arrived, or one in force was not found: fold it all.
            tracing::info!(%plan, "folding the plan again from its whole history");
            *entry = self.fresh(plan, generation);
            if let Err(missing) = self.bring_forward(plan, &mut entry.fold, &past)? {
                // The views lack an event they hold the correction of: start over next time.
                entry.generation = 0;
                return Err(missing.map_or(ViewError::Unordered, ViewError::Missing));
            }
        }
        Ok(f(entry.started, &entry.fold))
    }

    /// Applies to `fold` what the views took since, one event at a time (a whole history is
    /// never read into memory at once). `Err`: the fold cannot take it — an event in force was
    /// not found (`Some`), or events of a ledger came after a later ledger's (`None`; see
    /// `PlanFold::catch_up`).
    fn bring_forward(
        &self,
        plan: &PlanId,
        fold: &mut PlanFold,
        past: &PlanViews<'_>,
    ) -> Result<Result<(), Option<Missing>>, ViewError> {
        let applied = fold.applied().clone();
        let mut outcome = Ok(());
        self.views.each_since(plan, &applied, |env| {
            outcome = match fold.catch_up(std::iter::once(&env), past) {
                Ok(true) => Ok(()),
                Ok(false) => Err(None),
                Err(m) => Err(Some(m)),
            };
            outcome.is_ok()
        })?;
        Ok(outcome)
    }

    fn fresh(&self, plan: &PlanId, generation: u64) -> Entry {
        Entry { generation, started: self.next.fetch_add(1, Ordering::Relaxed), fold: PlanFold::new(plan.clone()) }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use lofte_proto::{
        command::parse_event,
        envelope::Envelope,
        fold::{fold_plan, FoldOptions},
        planfile, Hash,
    };
    use serde_json::json;

    use super::*;
    use crate::segments::Segments;

    fn envelope(ledger: &str, seq: u64, plan: &PlanId, event: Event) -> Envelope {
        Envelope {
            id: uuid::Uuid::from_u128(u128::from(seq) << 8 | u128::from(ledger.as_bytes()[0])),
            ledger: LedgerId::new(ledger).unwrap(),
            seq,
            prev_hash: Hash::GENESIS,
            hash: Hash::GENESIS,
            recorded_at: "2017-03-01T08:00:00Z".parse().unwrap(),
            plan: plan.clone(),
            stream: String::new(),
            stream_version: seq,
            actor: "polisen".parse().unwrap(),
            author: "test".into(),
            schema: event.kind().schema_version(),
            event,
            correlation_id: None,
            causation_id: None,
            idempotency_key: None,
        }
    }

    fn patrols(n: u64) -> Event {
        parse_event(
            "measure_counted",
            json!({"activity": "trafikkontroller", "date": "2017-02-01", "metric": "trafikkontroller", "count": n.to_string()}),
        )
        .unwrap()
    }

    async fn store(views: &Views, events: &[Envelope]) {
        let mut s = Segments::default();
        for e in events {
            s.push(e.ledger.as_str(), e.plan.as_str(), e.seq, &serde_json::to_vec(e).unwrap());
        }
        views.apply(s).await.unwrap();
    }

    /// Batch by batch, across two ledgers (the second sorting first: the fold starts over) and a
    /// correction of a measure read back from the views, the kept fold is the fold from scratch.
    #[tokio::test]
    async fn a_kept_fold_follows_the_views_batch_by_batch() {
        let dir = tempfile::tempdir().unwrap();
        let views = Views::open(dir.path(), 1 << 20).unwrap();
        let kept = KeptFolds::new(views.clone());
        let pf = planfile::parse(include_str!("../../../../deploy/plans/eksjo-2017.toml")).unwrap();
        let plan = pf.plan_id().clone();
        let mut log: Vec<Envelope> =
            pf.events().into_iter().enumerate().map(|(i, e)| envelope("m", i as u64 + 1, &plan, e)).collect();
        let next =
            |log: &[Envelope], ledger: &str| log.iter().filter(|e| e.ledger.as_str() == ledger).count() as u64 + 1;
        let check = |kept: &KeptFolds| {
            let scratch = fold_plan(&plan, &views.events(&plan).unwrap(), &FoldOptions::default());
            let now = kept.with(&plan, |f| f.summary(None)).unwrap();
            assert_eq!(serde_json::to_string(&now).unwrap(), serde_json::to_string(&scratch).unwrap());
            now
        };
        store(&views, &log).await;
        check(&kept);
        let batches: Vec<(&str, Event)> =
            vec![("m", patrols(3)), ("m", patrols(4)), ("z", patrols(5)), ("a", patrols(7))];
        for (ledger, e) in batches {
            let env = envelope(ledger, next(&log, ledger), &plan, e);
            store(&views, std::slice::from_ref(&env)).await;
            log.push(env);
            check(&kept);
        }
        let first = log.iter().find(|e| matches!(e.event, Event::MeasureCounted(_))).unwrap().id;
        let fix = parse_event(
            "event_corrected",
            json!({"event": first, "reason": "Fel.", "replacement": {"kind": "measure_counted", "data":
                {"activity": "trafikkontroller", "date": "2017-02-01", "metric": "trafikkontroller", "count": "30"}}}),
        )
        .unwrap();
        let env = envelope("m", next(&log, "m"), &plan, fix);
        store(&views, std::slice::from_ref(&env)).await;
        let s = check(&kept).unwrap();
        let cell = &s.promises[0].activities.iter().find(|a| a.id.as_str() == "trafikkontroller").unwrap().cells;
        let total: u64 = cell.values().flat_map(|c| c.measures.values()).map(|m| m.count.value).sum();
        assert_eq!(total, 30 + 4 + 5 + 7);
    }
}
