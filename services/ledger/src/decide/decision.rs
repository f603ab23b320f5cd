//! The decision: a command checked against the plan's state, and the stream its event goes to.

use lofte_proto::{
    event::Event,
    ids::{ActivityId, PlanId},
    plan::{PlanBook, PlanState},
    tertial::Tertial,
    Command,
};

use super::{occurrence, plan, reject, Facts, Rejection};

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
        // Approving an approved tertial again takes its late amendments into the published
        // report (ADR 0010); what is late stays measured from the first approval.
        Event::FollowUpApproved(e) => {
            within_plan(state, e.tertial, "data.tertial")?;
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
