//! A plan's current state, folded from its plan events: which activities, actors, areas, targets
//! and deadlines exist now, and which tertials are approved. The ledger decides commands against
//! it; the projector and the notifier read it.
//!
//! The fold trusts its input: events reach it only after the ledger accepted them.

use std::collections::BTreeMap;

use jiff::{civil::Date, Timestamp};

use crate::{
    event::{Event, PlanAdopted},
    ids::{ActivityId, AreaId, OrgId, PlanId, TargetId},
    plan::model::{Activity, Actor, Area, Coordinator, Promise, Target},
    tertial::Tertial,
};

/// An activity and its targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityState {
    pub activity: Activity,
    pub targets: BTreeMap<TargetId, Target>,
}

/// One plan as it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanState {
    pub id: PlanId,
    pub adopted: PlanAdopted,
    pub promises: BTreeMap<crate::ids::PromiseId, Promise>,
    pub actors: BTreeMap<OrgId, Actor>,
    pub areas: BTreeMap<AreaId, Area>,
    pub coordinators: Vec<Coordinator>,
    pub activities: BTreeMap<ActivityId, ActivityState>,
    /// The activities in the order they were added (the plan file's order).
    pub activity_order: Vec<ActivityId>,
    pub deadlines: BTreeMap<Tertial, Date>,
    /// Approved (locked) tertials and when they were approved.
    pub approved: BTreeMap<Tertial, Timestamp>,
    pub extended_until: Option<Date>,
}

impl PlanState {
    fn adopt(id: PlanId, p: &PlanAdopted) -> Self {
        Self {
            id,
            promises: p.promises.iter().map(|x| (x.id.clone(), x.clone())).collect(),
            actors: p.actors.iter().map(|x| (x.id.clone(), x.clone())).collect(),
            areas: p.areas.iter().map(|x| (x.id.clone(), x.clone())).collect(),
            coordinators: p.coordinators.clone(),
            activities: BTreeMap::new(),
            activity_order: vec![],
            deadlines: BTreeMap::new(),
            approved: BTreeMap::new(),
            extended_until: None,
            adopted: p.clone(),
        }
    }

    /// The activities in the plan's order.
    pub fn activities_in_order(&self) -> impl Iterator<Item = &ActivityState> {
        self.activity_order.iter().filter_map(|id| self.activities.get(id))
    }

    /// First day of the plan.
    pub fn starts(&self) -> Date {
        self.adopted.period.from()
    }

    /// Last day of the plan, extensions included.
    pub fn ends(&self) -> Date {
        self.extended_until.map_or(self.adopted.period.to(), |u| u.max(self.adopted.period.to()))
    }

    /// Whether `date` lies within the plan's (possibly extended) period.
    pub fn covers(&self, from: Date, to: Date) -> bool {
        from >= self.starts() && to <= self.ends()
    }

    /// Applies one accepted plan-level event.
    pub fn apply(&mut self, event: &Event, recorded_at: Timestamp) {
        match event {
            Event::ActivityAdded(a) => {
                if !self.activities.contains_key(&a.id) {
                    self.activity_order.push(a.id.clone());
                }
                self.activities.insert(a.id.clone(), ActivityState { activity: a.clone(), targets: BTreeMap::new() });
            }
            Event::ActivityAmended(e) => {
                if let Some(st) = self.activities.get_mut(&e.activity) {
                    let a = &mut st.activity;
                    if let Some(t) = &e.title {
                        a.title = t.clone();
                    }
                    if let Some(l) = &e.lead {
                        a.lead = l.clone();
                    }
                    if let Some(p) = &e.participants {
                        a.participants = p.clone();
                    }
                    if let Some(ar) = &e.areas {
                        a.areas = ar.clone();
                    }
                }
            }
            Event::TargetSet(e) => {
                if let Some(st) = self.activities.get_mut(&e.activity) {
                    st.targets.insert(e.target.id.clone(), e.target.clone());
                }
            }
            Event::DeadlineSet(e) => {
                self.deadlines.insert(e.tertial, e.due);
            }
            Event::PlanExtended(e) => self.extended_until = Some(e.until),
            Event::FollowUpApproved(e) => {
                self.approved.entry(e.tertial).or_insert(recorded_at);
            }
            _ => {}
        }
    }
}

/// Every plan a log knows of.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanBook {
    pub plans: BTreeMap<PlanId, PlanState>,
}

impl PlanBook {
    /// Applies one accepted event of `plan`.
    pub fn apply(&mut self, plan: &PlanId, event: &Event, recorded_at: Timestamp) {
        match event {
            Event::PlanAdopted(p) => {
                self.plans.entry(plan.clone()).or_insert_with(|| PlanState::adopt(plan.clone(), p));
            }
            other => {
                if let Some(state) = self.plans.get_mut(plan) {
                    state.apply(other, recorded_at);
                }
            }
        }
    }

    /// The plan, if adopted.
    pub fn get(&self, plan: &PlanId) -> Option<&PlanState> {
        self.plans.get(plan)
    }
}
