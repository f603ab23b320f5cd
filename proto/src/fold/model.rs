//! What the fold produces: per plan, per activity and tertial, the facts a follow-up cell is
//! written from, each with the ids of the events behind it; and the progress towards each target.
//! Maps are ordered, so the same events always serialise to the same bytes.

use std::collections::BTreeMap;

use jiff::{civil::Date, Timestamp};
use serde::Serialize;
use uuid::Uuid;

use super::figure::Figure;
use crate::{
    date::BusinessDate,
    event::Status,
    ids::{ActivityId, AreaId, Metric, OrgId, PlanId, PromiseId, TargetId},
    plan::{Comparator, Goal},
    quantity::{Approx, Hours},
    tertial::Tertial,
};

/// A plan's follow-up as known at `as_of`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSummary {
    pub plan: PlanId,
    pub title: String,
    pub municipality: String,
    pub police_area: String,
    pub period: BusinessDate,
    /// The tertials the plan's period touches.
    pub tertials: Vec<Tertial>,
    /// Approved (locked) tertials, and when.
    #[serde(serialize_with = "ser_ts_map")]
    pub approved: BTreeMap<Tertial, Timestamp>,
    /// When each approved tertial was last approved (approved again after a late amendment): the
    /// moment the public reads its report as of.
    #[serde(serialize_with = "ser_ts_map")]
    pub last_approved: BTreeMap<Tertial, Timestamp>,
    /// The due dates the plan sets (`deadline_set`); a tertial without one is due by the
    /// reminder policy's default (see `calendar::due_date`).
    pub deadlines: BTreeMap<Tertial, Date>,
    pub promises: Vec<PromiseSummary>,
    /// Display names of the plan's areas and organisations.
    pub areas: BTreeMap<AreaId, String>,
    pub organisations: BTreeMap<OrgId, String>,
    /// The measures the plan names, by metric slug (see `report::measure_name`).
    pub measures: BTreeMap<String, crate::plan::model::Measure>,
    /// The last event taken into account.
    pub last_seq: u64,
    #[serde(serialize_with = "ser_opt_ts")]
    pub as_of: Option<Timestamp>,
}

/// One promise and its activities, in plan order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromiseSummary {
    pub id: PromiseId,
    pub title: String,
    pub activities: Vec<ActivitySummary>,
}

/// One activity: a cell per tertial and the progress towards each target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivitySummary {
    pub id: ActivityId,
    pub title: String,
    pub lead: OrgId,
    pub participants: Vec<OrgId>,
    pub cells: BTreeMap<Tertial, Cell>,
    pub targets: Vec<TargetProgress>,
}

/// Something that happened, as a cell lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Occurrence {
    pub date: BusinessDate,
    /// Place, topic or title, as reported.
    pub what: Vec<String>,
    pub area: Option<AreaId>,
    pub participants: Option<Approx>,
    pub actor: OrgId,
    /// The event that recorded it and any correction of it.
    pub events: Vec<Uuid>,
}

/// Sums of one counted measure.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct MeasureSum {
    pub count: Figure,
    #[serde(serialize_with = "ser_hours")]
    pub hours: Hours,
    pub sub: BTreeMap<Metric, u64>,
    /// The same, per area (`null`: reported without an area).
    pub by_area: BTreeMap<String, AreaSum>,
}

/// A measure's sums in one area.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AreaSum {
    pub count: Figure,
    #[serde(serialize_with = "ser_hours")]
    pub hours: Hours,
    pub sub: BTreeMap<Metric, u64>,
}

/// Something retracted: its kind, what it said, who recorded it, why it was withdrawn, and the
/// events (original, corrections, the retraction).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetractedFact {
    /// The event kind, e.g. `dialogue_held`.
    pub kind: String,
    pub date: Option<BusinessDate>,
    pub what: Vec<String>,
    pub actor: OrgId,
    pub reason: String,
    pub events: Vec<Uuid>,
}

/// The latest status reported for an activity and tertial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusFact {
    pub status: Status,
    pub until: Option<crate::until::Until>,
    pub note: Option<String>,
    pub actor: OrgId,
    pub event: Uuid,
}

/// A reporter's note for the cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteFact {
    pub actor: OrgId,
    pub text: String,
    pub event: Uuid,
}

/// Everything known about one activity in one tertial.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Cell {
    pub meetings: Vec<Occurrence>,
    pub dialogues: Vec<Occurrence>,
    pub workshops: Vec<Occurrence>,
    pub trainings: Vec<Occurrence>,
    pub milestones: Vec<Occurrence>,
    /// Situation pictures per area, with the periods they cover.
    pub situation_pictures: BTreeMap<String, Vec<Occurrence>>,
    pub measures: BTreeMap<Metric, MeasureSum>,
    pub status: Option<StatusFact>,
    pub notes: Vec<NoteFact>,
    /// Organisations whose follow-up is submitted, and the event saying so.
    pub submitted: BTreeMap<OrgId, Uuid>,
    /// Organisations that take part and have not submitted.
    pub pending: Vec<OrgId>,
    /// Events recorded for this tertial after it was approved.
    pub late_amendments: Vec<Uuid>,
    /// What was retracted, as it was then, and why (not counted anywhere).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retracted: Vec<RetractedFact>,
}

impl Cell {
    /// Each figure of the cell and the ids of the events behind it (originals and corrections),
    /// e.g. `("measure:fotpatrullering", [..])`; figures without events are left out. The events
    /// behind measures are not kept in a cell: `measures` gives them (see [`super::measure_events`]).
    pub fn provenance(&self, measures: Option<&BTreeMap<Metric, Vec<Uuid>>>) -> Vec<(String, Vec<Uuid>)> {
        let occ = |v: &Vec<Occurrence>| v.iter().flat_map(|o| o.events.iter().copied()).collect::<Vec<_>>();
        let mut out = vec![
            ("meetings".to_owned(), occ(&self.meetings)),
            ("dialogues".to_owned(), occ(&self.dialogues)),
            ("workshops".to_owned(), occ(&self.workshops)),
            ("trainings".to_owned(), occ(&self.trainings)),
            ("milestones".to_owned(), occ(&self.milestones)),
        ];
        for (area, pics) in &self.situation_pictures {
            out.push((format!("situation_pictures:{area}"), occ(pics)));
        }
        for (metric, ids) in measures.into_iter().flatten() {
            out.push((format!("measure:{metric}"), ids.clone()));
        }
        out.push(("status".to_owned(), self.status.iter().map(|s| s.event).collect()));
        out.push(("notes".to_owned(), self.notes.iter().map(|n| n.event).collect()));
        out.push(("submitted".to_owned(), self.submitted.values().copied().collect()));
        out.push(("late_amendments".to_owned(), self.late_amendments.clone()));
        out.retain(|(_, ids)| !ids.is_empty());
        out
    }

    /// Whether nothing at all was reported.
    pub fn is_empty(&self) -> bool {
        self.meetings.is_empty()
            && self.dialogues.is_empty()
            && self.workshops.is_empty()
            && self.trainings.is_empty()
            && self.milestones.is_empty()
            && self.situation_pictures.is_empty()
            && self.measures.is_empty()
            && self.status.is_none()
            && self.notes.is_empty()
    }
}

/// Where a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// Reached (for "exactly": reached and not exceeded).
    Met,
    /// Not reached, but at or above the pro-rata expectation.
    OnTrack,
    /// Below the pro-rata expectation.
    Behind,
    /// An "exactly" target exceeded.
    Exceeded,
}

/// Progress towards one target, year to date through a tertial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetProgress {
    pub id: TargetId,
    pub metric: Metric,
    pub text: String,
    pub areas: Vec<AreaId>,
    pub goal: Goal,
    /// Progress through the end of each tertial (or the reference day, if earlier).
    pub by_tertial: BTreeMap<Tertial, Progress>,
}

/// Year to date at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// Through this day.
    pub through: Date,
    /// Counted so far (for a cadence: periods covered).
    pub actual: Figure,
    /// What the target asks for by the end of the plan (for a cadence: periods in the plan).
    pub target: u64,
    /// The pro-rata share of `target` for the part of the plan elapsed by `through`.
    pub expected: u64,
    /// `actual` as a share of `target`, in whole percent.
    pub percent: u64,
    /// For a ratio sub-target: the sub-count and its share of `actual`, in whole percent.
    pub ratio: Option<(u64, u64)>,
    pub status: TargetStatus,
    pub comparator: Option<Comparator>,
}

fn ser_ts_map<S: serde::Serializer>(m: &BTreeMap<Tertial, Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(m.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

fn ser_opt_ts<S: serde::Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.collect_str(t),
        None => s.serialize_none(),
    }
}

fn ser_hours<S: serde::Serializer>(h: &Hours, s: S) -> Result<S::Ok, S::Error> {
    h.serialize(s)
}
