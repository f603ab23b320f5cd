//! The plan file's shape as serde reads it. Organisations, coordinators, areas and promises are
//! the model's own types; the plan table, activities (with their targets nested) and deadlines
//! have file-specific shapes that [`super::file`] checks and translates.

use jiff::civil::Date;
use serde::{de::Error as _, Deserialize, Deserializer};

use crate::{
    date::{parse_date, BusinessDate},
    ids::{ActivityId, AreaId, Metric, OrgId, PlanId, PromiseId, TargetId},
    plan::model::{Area, Cadence, Measure, Promise, RatioTarget},
    tertial::Tertial,
    text::{Email, Line},
};

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub plan: RawPlan,
    #[serde(default)]
    pub actors: Vec<RawActor>,
    #[serde(default)]
    pub coordinators: Vec<RawCoordinator>,
    #[serde(default)]
    pub areas: Vec<Area>,
    #[serde(default)]
    pub measures: Vec<Measure>,
    #[serde(default)]
    pub promises: Vec<Promise>,
    #[serde(default)]
    pub activities: Vec<RawActivity>,
    #[serde(default)]
    pub deadlines: Vec<RawDeadline>,
}

/// `[[actors]]`: an organisation, and the addresses of the people who report for it (these go
/// into the people directory when the plan is imported, not into its events).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawActor {
    pub id: OrgId,
    pub name: Line,
    #[serde(default)]
    pub reporters: Vec<Email>,
}

/// `[[coordinators]]`: a person who owns the plan's follow-up (into the people directory).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCoordinator {
    pub name: Line,
    pub email: Email,
    pub org: OrgId,
}

/// `[plan]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlan {
    pub id: PlanId,
    pub title: Line,
    pub municipality: Line,
    pub police_area: Line,
    pub period: BusinessDate,
    #[serde(default, deserialize_with = "opt_date")]
    pub signed_on: Option<Date>,
}

/// `[[activities]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawActivity {
    pub id: ActivityId,
    pub promise: PromiseId,
    pub title: Line,
    pub lead: OrgId,
    #[serde(default)]
    pub participants: Vec<OrgId>,
    #[serde(default)]
    pub areas: Vec<AreaId>,
    #[serde(default)]
    pub targets: Vec<RawTarget>,
}

/// `[[activities.targets]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTarget {
    pub id: TargetId,
    pub metric: Metric,
    pub text: Line,
    #[serde(default)]
    pub at_least: Option<u64>,
    #[serde(default)]
    pub exactly: Option<u64>,
    #[serde(default)]
    pub every: Option<Cadence>,
    #[serde(default)]
    pub ratio: Option<RatioTarget>,
    #[serde(default)]
    pub areas: Vec<AreaId>,
    #[serde(default)]
    pub each_area: bool,
}

/// `[[deadlines]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDeadline {
    pub tertial: Tertial,
    #[serde(deserialize_with = "date")]
    pub due: Date,
}

/// A local date, written as a string (`"2022-05-16"`) or as a bare TOML local date
/// (`2022-05-16`). A time or an offset is refused: deadlines and signatures are days.
fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    const EXPECTED: &str = "expected a date such as \"2022-05-16\"";
    match toml::Value::deserialize(d)? {
        toml::Value::String(s) => parse_date(&s).map_err(D::Error::custom),
        toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(x), None, None) => {
                let year = i16::try_from(x.year).map_err(|_| D::Error::custom(EXPECTED))?;
                // toml has already checked month and day against the calendar.
                Date::new(year, x.month as i8, x.day as i8).map_err(D::Error::custom)
            }
            _ => Err(D::Error::custom(format!("{EXPECTED}, not a time or date-time ({dt})"))),
        },
        other => Err(D::Error::custom(format!("{EXPECTED}, found {}", other.type_str()))),
    }
}

fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    date(d).map(Some)
}
