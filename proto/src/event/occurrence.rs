//! Payloads of what actually happens, as it happens. Each names its activity and a local business
//! date (or, for statuses and notes, the tertial they speak of).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{
    date::BusinessDate,
    ids::{ActivityId, AreaId, Metric},
    quantity::{Approx, Hours},
    tertial::Tertial,
    text::{Line, Note},
    until::Until,
};

/// A meeting was held (SSG, BOS, samverkansmöte, a start-up meeting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingHeld {
    pub activity: ActivityId,
    pub date: BusinessDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Line>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Line>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<AreaId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<Approx>,
}

/// A citizen dialogue was held ("13/1 Österängen, Gängsnacket").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialogueHeld {
    pub activity: ActivityId,
    pub date: BusinessDate,
    /// Where, when the document says ("Österängen"); a dialogue with the faith communities may
    /// have no one place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Line>,
    pub topic: Line,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<AreaId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<Approx>,
}

/// A workshop was held; a training was given. Same shape, different kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub activity: ActivityId,
    pub date: BusinessDate,
    pub title: Line,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<AreaId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<Approx>,
}

/// Something counted: foot patrols (occasions and hours), traffic controls, dog searches, drug
/// offences detected "of which first-time users" (a sub-count), SIG cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureCounted {
    pub activity: ActivityId,
    /// The day or days the count covers.
    pub date: BusinessDate,
    pub metric: Metric,
    pub count: Approx,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Hours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<AreaId>,
    /// Sub-counts of `count`, e.g. `{"forstagangsanvandare": 3}`; each at most `count`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sub: BTreeMap<Metric, u64>,
}

/// A situation picture (lägesbild) was produced for an area and a week or month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SituationPictureMade {
    pub activity: ActivityId,
    /// The day it was produced.
    pub date: BusinessDate,
    pub area: AreaId,
    /// The days it covers (a week, a month).
    pub period: BusinessDate,
}

/// A milestone: a document decided, a person hired, lighting improved, a safety walk done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneReached {
    pub activity: ActivityId,
    pub date: BusinessDate,
    pub title: Line,
}

/// Where an activity stands in a tertial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Explicitly nothing this tertial ("Inga aktiviteter under tertialen").
    None,
    Planned,
    Ongoing,
    Done,
    /// Moved to a later date (`until`).
    Postponed,
    Cancelled,
}

/// The status of an activity for a tertial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChanged {
    pub activity: ActivityId,
    pub tertial: Tertial,
    pub status: Status,
    /// For `postponed`: the day or month it is moved to (`2025-01-31`, `2025-01`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "2025-01")]
    pub until: Option<Until>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Line>,
}

/// The text an actor wants in a tertial's cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteWritten {
    pub activity: ActivityId,
    pub tertial: Tertial,
    pub text: Note,
}
