//! The plan model: what a medborgarlöfte consists of. These types appear inside plan events
//! (`plan_adopted`, `activity_added`, `target_set`, …) and in the state folded from them.

use serde::{Deserialize, Serialize};

use crate::{
    ids::{ActivityId, AreaId, Metric, OrgId, PromiseId, TargetId},
    text::Line,
};

/// An organisation taking part (Polisen, Kommunen, Vätterhem, …). The people who report for it
/// are in the people directory, not here (ADR 0017).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: OrgId,
    pub name: Line,
}

/// An organisation whose coordinators own the plan's follow-up (escalations, approvals). The
/// coordinators themselves are in the people directory (ADR 0017).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Coordinator {
    pub org: OrgId,
}

/// A geographic area named in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: AreaId,
    pub name: Line,
}

/// A measure the plan counts (a target's or a report's metric), named as the report prints it:
/// `Orosanmälningar`, counted in `anmälningar`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// The metric's slug, as events and targets name it.
    pub id: Metric,
    /// Its name in Swedish, e.g. "Orosanmälningar".
    pub name: Line,
    /// What it counts, plural, e.g. "anmälningar" ("tillfällen" when not declared).
    pub unit: Line,
    /// The unit for one, e.g. "anmälan" (the plural when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_one: Option<Line>,
}

/// A promise (löfte, focus area).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Promise {
    pub id: PromiseId,
    pub title: Line,
}

/// An activity: what someone will do to keep a promise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub id: ActivityId,
    pub promise: PromiseId,
    /// The activity as the plan words it.
    pub title: Line,
    /// The organisation leading it.
    pub lead: OrgId,
    /// Other organisations taking part.
    #[serde(default)]
    pub participants: Vec<OrgId>,
    /// Areas it concerns (empty: the whole municipality).
    #[serde(default)]
    pub areas: Vec<AreaId>,
}

impl Activity {
    /// Whether `org` leads or takes part in this activity.
    pub fn involves(&self, org: &OrgId) -> bool {
        &self.lead == org || self.participants.contains(org)
    }
}

/// How a count target compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// "minst 800"
    AtLeast,
    /// "20 ärenden"
    Exactly,
}

/// How often something must happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Weekly,
    Monthly,
}

/// "varav minst 20 procent förstagångsanvändare": a share of the counted total that must carry a
/// given sub-count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatioTarget {
    /// The sub-count's name, as reported in `measure_counted.sub`.
    pub sub: Metric,
    /// The minimum share, in percent (0–100).
    pub at_least_percent: u8,
}

/// What a target asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Goal {
    /// A count over the plan year.
    Count {
        comparator: Comparator,
        value: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ratio: Option<RatioTarget>,
    },
    /// Something that must recur (a weekly situation picture, weekly BOS meetings).
    Cadence { every: Cadence },
}

/// A target (målvärde) of an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub id: TargetId,
    /// What is counted: a measure name (`fotpatrullering`) or an occurrence count (`meetings`).
    pub metric: Metric,
    /// The areas whose figures count towards it (empty: all of the activity's).
    #[serde(default)]
    pub areas: Vec<AreaId>,
    pub goal: Goal,
    /// The plan's own words for it.
    pub text: Line,
}
