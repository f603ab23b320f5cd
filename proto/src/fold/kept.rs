//! The fold kept: one plan's state, brought forward event by event. [`fold_plan`] builds one from
//! the whole log and drops it; a projector keeps one per plan and applies each batch as it
//! arrives, so a current read costs what the plan's size costs, not its history. Both give the
//! same summary for the same events (`proto/tests/kept.rs`).
//!
//! [`fold_plan`]: super::fold_plan

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    ops::Bound::{Excluded, Unbounded},
};

use jiff::{civil::Date, Timestamp};
use uuid::Uuid;

use super::{
    apply::{Missing, Past, Resolved},
    model::PlanSummary,
};
use crate::{
    envelope::Envelope,
    event::{Event, Kind},
    ids::{LedgerId, PlanId},
    plan::{PlanBook, PlanState},
    tertial::Tertial,
};

/// One plan's fold so far.
#[derive(Debug, Clone)]
pub struct PlanFold {
    plan: PlanId,
    book: PlanBook,
    resolved: Resolved,
    /// The last seq applied per ledger.
    applied: BTreeMap<LedgerId, u64>,
    last_seq: u64,
    events: u64,
    /// The reminders recorded as sent: tertial, occasion, person.
    reminded: BTreeSet<(Tertial, String, Uuid)>,
    /// The latest `recorded_at` applied.
    latest: Option<Timestamp>,
    /// How many events applied were recorded no later than one applied before them.
    backdated: u64,
}

impl PlanFold {
    /// Nothing applied yet.
    pub fn new(plan: PlanId) -> Self {
        PlanFold {
            plan,
            book: PlanBook::default(),
            resolved: Resolved::default(),
            applied: BTreeMap::new(),
            last_seq: 0,
            events: 0,
            reminded: BTreeSet::new(),
            latest: None,
            backdated: 0,
        }
    }

    /// Applies the plan's next event: each ledger's events in seq order, and one ledger's after
    /// another's only in ledger order (as the views hold them) — the order every fold of the same
    /// events takes, so every fold of them gives the same bytes. Events of other plans, and
    /// events already applied, are passed over. After an error this fold is unusable.
    pub fn apply(&mut self, env: &Envelope, past: &dyn Past) -> Result<(), Missing> {
        if env.plan != self.plan || self.applied.get(&env.ledger).is_some_and(|s| *s >= env.seq) {
            return Ok(());
        }
        if env.kind().is_plan_change() || env.kind() == Kind::FollowUpApproved {
            self.book.apply(&env.plan, &env.event, env.recorded_at);
        }
        if let Event::ReminderSent(r) = &env.event {
            self.reminded.insert((r.tertial, r.occasion.to_string(), r.person));
        }
        self.resolved.apply(env, past)?;
        if self.latest.is_some_and(|l| env.recorded_at <= l) {
            self.backdated += 1;
        }
        self.latest = self.latest.max(Some(env.recorded_at));
        self.applied.insert(env.ledger.clone(), env.seq);
        self.last_seq = env.seq;
        self.events += 1;
        Ok(())
    }

    /// Applies what arrived since the last call, in (ledger, seq) order as the views hold it.
    /// `Ok(false)` if something arrived for a ledger that sorts before one already applied: a fold
    /// from scratch would take it earlier, so this fold cannot give the same bytes — fold again.
    pub fn catch_up<'a>(
        &mut self,
        news: impl IntoIterator<Item = &'a Envelope>,
        past: &dyn Past,
    ) -> Result<bool, Missing> {
        for env in news {
            let later = self.applied.range::<LedgerId, _>((Excluded(&env.ledger), Unbounded)).next();
            if later.is_some() {
                return Ok(false);
            }
            self.apply(env, past)?;
        }
        Ok(true)
    }

    /// The last seq applied per ledger.
    pub fn applied(&self) -> &BTreeMap<LedgerId, u64> {
        &self.applied
    }

    /// What a fold of this plan as of `at` can still change by, once `at` is no later than an
    /// event applied (`None` before): the events applied that were recorded no later than one
    /// applied before them. Only such an event can be recorded by `at` and arrive after it (from
    /// another ledger, late, or with a clock behind), so while this count stays, so does every
    /// fold as of `at` (ADR 0022).
    pub fn backdated_by(&self, at: Timestamp) -> Option<u64> {
        self.latest.filter(|l| at <= *l).map(|_| self.backdated)
    }

    /// How many of the plan's events were applied.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// How many occurrences are in force (a measure of what this fold keeps).
    pub fn occurrences(&self) -> usize {
        self.resolved.in_force_count()
    }

    /// The reminders recorded as sent: tertial, occasion (e.g. `due-3`), person.
    pub fn reminded(&self) -> &BTreeSet<(Tertial, String, Uuid)> {
        &self.reminded
    }

    /// The plan as adopted and amended, approvals included; `None` before it was adopted.
    pub fn state(&self) -> Option<&PlanState> {
        self.book.get(&self.plan)
    }

    /// The plan's follow-up, target progress through `today` (`None`: through each tertial's
    /// last day); `None` before the plan was adopted.
    pub fn summary(&self, today: Option<Date>) -> Option<PlanSummary> {
        super::summary::summarize(self.state()?, &self.resolved, today, self.last_seq)
    }
}

/// [`Past`] over a slice of envelopes (the log a fold from scratch is given), indexed the first
/// time it is asked.
#[derive(Debug)]
pub struct Slice<'a> {
    events: &'a [&'a Envelope],
    index: std::sync::OnceLock<HashMap<(&'a LedgerId, u64), usize>>,
}

impl<'a> Slice<'a> {
    pub fn new(events: &'a [&'a Envelope]) -> Self {
        Slice { events, index: std::sync::OnceLock::new() }
    }
}

impl Past for Slice<'_> {
    fn event(&self, ledger: &LedgerId, seq: u64) -> Option<Event> {
        let index =
            self.index.get_or_init(|| self.events.iter().enumerate().map(|(i, e)| ((&e.ledger, e.seq), i)).collect());
        index.get(&(ledger, seq)).map(|i| self.events[*i].event.clone())
    }
}
