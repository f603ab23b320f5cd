//! Payloads of the plan events: adopting a plan and amending it during the year.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{
    date::BusinessDate,
    ids::{ActivityId, AreaId, OrgId},
    plan::model::{Activity, Actor, Area, Coordinator, Measure, Promise, Target},
    tertial::Tertial,
    text::Line,
};

/// A plan is adopted: its period, promises, organisations, areas and coordinators.
/// Activities, targets and deadlines follow as their own events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanAdopted {
    pub title: Line,
    pub municipality: Line,
    pub police_area: Line,
    /// The days the plan covers, usually one calendar year.
    #[schema(value_type = String, example = "2022-01-01..2022-12-31")]
    pub period: BusinessDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub signed_on: Option<Date>,
    pub promises: Vec<Promise>,
    pub actors: Vec<Actor>,
    #[serde(default)]
    pub areas: Vec<Area>,
    pub coordinators: Vec<Coordinator>,
    /// The measures it counts, named and with their units, for reports, mails and the CLI.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<Measure>,
}

/// An activity is changed during the year; absent fields stay as they were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityAmended {
    pub activity: ActivityId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Line>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<OrgId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<Vec<OrgId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub areas: Option<Vec<AreaId>>,
    pub reason: Line,
}

/// A target is set on an activity (or replaced: same target id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetSet {
    pub activity: ActivityId,
    pub target: Target,
}

/// The follow-up of a tertial is due on a local date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineSet {
    pub tertial: Tertial,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
}

/// The plan is extended (work slips into next year; a plan is prolonged for another year).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanExtended {
    #[schema(value_type = String, format = Date)]
    pub until: Date,
    pub reason: Line,
}

/// Re-exported here so that `activity_added`'s payload is simply an [`Activity`].
pub type ActivityAdded = Activity;
