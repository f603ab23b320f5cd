//! Deciding: is this command acceptable against the plan's current state, and which stream does
//! its event belong to? Pure and synchronous — given(events) / when(command) / then(stream or
//! rejection) — so the rules are tested without sled or HTTP.

mod occurrence;
mod plan;

use std::collections::{HashMap, HashSet};

use lofte_proto::{
    event::{Event, Kind},
    ids::{ActivityId, OrgId, PlanId},
    plan::{PlanBook, PlanState},
    tertial::Tertial,
    Command,
};
use uuid::Uuid;

/// Why a command was refused. Always a client matter (422), with the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {detail}")]
pub struct Rejection {
    /// Stable kebab-case code, e.g. `unknown-activity`.
    pub code: &'static str,
    /// Dotted path of the field at fault, e.g. `data.activity`.
    pub field: String,
    pub detail: String,
    /// The command is valid, but its organisation has no say in what it names: for a reporter
    /// acting for that organisation, a matter of permission (403) rather than of content.
    pub not_involved: bool,
}

pub(crate) fn reject(code: &'static str, field: impl Into<String>, detail: impl Into<String>) -> Rejection {
    Rejection { code, field: field.into(), detail: detail.into(), not_involved: false }
}

/// The organisation takes no part in what the command names.
pub(crate) fn not_involved(field: impl Into<String>, detail: impl Into<String>) -> Rejection {
    Rejection { not_involved: true, ..reject("not-involved", field, detail) }
}

/// What the ledger knows of an earlier event, for corrections and retractions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFacts {
    pub plan: PlanId,
    pub kind: Kind,
    pub actor: OrgId,
    pub stream: String,
    pub activity: Option<ActivityId>,
}

/// Looks up earlier events by id.
pub trait Facts {
    /// What is known of event `id`, if it exists.
    fn facts(&self, id: &Uuid) -> Option<EventFacts>;
    /// Whether `id` has been retracted.
    fn is_retracted(&self, id: &Uuid) -> bool;
}

/// Facts kept in memory: for tests, and as the overlay of a batch being written.
#[derive(Debug, Clone, Default)]
pub struct MemoryFacts {
    pub events: HashMap<Uuid, EventFacts>,
    pub retracted: HashSet<Uuid>,
}

impl Facts for MemoryFacts {
    fn facts(&self, id: &Uuid) -> Option<EventFacts> {
        self.events.get(id).cloned()
    }
    fn is_retracted(&self, id: &Uuid) -> bool {
        self.retracted.contains(id)
    }
}

/// An accepted command: the stream its event goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub stream: String,
}

/// The stream of a plan's own changes and approvals.
pub fn plan_stream(plan: &PlanId) -> String {
    format!("plan/{plan}")
}

/// The stream of what happens under an activity.
pub fn activity_stream(plan: &PlanId, activity: &ActivityId) -> String {
    format!("activity/{plan}/{activity}")
}

/// Decides `cmd` against `book` (plan state) and `facts` (earlier events).
pub fn decide(book: &PlanBook, facts: &dyn Facts, cmd: &Command) -> Result<Decision, Rejection> {
    if let Event::PlanAdopted(p) = &cmd.event {
        plan::adopt(book, cmd, p)?;
        return Ok(Decision { stream: plan_stream(&cmd.plan) });
    }
    let state = book
        .get(&cmd.plan)
        .ok_or_else(|| reject("unknown-plan", "plan", format!("no plan {:?} has been adopted", cmd.plan.as_str())))?;
    if !state.actors.contains_key(&cmd.actor) {
        return Err(reject(
            "unknown-organisation",
            "actor",
            format!("{:?} is not an organisation of plan {:?}", cmd.actor.as_str(), cmd.plan.as_str()),
        ));
    }
    let stream = match &cmd.event {
        e if e.kind().is_plan_change() => {
            plan::amend(state, e)?;
            plan_stream(&cmd.plan)
        }
        Event::FollowUpApproved(e) => {
            within_plan(state, e.tertial, "data.tertial")?;
            if state.approved.contains_key(&e.tertial) {
                return Err(reject("already-approved", "data.tertial", format!("{} is already approved", e.tertial)));
            }
            plan_stream(&cmd.plan)
        }
        Event::ReminderSent(e) => {
            within_plan(state, e.tertial, "data.tertial")?;
            format!("reminders/{}", cmd.plan)
        }
        Event::ReminderFailed(e) => {
            within_plan(state, e.tertial, "data.tertial")?;
            format!("reminders/{}", cmd.plan)
        }
        Event::EventCorrected(_) | Event::EventRetracted(_) => occurrence::amend_earlier(state, facts, cmd)?,
        e => {
            occurrence::check(state, &cmd.actor, e, "data")?;
            let activity = e.activity().ok_or_else(|| reject("invalid", "kind", "event names no activity"))?;
            activity_stream(&cmd.plan, activity)
        }
    };
    Ok(Decision { stream })
}

/// Refuses a tertial that does not overlap the plan's period.
pub(crate) fn within_plan(state: &PlanState, t: Tertial, field: &str) -> Result<(), Rejection> {
    if t.last_day() < state.starts() || t.first_day() > state.ends() {
        return Err(reject(
            "outside-plan-period",
            field,
            format!("{t} lies outside the plan's period {}..{}", state.starts(), state.ends()),
        ));
    }
    Ok(())
}
