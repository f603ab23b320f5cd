//! Which mails are due today, from the log: for every plan and tertial not yet approved, the
//! organisations that still owe follow-ups (from the shared fold), the due date and occasions (from
//! the calendar), and what was already sent (`reminder_sent` events). Pure, so a simulated clock
//! can walk a whole year.
//!
//! The plans are folded once per tick ([`plan_book`]) and shared with whoever needs them.
//!
//! Only the latest occasion on or before today is due, if not yet sent: a reminder missed while
//! SMTP was down goes out once it is back, an older one it replaced does not. Nothing is due once
//! escalations have stopped (`escalate_for_days` after the due date).

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use lofte_proto::{
    calendar::{due_date, occasions, Occasion, ReminderPolicy},
    envelope::Envelope,
    event::Event,
    fold::{fold_plan, FoldOptions},
    ids::ActivityId,
    plan::PlanBook,
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

/// The sends recorded in the log.
pub fn sent(events: &[Envelope]) -> BTreeSet<SentKey> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::ReminderSent(r) => Some(SentKey {
                plan: e.plan.clone(),
                tertial: r.tertial,
                occasion: r.occasion.to_string(),
                person: r.person,
            }),
            _ => None,
        })
        .collect()
}

/// The plans of `events` as the schedule reads them: adopted, amended, and which tertials are
/// approved.
pub fn plan_book(events: &[Envelope]) -> PlanBook {
    let mut book = PlanBook::default();
    for e in events {
        if e.kind().is_plan_change() || matches!(e.event, Event::FollowUpApproved(_)) {
            book.apply(&e.plan, &e.event, e.recorded_at);
        }
    }
    book
}

/// The mails due on `today` to the people of the directory; `book` is [`plan_book`] of
/// `events`, `also_sent` what was sent but may not be in `events` yet.
pub fn due_today(
    events: &[Envelope],
    book: &PlanBook,
    people: &People,
    today: Date,
    policy: &ReminderPolicy,
    also_sent: &BTreeSet<SentKey>,
) -> Vec<Due> {
    let mut already = sent(events);
    already.extend(also_sent.iter().cloned());
    // Reporters' digests gather across plans: (recipient, occasion) → items.
    let mut digests: BTreeMap<(Recipient, Occasion), Vec<Owed>> = BTreeMap::new();
    let mut escalations: Vec<Due> = vec![];
    for (plan, state) in &book.plans {
        let Some(summary) = fold_plan(plan, events, &FoldOptions { as_of: None, today: Some(today) }) else { continue };
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
