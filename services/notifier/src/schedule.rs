//! Which mails are due today, from each plan's fold ([`PlanNow`]): for every plan and tertial not
//! yet approved, the organisations that still owe follow-ups, the due date and occasions (from the
//! calendar), and what was already sent (`reminder_sent` events). Pure, so a simulated clock can
//! walk a whole year.
//!
//! The notifier reads each plan's kept fold once per tick (ADR 0018); [`plans_of`] folds a whole
//! log from scratch.
//!
//! Only the latest occasion on or before today is due, if not yet sent: a reminder missed while
//! SMTP was down goes out once it is back, an older one it replaced does not. Nothing is due once
//! escalations have stopped (`escalate_for_days` after the due date).

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use lofte_proto::{
    calendar::{due_date, occasions, Occasion, ReminderPolicy},
    envelope::Envelope,
    fold::{PlanFold, PlanSummary, Slice},
    ids::{ActivityId, PlanId},
    plan::{PlanBook, PlanState},
};

use crate::{
    compose::Owed,
    key::SentKey,
    people::{People, Recipient},
};

/// One mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub occasion: Occasion,
    pub to: Recipient,
    /// What it is about (for a reporter: every plan and tertial owed on this occasion).
    pub items: Vec<Owed>,
}

impl Due {
    /// The keys this mail covers: one per (plan, tertial) it is about.
    pub fn keys(&self) -> Vec<SentKey> {
        let mut keys: Vec<SentKey> = self
            .items
            .iter()
            .map(|i| SentKey {
                plan: i.plan.clone(),
                tertial: i.tertial,
                occasion: self.occasion.id(),
                person: self.to.person,
            })
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// The activities it lists for `key`'s plan and tertial.
    pub fn activities_for(&self, key: &SentKey) -> Vec<ActivityId> {
        let mut a: Vec<ActivityId> = self
            .items
            .iter()
            .filter(|i| i.plan == key.plan && i.tertial == key.tertial)
            .map(|i| i.activity.clone())
            .collect();
        a.sort();
        a.dedup();
        a
    }
}

/// What the schedule reads of one plan: the plan as amended, its follow-up today, and the
/// reminders recorded as sent.
#[derive(Debug, Clone)]
pub struct PlanNow {
    pub state: PlanState,
    pub summary: PlanSummary,
    pub sent: BTreeSet<SentKey>,
}

/// Every plan, as the schedule reads it.
pub type Plans = BTreeMap<PlanId, PlanNow>;

/// `plan`'s fold, as the schedule reads it on `today`; `None` before the plan is adopted.
pub fn plan_now(fold: &PlanFold, today: Date) -> Option<PlanNow> {
    let state = fold.state()?.clone();
    let sent = fold
        .reminded()
        .iter()
        .map(|(tertial, occasion, person)| SentKey {
            plan: state.id.clone(),
            tertial: *tertial,
            occasion: occasion.clone(),
            person: *person,
        })
        .collect();
    Some(PlanNow { summary: fold.summary(Some(today))?, state, sent })
}

/// The plans of `events` (a whole log), folded from scratch.
pub fn plans_of(events: &[Envelope], today: Date) -> Plans {
    let ids: BTreeSet<&PlanId> = events.iter().map(|e| &e.plan).collect();
    ids.into_iter()
        .filter_map(|plan| {
            let all: Vec<&Envelope> = events.iter().filter(|e| &e.plan == plan).collect();
            let past = Slice::new(&all);
            let mut fold = PlanFold::new(plan.clone());
            fold.catch_up(all.iter().copied(), &past).ok()?;
            Some((plan.clone(), plan_now(&fold, today)?))
        })
        .collect()
}

/// The plans as a [`PlanBook`], for what reads the plans' states.
pub fn plan_book(plans: &Plans) -> PlanBook {
    PlanBook { plans: plans.iter().map(|(id, p)| (id.clone(), p.state.clone())).collect() }
}

/// The mails due on `today` to the people of the directory; `also_sent` what was sent but may
/// not be recorded in `plans` yet.
pub fn due_today(
    plans: &Plans,
    people: &People,
    today: Date,
    policy: &ReminderPolicy,
    also_sent: &BTreeSet<SentKey>,
) -> Vec<Due> {
    let mut already: BTreeSet<SentKey> = plans.values().flat_map(|p| p.sent.iter().cloned()).collect();
    already.extend(also_sent.iter().cloned());
    // Reporters' digests gather across plans: (recipient, occasion) → items.
    let mut digests: BTreeMap<(Recipient, Occasion), Vec<Owed>> = BTreeMap::new();
    let mut escalations: Vec<Due> = vec![];
    for (plan, PlanNow { state, summary, .. }) in plans {
        for tertial in lofte_proto::fold::plan_tertials(state) {
            if state.approved.contains_key(&tertial) {
                continue;
            }
            let due = due_date(state, tertial, policy);
            let stop = due.checked_add(jiff::Span::new().days(i64::from(policy.escalate_for_days))).unwrap_or(due);
            if today > stop {
                continue;
            }
            let Some((occasion, _)) = occasions(due, policy, today).into_iter().rev().find(|(_, d)| *d <= today) else {
                continue;
            };
            let mut owed: Vec<Owed> = vec![];
            for a in summary.promises.iter().flat_map(|p| &p.activities) {
                let Some(cell) = a.cells.get(&tertial) else { continue };
                for org in &cell.pending {
                    owed.push(Owed {
                        plan: plan.clone(),
                        plan_title: summary.title.clone(),
                        tertial,
                        due,
                        activity: a.id.clone(),
                        activity_title: a.title.clone(),
                        org: org.clone(),
                        org_name: summary.organisations.get(org).cloned().unwrap_or_else(|| org.to_string()),
                    });
                }
            }
            if owed.is_empty() {
                continue;
            }
            let fresh = |to: &Recipient| {
                let key = SentKey { plan: plan.clone(), tertial, occasion: occasion.id(), person: to.person };
                !already.contains(&key)
            };
            if occasion.is_escalation() {
                for c in people.coordinators(plan, state).into_iter().filter(fresh) {
                    escalations.push(Due { occasion, to: c, items: owed.clone() });
                }
            } else {
                for item in &owed {
                    for r in people.reporters(&item.org, plan).into_iter().filter(fresh) {
                        digests.entry((r, occasion)).or_default().push(item.clone());
                    }
                }
            }
        }
    }
    let mut out: Vec<Due> = digests.into_iter().map(|((to, occasion), items)| Due { occasion, to, items }).collect();
    out.extend(escalations);
    out
}
