//! Reading a plan file: parse the TOML, check it as a whole, and translate it into plan events.

use std::{collections::BTreeSet, str::FromStr};

use super::{
    check::{known_area, known_org, repeated, unique_ids},
    error::PlanFileError,
    raw::{RawActivity, RawFile},
    target::expand_target,
};
use crate::{
    event::{DeadlineSet, Event, PlanAdopted, TargetSet},
    ids::PlanId,
    people::{NewPerson, PersonRole},
    plan::model::{Activity, Actor, Coordinator},
};

/// A checked plan file: everything needed to adopt the plan, in the order it is recorded.
///
/// A value exists only after [`parse`] accepted the file, so its parts are consistent: every id
/// referred to is declared, ids are unique, `each_area` targets are expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFile {
    id: PlanId,
    adopted: PlanAdopted,
    activities: Vec<Activity>,
    targets: Vec<TargetSet>,
    deadlines: Vec<DeadlineSet>,
    people: Vec<NewPerson>,
}

impl PlanFile {
    /// The plan's id (`[plan].id`): the plan every event is recorded under.
    pub fn plan_id(&self) -> &PlanId {
        &self.id
    }

    /// The `plan_adopted` payload: the plan table, actors, coordinators, areas and promises.
    pub fn adopted(&self) -> &PlanAdopted {
        &self.adopted
    }

    /// The people the file names — reporters by organisation, coordinators — for the people
    /// directory (ADR 0017), each scoped to this plan.
    pub fn people(&self) -> &[NewPerson] {
        &self.people
    }

    /// The activities, in file order.
    pub fn activities(&self) -> &[Activity] {
        &self.activities
    }

    /// The targets with their activities, in file order, `each_area` targets expanded.
    pub fn targets(&self) -> &[TargetSet] {
        &self.targets
    }

    /// The tertial deadlines, in file order.
    pub fn deadlines(&self) -> &[DeadlineSet] {
        &self.deadlines
    }

    /// The events that adopt the plan, in the order they must be recorded: one `plan_adopted`,
    /// then `activity_added` for each activity, `target_set` for each target and `deadline_set`
    /// for each deadline.
    pub fn events(&self) -> Vec<Event> {
        let mut out = Vec::with_capacity(1 + self.activities.len() + self.targets.len() + self.deadlines.len());
        out.push(Event::PlanAdopted(self.adopted.clone()));
        out.extend(self.activities.iter().cloned().map(Event::ActivityAdded));
        out.extend(self.targets.iter().cloned().map(Event::TargetSet));
        out.extend(self.deadlines.iter().cloned().map(Event::DeadlineSet));
        out
    }
}

impl FromStr for PlanFile {
    type Err = PlanFileError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

/// Reads a plan file and checks it as a whole (see `docs/plan-format.md` for the rules).
pub fn parse(text: &str) -> Result<PlanFile, PlanFileError> {
    let raw: RawFile = toml::from_str(text)?;
    let RawFile {
        plan,
        actors,
        coordinators,
        areas,
        measures,
        promises,
        activities: raw_activities,
        deadlines: raw_deadlines,
    } = raw;

    if actors.is_empty() {
        return Err(PlanFileError::invalid("actors", "a plan needs at least one organisation ([[actors]])"));
    }
    if coordinators.is_empty() {
        return Err(PlanFileError::invalid("coordinators", "a plan needs at least one coordinator ([[coordinators]])"));
    }
    if promises.is_empty() {
        return Err(PlanFileError::invalid("promises", "a plan needs at least one promise ([[promises]])"));
    }
    let orgs = unique_ids("actors", actors.iter().map(|a| a.id.as_str()))?;
    let area_ids = unique_ids("areas", areas.iter().map(|a| a.id.as_str()))?;
    unique_ids("measures", measures.iter().map(|m| m.id.as_str()))?;
    let promise_ids = unique_ids("promises", promises.iter().map(|p| p.id.as_str()))?;
    unique_ids("activities", raw_activities.iter().map(|a| a.id.as_str()))?;
    for (i, a) in actors.iter().enumerate() {
        repeated(&format!("actors[{i}].reporters"), a.reporters.iter().map(|r| r.as_str()))?;
    }
    for (i, c) in coordinators.iter().enumerate() {
        known_org(&orgs, &c.org, &format!("coordinators[{i}].org"))?;
    }
    // The people go into the directory, scoped to this plan; the events name organisations only.
    let in_plan = vec![plan.id.clone()];
    let mut people: Vec<NewPerson> = vec![];
    for a in &actors {
        people.extend(a.reporters.iter().map(|email| NewPerson {
            role: PersonRole::Reporter,
            orgs: vec![a.id.clone()],
            plans: in_plan.clone(),
            name: None,
            email: email.clone(),
        }));
    }
    people.extend(coordinators.iter().map(|c| NewPerson {
        role: PersonRole::Coordinator,
        orgs: vec![c.org.clone()],
        plans: in_plan.clone(),
        name: Some(c.name.clone()),
        email: c.email.clone(),
    }));
    let mut coordinating: Vec<Coordinator> = vec![];
    for c in &coordinators {
        if !coordinating.iter().any(|x| x.org == c.org) {
            coordinating.push(Coordinator { org: c.org.clone() });
        }
    }
    let coordinators = coordinating;

    let mut activities = Vec::with_capacity(raw_activities.len());
    let mut targets = Vec::new();
    let mut target_ids = BTreeSet::new();
    for (i, ra) in raw_activities.into_iter().enumerate() {
        let place = format!("activities[{i}]");
        if !promise_ids.contains(ra.promise.as_str()) {
            return Err(PlanFileError::UnknownPromise {
                place: format!("{place}.promise"),
                id: ra.promise.to_string(),
            });
        }
        known_org(&orgs, &ra.lead, &format!("{place}.lead"))?;
        repeated(&format!("{place}.participants"), ra.participants.iter().map(|p| p.as_str()))?;
        for (j, p) in ra.participants.iter().enumerate() {
            let at = format!("{place}.participants[{j}]");
            known_org(&orgs, p, &at)?;
            if *p == ra.lead {
                return Err(PlanFileError::invalid(at, format!("{:?} leads the activity already", p.as_str())));
            }
        }
        repeated(&format!("{place}.areas"), ra.areas.iter().map(|a| a.as_str()))?;
        for (j, a) in ra.areas.iter().enumerate() {
            known_area(&area_ids, a, &format!("{place}.areas[{j}]"))?;
        }
        for (j, rt) in ra.targets.iter().enumerate() {
            let at = format!("{place}.targets[{j}]");
            for target in expand_target(&ra, rt, &area_ids, &at)? {
                if !target_ids.insert(target.id.clone()) {
                    return Err(PlanFileError::DuplicateId { place: format!("{at}.id"), id: target.id.to_string() });
                }
                targets.push(TargetSet { activity: ra.id.clone(), target });
            }
        }
        let RawActivity { id, promise, title, lead, participants, areas, targets: _ } = ra;
        activities.push(Activity { id, promise, title, lead, participants, areas });
    }

    let mut deadlines = Vec::with_capacity(raw_deadlines.len());
    let mut tertials = BTreeSet::new();
    for (k, d) in raw_deadlines.into_iter().enumerate() {
        let place = format!("deadlines[{k}]");
        let t = d.tertial;
        if t.last_day() < plan.period.from() || t.first_day() > plan.period.to() {
            return Err(PlanFileError::OutsidePeriod {
                place: format!("{place}.tertial"),
                tertial: t,
                period: plan.period,
            });
        }
        if !tertials.insert(t) {
            return Err(PlanFileError::Repeated { place: format!("{place}.tertial"), id: t.to_string() });
        }
        if d.due < t.first_day() {
            return Err(PlanFileError::invalid(
                format!("{place}.due"),
                format!("a follow-up cannot be due ({}) before its tertial {t} starts", d.due),
            ));
        }
        deadlines.push(DeadlineSet { tertial: t, due: d.due });
    }

    let actors: Vec<Actor> = actors.into_iter().map(|a| Actor { id: a.id, name: a.name }).collect();
    let adopted = PlanAdopted {
        title: plan.title,
        municipality: plan.municipality,
        police_area: plan.police_area,
        period: plan.period,
        signed_on: plan.signed_on,
        promises,
        actors,
        areas,
        coordinators,
        measures,
    };
    Ok(PlanFile { id: plan.id, adopted, activities, targets, deadlines, people })
}
