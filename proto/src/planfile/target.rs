//! Checking one `[[activities.targets]]` entry: its goal, its areas, its `each_area` expansion.

use std::collections::BTreeSet;

use super::{
    check::{known_area, repeated},
    error::PlanFileError,
    raw::{RawActivity, RawTarget},
};
use crate::{
    ids::{AreaId, Metric, TargetId},
    plan::model::{Comparator, Goal, Target},
    quantity::MAX_COUNT,
};

/// Whether `metric` counts occurrence events (`meetings`, …) rather than naming a measure.
fn is_occurrence_metric(metric: &Metric) -> bool {
    [TargetId::MEETINGS, TargetId::DIALOGUES, TargetId::WORKSHOPS, TargetId::TRAININGS, TargetId::SITUATION_PICTURES]
        .contains(&metric.as_str())
}

/// Checks one `[[activities.targets]]` entry and turns it into one target, or one per area
/// with `each_area`.
pub(super) fn expand_target(
    activity: &RawActivity,
    rt: &RawTarget,
    declared: &BTreeSet<&str>,
    place: &str,
) -> Result<Vec<Target>, PlanFileError> {
    let goal = goal(rt, place)?;
    repeated(&format!("{place}.areas"), rt.areas.iter().map(|a| a.as_str()))?;
    for (k, a) in rt.areas.iter().enumerate() {
        let at = format!("{place}.areas[{k}]");
        known_area(declared, a, &at)?;
        // An activity without areas concerns the whole municipality: any declared area will do.
        if !activity.areas.is_empty() && !activity.areas.contains(a) {
            return Err(PlanFileError::AreaNotInActivity { place: at, id: a.to_string() });
        }
    }
    let single = |id: TargetId, areas: Vec<AreaId>| Target {
        id,
        metric: rt.metric.clone(),
        areas,
        goal: goal.clone(),
        text: rt.text.clone(),
    };
    if !rt.each_area {
        return Ok(vec![single(rt.id.clone(), rt.areas.clone())]);
    }
    let areas = if rt.areas.is_empty() { &activity.areas } else { &rt.areas };
    if areas.is_empty() {
        return Err(PlanFileError::invalid(
            format!("{place}.each_area"),
            "needs areas to expand over: list them in the target's or the activity's `areas`",
        ));
    }
    areas
        .iter()
        .map(|a| {
            let id = format!("{}-{}", rt.id, a);
            let id = TargetId::new(id.as_str()).map_err(|e| {
                PlanFileError::invalid(format!("{place}.id"), format!("expanded id {id:?} is not a valid id: {e}"))
            })?;
            Ok(single(id, vec![a.clone()]))
        })
        .collect()
}

/// The goal of a target: exactly one of `at_least`, `exactly`, `every`; `ratio` only on counts of
/// a measure.
fn goal(rt: &RawTarget, place: &str) -> Result<Goal, PlanFileError> {
    let found: Vec<&str> =
        [rt.at_least.map(|_| "`at_least`"), rt.exactly.map(|_| "`exactly`"), rt.every.map(|_| "`every`")]
            .into_iter()
            .flatten()
            .collect();
    let count = |comparator, value: u64, key: &str| {
        if value > MAX_COUNT {
            return Err(PlanFileError::invalid(format!("{place}.{key}"), format!("at most {MAX_COUNT}, got {value}")));
        }
        if let Some(r) = &rt.ratio {
            if r.at_least_percent > 100 {
                return Err(PlanFileError::invalid(
                    format!("{place}.ratio.at_least_percent"),
                    format!("a share is at most 100 percent, got {}", r.at_least_percent),
                ));
            }
            if is_occurrence_metric(&rt.metric) {
                return Err(PlanFileError::invalid(
                    format!("{place}.ratio"),
                    format!(
                        "{:?} counts events, which carry no sub-counts; a ratio needs a measure",
                        rt.metric.as_str()
                    ),
                ));
            }
        }
        Ok(Goal::Count { comparator, value, ratio: rt.ratio.clone() })
    };
    match (rt.at_least, rt.exactly, rt.every) {
        (Some(v), None, None) => count(Comparator::AtLeast, v, "at_least"),
        (None, Some(v), None) => count(Comparator::Exactly, v, "exactly"),
        (None, None, Some(every)) => {
            if rt.ratio.is_some() {
                return Err(PlanFileError::invalid(
                    format!("{place}.ratio"),
                    "a ratio goes with `at_least` or `exactly`, not with `every`",
                ));
            }
            Ok(Goal::Cadence { every })
        }
        _ => Err(PlanFileError::Goal {
            place: place.to_owned(),
            found: if found.is_empty() { "none".to_owned() } else { found.join(" and ") },
        }),
    }
}
