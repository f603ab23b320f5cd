//! Rules for adopting and amending a plan.

use std::collections::HashSet;

use lofte_proto::{
    event::{Event, PlanAdopted},
    plan::{Goal, PlanBook, PlanState, Target},
    Command,
};

use super::{reject, within_plan, Rejection};

fn unique<'a, T: Eq + std::hash::Hash + std::fmt::Display + 'a>(
    items: impl Iterator<Item = &'a T>,
    field: &str,
) -> Result<(), Rejection> {
    let mut seen = HashSet::new();
    for (i, id) in items.enumerate() {
        if !seen.insert(id) {
            return Err(reject("duplicate-id", format!("{field}[{i}].id"), format!("{id} appears twice")));
        }
    }
    Ok(())
}

/// A new plan: its id is free, its lists are consistent, and the adopting organisation is in it.
pub(super) fn adopt(book: &PlanBook, cmd: &Command, p: &PlanAdopted) -> Result<(), Rejection> {
    if book.get(&cmd.plan).is_some() {
        return Err(reject(
            "plan-exists",
            "plan",
            format!(
                "plan {:?} is already adopted; amend it with activity_amended, target_set or plan_extended",
                cmd.plan.as_str()
            ),
        ));
    }
    if p.actors.is_empty() {
        return Err(reject("invalid", "data.actors", "a plan needs at least one organisation"));
    }
    unique(p.actors.iter().map(|a| &a.id), "data.actors")?;
    unique(p.areas.iter().map(|a| &a.id), "data.areas")?;
    unique(p.promises.iter().map(|a| &a.id), "data.promises")?;
    let orgs: HashSet<_> = p.actors.iter().map(|a| &a.id).collect();
    for (i, c) in p.coordinators.iter().enumerate() {
        if !orgs.contains(&c.org) {
            return Err(reject(
                "unknown-organisation",
                format!("data.coordinators[{i}].org"),
                format!("{} is not among the plan's organisations", c.org),
            ));
        }
    }
    if !orgs.contains(&cmd.actor) {
        return Err(reject("unknown-organisation", "actor", "the adopting organisation must be one of the plan's"));
    }
    Ok(())
}

/// A change to an adopted plan.
pub(super) fn amend(state: &PlanState, event: &Event) -> Result<(), Rejection> {
    let org = |o: &lofte_proto::ids::OrgId, field: String| {
        if state.actors.contains_key(o) {
            Ok(())
        } else {
            Err(reject("unknown-organisation", field, format!("{o} is not an organisation of the plan")))
        }
    };
    let area = |a: &lofte_proto::ids::AreaId, field: String| {
        if state.areas.contains_key(a) {
            Ok(())
        } else {
            Err(reject("unknown-area", field, format!("{a} is not an area of the plan")))
        }
    };
    match event {
        Event::ActivityAdded(a) => {
            if state.activities.contains_key(&a.id) {
                return Err(reject("activity-exists", "data.id", format!("activity {} already exists", a.id)));
            }
            if !state.promises.contains_key(&a.promise) {
                return Err(reject(
                    "unknown-promise",
                    "data.promise",
                    format!("{} is not a promise of the plan", a.promise),
                ));
            }
            org(&a.lead, "data.lead".into())?;
            for (i, p) in a.participants.iter().enumerate() {
                org(p, format!("data.participants[{i}]"))?;
            }
            for (i, x) in a.areas.iter().enumerate() {
                area(x, format!("data.areas[{i}]"))?;
            }
        }
        Event::ActivityAmended(e) => {
            if !state.activities.contains_key(&e.activity) {
                return Err(unknown_activity(&e.activity));
            }
            if let Some(l) = &e.lead {
                org(l, "data.lead".into())?;
            }
            for (i, p) in e.participants.iter().flatten().enumerate() {
                org(p, format!("data.participants[{i}]"))?;
            }
            for (i, x) in e.areas.iter().flatten().enumerate() {
                area(x, format!("data.areas[{i}]"))?;
            }
        }
        Event::TargetSet(e) => {
            let act = state.activities.get(&e.activity).ok_or_else(|| unknown_activity(&e.activity))?;
            target(&e.target, &act.activity.areas, &area)?;
        }
        Event::DeadlineSet(e) => {
            within_plan(state, e.tertial, "data.tertial")?;
            if e.due < e.tertial.first_day() {
                return Err(reject(
                    "invalid",
                    "data.due",
                    format!("a follow-up cannot be due before {} starts", e.tertial),
                ));
            }
        }
        Event::PlanExtended(e) if e.until <= state.ends() => {
            return Err(reject("invalid", "data.until", format!("the plan already runs until {}", state.ends())));
        }
        _ => {}
    }
    Ok(())
}

fn target(
    t: &Target,
    activity_areas: &[lofte_proto::ids::AreaId],
    area: &dyn Fn(&lofte_proto::ids::AreaId, String) -> Result<(), Rejection>,
) -> Result<(), Rejection> {
    for (i, x) in t.areas.iter().enumerate() {
        let field = format!("data.target.areas[{i}]");
        area(x, field.clone())?;
        if !activity_areas.is_empty() && !activity_areas.contains(x) {
            return Err(reject("unknown-area", field, format!("{x} is not among the activity's areas")));
        }
    }
    if let Goal::Count { value, ratio, .. } = &t.goal {
        if *value > lofte_proto::quantity::MAX_COUNT {
            return Err(reject("invalid", "data.target.goal.value", "target value is implausibly large"));
        }
        if let Some(r) = ratio {
            if r.at_least_percent > 100 {
                return Err(reject(
                    "invalid",
                    "data.target.goal.ratio.at_least_percent",
                    "a share is at most 100 percent",
                ));
            }
        }
    }
    Ok(())
}

pub(super) fn unknown_activity(a: &lofte_proto::ids::ActivityId) -> Rejection {
    reject("unknown-activity", "data.activity", format!("no activity {a} in this plan"))
}
