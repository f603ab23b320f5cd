//! Due dates and reminder occasions. By default reporters are reminded 14 and 3 days before the
//! due date and on it; coordinators get an escalation 2 days after it, then weekly until done.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::holidays::on_or_before_working_day;
use crate::{plan::PlanState, tertial::Tertial};

/// When reminders and escalations go out, relative to the due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReminderPolicy {
    /// Days before the due date on which reporters are reminded.
    pub before_days: Vec<u32>,
    /// Whether reporters are reminded on the due date itself.
    pub on_due_date: bool,
    /// Days after the due date of the first escalation to coordinators.
    pub escalate_after_days: u32,
    /// Days between later escalations, until every follow-up is in.
    pub escalate_every_days: u32,
    /// Days after the due date when escalations stop, even if follow-ups are still missing (an
    /// old plan is not escalated forever).
    pub escalate_for_days: u32,
    /// Days after a tertial's last day a follow-up is due when the plan sets no deadline.
    pub default_due_after_days: u32,
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        Self {
            before_days: vec![14, 3],
            on_due_date: true,
            escalate_after_days: 2,
            escalate_every_days: 7,
            escalate_for_days: 90,
            default_due_after_days: 15,
        }
    }
}

/// One moment to remind or escalate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Occasion {
    /// `n` days before the due date (reporters).
    Before(u32),
    /// On the due date (reporters).
    Due,
    /// The `n`th escalation after the due date (coordinators), from 1.
    Escalation(u32),
}

impl Occasion {
    /// A stable id: `due-14`, `due-3`, `due`, `escalation-1`, … (used in idempotency keys and
    /// Message-IDs, so never change it).
    pub fn id(&self) -> String {
        match self {
            Occasion::Before(n) => format!("due-{n}"),
            Occasion::Due => "due".into(),
            Occasion::Escalation(n) => format!("escalation-{n}"),
        }
    }

    /// Whether it goes to coordinators rather than reporters.
    pub fn is_escalation(&self) -> bool {
        matches!(self, Occasion::Escalation(_))
    }
}

fn plus(d: Date, days: i64) -> Date {
    d.checked_add(jiff::Span::new().days(days)).unwrap_or(d)
}

/// A tertial's follow-up due date: the plan's `deadline_set`, or the policy's default after the
/// tertial's last day; a weekend or holiday moves it to the working day before.
pub fn due_date(plan: &PlanState, tertial: Tertial, policy: &ReminderPolicy) -> Date {
    let declared = plan
        .deadlines
        .get(&tertial)
        .copied()
        .unwrap_or_else(|| plus(tertial.last_day(), i64::from(policy.default_due_after_days)));
    on_or_before_working_day(declared)
}

/// Every occasion for a due date, in date order, escalations up to and including `until`.
pub fn occasions(due: Date, policy: &ReminderPolicy, until: Date) -> Vec<(Occasion, Date)> {
    let mut out: Vec<(Occasion, Date)> =
        policy.before_days.iter().map(|n| (Occasion::Before(*n), plus(due, -i64::from(*n)))).collect();
    if policy.on_due_date {
        out.push((Occasion::Due, due));
    }
    let mut n = 1;
    let mut at = plus(due, i64::from(policy.escalate_after_days));
    let last = plus(due, i64::from(policy.escalate_for_days));
    while at <= until && at <= last && policy.escalate_every_days > 0 {
        out.push((Occasion::Escalation(n), at));
        n += 1;
        at = plus(at, i64::from(policy.escalate_every_days));
    }
    out.sort_by_key(|(o, d)| (*d, *o));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn default_occasions_around_a_due_date() {
        let got: Vec<(String, String)> = occasions(date(2022, 5, 16), &ReminderPolicy::default(), date(2022, 6, 1))
            .into_iter()
            .map(|(o, d)| (o.id(), d.to_string()))
            .collect();
        let want = [
            ("due-14", "2022-05-02"),
            ("due-3", "2022-05-13"),
            ("due", "2022-05-16"),
            ("escalation-1", "2022-05-18"),
            ("escalation-2", "2022-05-25"),
            ("escalation-3", "2022-06-01"),
        ];
        assert_eq!(got, want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>());
        assert!(Occasion::Escalation(1).is_escalation() && !Occasion::Due.is_escalation());
        // Escalations stop 90 days after the due date.
        let late = occasions(date(2022, 5, 16), &ReminderPolicy::default(), date(2030, 1, 1));
        assert_eq!(
            late.last().map(|(o, d)| (o.id(), d.to_string())),
            Some(("escalation-13".into(), "2022-08-10".into()))
        );
    }
}
