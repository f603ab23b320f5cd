//! Rules for what happens under an activity, for follow-up submissions, and for corrections and
//! retractions of earlier records.

use lofte_proto::{
    date::BusinessDate,
    event::{Event, Status},
    ids::{AreaId, OrgId},
    plan::{ActivityState, PlanState},
    Command,
};

use super::{not_involved, plan::unknown_activity, reject, within_plan, Facts, Rejection};

/// Checks an occurrence or a follow-up submission by `actor`. `at` prefixes field paths
/// (`data`, or `data.replacement.data` inside a correction).
pub(super) fn check(state: &PlanState, actor: &OrgId, e: &Event, at: &str) -> Result<(), Rejection> {
    let id = e.activity().ok_or_else(|| reject("invalid", "kind", "event names no activity"))?;
    let act = state.activities.get(id).ok_or_else(|| {
        let mut r = unknown_activity(id);
        r.field = format!("{at}.activity");
        r
    })?;
    if !act.activity.involves(actor) {
        return Err(not_involved(
            "actor",
            format!(
                "{actor} takes no part in activity {id}; only {} and its participants report on it",
                act.activity.lead
            ),
        ));
    }
    if let Some(d) = e.business_date() {
        date(state, d, &format!("{at}.date"))?;
    }
    match e {
        Event::MeetingHeld(m) => area(state, act, m.area.as_ref(), at)?,
        Event::DialogueHeld(m) => area(state, act, m.area.as_ref(), at)?,
        Event::WorkshopHeld(m) | Event::TrainingGiven(m) => area(state, act, m.area.as_ref(), at)?,
        Event::SituationPictureMade(m) => {
            area(state, act, Some(&m.area), at)?;
            date(state, &m.period, &format!("{at}.period"))?;
        }
        Event::MeasureCounted(m) => {
            area(state, act, m.area.as_ref(), at)?;
            for (k, v) in &m.sub {
                if *v > m.count.value() {
                    return Err(reject(
                        "invalid",
                        format!("{at}.sub.{k}"),
                        format!("a sub-count ({v}) cannot exceed the count it is part of ({})", m.count.value()),
                    ));
                }
            }
        }
        Event::StatusChanged(s) => {
            within_plan(state, s.tertial, &format!("{at}.tertial"))?;
            if s.status == Status::Postponed && s.until.is_none() {
                return Err(reject(
                    "invalid",
                    format!("{at}.until"),
                    "a postponed activity needs the date it moved to",
                ));
            }
        }
        Event::NoteWritten(n) => within_plan(state, n.tertial, &format!("{at}.tertial"))?,
        Event::FollowUpSubmitted(f) => within_plan(state, f.tertial, &format!("{at}.tertial"))?,
        _ => {}
    }
    Ok(())
}

fn date(state: &PlanState, d: &BusinessDate, field: &str) -> Result<(), Rejection> {
    if !state.covers(d.from(), d.to()) {
        return Err(reject(
            "outside-plan-period",
            field,
            format!("{d} lies outside the plan's period {}..{}", state.starts(), state.ends()),
        ));
    }
    Ok(())
}

fn area(state: &PlanState, act: &ActivityState, a: Option<&AreaId>, at: &str) -> Result<(), Rejection> {
    let Some(a) = a else { return Ok(()) };
    let field = format!("{at}.area");
    if !state.areas.contains_key(a) {
        return Err(reject("unknown-area", field, format!("{a} is not an area of the plan")));
    }
    if !act.activity.areas.is_empty() && !act.activity.areas.contains(a) {
        return Err(reject("unknown-area", field, format!("{a} is not among activity {}'s areas", act.activity.id)));
    }
    Ok(())
}

/// A correction or retraction: the earlier event exists in this plan, is an occurrence, was
/// recorded by the same organisation and is not retracted. Returns the earlier event's stream.
pub(super) fn amend_earlier(state: &PlanState, facts: &dyn Facts, cmd: &Command) -> Result<String, Rejection> {
    let target = match &cmd.event {
        Event::EventCorrected(c) => c.event,
        Event::EventRetracted(r) => r.event,
        _ => return Err(reject("invalid", "kind", "not a correction")),
    };
    let f = facts
        .facts(&target)
        .filter(|f| f.plan == cmd.plan)
        .ok_or_else(|| reject("unknown-event", "data.event", format!("no event {target} in plan {}", cmd.plan)))?;
    if !f.kind.is_occurrence() {
        return Err(reject("not-correctable", "data.event", format!("a {} cannot be corrected or retracted", f.kind)));
    }
    if facts.is_retracted(&target) {
        return Err(reject("already-retracted", "data.event", format!("event {target} is already retracted")));
    }
    if f.actor != cmd.actor {
        return Err(not_involved("actor", format!("only {} may correct what it recorded", f.actor)));
    }
    if let Event::EventCorrected(c) = &cmd.event {
        let r = &c.replacement;
        if r.kind() != f.kind {
            return Err(reject(
                "kind-mismatch",
                "data.replacement.kind",
                format!("a {} can only be replaced by another {}", f.kind, f.kind),
            ));
        }
        if r.activity() != f.activity.as_ref() {
            return Err(reject(
                "invalid",
                "data.replacement.data.activity",
                "a correction cannot move a record to another activity",
            ));
        }
        check(state, &cmd.actor, r, "data.replacement.data")?;
    }
    Ok(f.stream)
}
