//! What can be wrong with a plan file. Every error names the place at fault: TOML syntax and type
//! errors carry toml's own line and column; semantic errors name the table and field, with
//! 0-based indices into the arrays of tables (`activities[3].lead`).

use crate::{date::BusinessDate, tertial::Tertial};

/// Why a plan file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFileError {
    /// Not TOML, or not the plan file's shape: a missing or unknown key, a wrong type, a bad id,
    /// text, date or tertial. The message gives the line and column.
    #[error("{0}")]
    Syntax(Box<toml::de::Error>),
    /// Two entries of one kind share an id (actors, areas, promises, activities, targets).
    #[error("{place}: duplicate id {id:?}")]
    DuplicateId { place: String, id: String },
    /// The same id appears twice in one list (participants, areas, deadlines' tertials).
    #[error("{place}: {id:?} is listed twice")]
    Repeated { place: String, id: String },
    /// An organisation that is not among `actors`.
    #[error("{place}: unknown organisation {id:?}")]
    UnknownOrganisation { place: String, id: String },
    /// A promise that is not among `promises`.
    #[error("{place}: unknown promise {id:?}")]
    UnknownPromise { place: String, id: String },
    /// An area that is not among `areas`.
    #[error("{place}: unknown area {id:?}")]
    UnknownArea { place: String, id: String },
    /// A target names an area its activity is not tied to.
    #[error("{place}: area {id:?} is not among the activity's areas")]
    AreaNotInActivity { place: String, id: String },
    /// A target must say exactly one of `at_least`, `exactly` or `every`.
    #[error("{place}: give exactly one of `at_least`, `exactly` or `every` (found {found})")]
    Goal { place: String, found: String },
    /// A deadline for a tertial that does not overlap the plan's period.
    #[error("{place}: tertial {tertial} lies outside the plan period {period}")]
    OutsidePeriod { place: String, tertial: Tertial, period: BusinessDate },
    /// Any other rule broken; the reason says which.
    #[error("{place}: {reason}")]
    Invalid { place: String, reason: String },
}

impl PlanFileError {
    /// The table and field at fault, e.g. `activities[3].lead` (`None` for syntax errors, whose
    /// message carries line and column instead).
    pub fn place(&self) -> Option<&str> {
        match self {
            PlanFileError::Syntax(_) => None,
            PlanFileError::DuplicateId { place, .. }
            | PlanFileError::Repeated { place, .. }
            | PlanFileError::UnknownOrganisation { place, .. }
            | PlanFileError::UnknownPromise { place, .. }
            | PlanFileError::UnknownArea { place, .. }
            | PlanFileError::AreaNotInActivity { place, .. }
            | PlanFileError::Goal { place, .. }
            | PlanFileError::OutsidePeriod { place, .. }
            | PlanFileError::Invalid { place, .. } => Some(place),
        }
    }

    pub(super) fn invalid(place: impl Into<String>, reason: impl Into<String>) -> Self {
        PlanFileError::Invalid { place: place.into(), reason: reason.into() }
    }
}

impl From<toml::de::Error> for PlanFileError {
    fn from(e: toml::de::Error) -> Self {
        PlanFileError::Syntax(Box::new(e))
    }
}
