//! Identifiers as newtypes: a plan, an activity, an organisation can never be mixed up, and an id
//! that exists has already been checked (parse, don't validate).
//!
//! Ids are *slugs*: 1–64 characters of `a-z`, `0-9` and `-`, starting with a letter or digit.
//! Swedish names become slugs without their diacritics (`Råslätt` → `raslatt`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Why a string is not a valid slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters, got {got}")]
    TooLong { max: usize, got: usize },
    #[error("may only contain a-z, 0-9 and '-' and must start with a letter or digit (found {0:?})")]
    BadChar(char),
}

/// The longest slug accepted.
pub const SLUG_MAX: usize = 64;

/// Checks `s` against the slug rules.
pub fn check_slug(s: &str) -> Result<(), SlugError> {
    if s.is_empty() {
        return Err(SlugError::Empty);
    }
    let len = s.chars().count();
    if len > SLUG_MAX {
        return Err(SlugError::TooLong { max: SLUG_MAX, got: len });
    }
    for (i, c) in s.chars().enumerate() {
        let ok = c.is_ascii_lowercase() || c.is_ascii_digit() || (c == '-' && i > 0);
        if !ok {
            return Err(SlugError::BadChar(c));
        }
    }
    Ok(())
}

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, pattern = "^[a-z0-9][a-z0-9-]{0,63}$")]
        pub struct $name(String);

        impl $name {
            /// Parses a slug.
            pub fn new(s: impl Into<String>) -> Result<Self, SlugError> {
                let s = s.into();
                check_slug(&s)?;
                Ok(Self(s))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = SlugError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::new(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

slug_id!(
    /// A plan (one year's medborgarlöfte), e.g. `jonkoping-2022`.
    PlanId
);
slug_id!(
    /// A promise (löfte, focus area) within a plan.
    PromiseId
);
slug_id!(
    /// An activity within a plan, e.g. `fotpatrullering`.
    ActivityId
);
slug_id!(
    /// An organisation taking part: `polisen`, `kommunen`, `vatterhem`, …
    OrgId
);
slug_id!(
    /// A geographic area named in a plan: `raslatt`, `oxnehaga`, …
    AreaId
);
slug_id!(
    /// A target (målvärde) of an activity.
    TargetId
);
slug_id!(
    /// A ledger instance; each owns its log, its sequence and its chain.
    LedgerId
);

/// A metric that a target counts or a measure reports: a measure name such as
/// `fotpatrullering`, or one of the occurrence counts [`Metric::MEETINGS`] etc.
pub type Metric = TargetId;

impl TargetId {
    /// Counts `meeting_held` events.
    pub const MEETINGS: &'static str = "meetings";
    /// Counts `dialogue_held` events.
    pub const DIALOGUES: &'static str = "dialogues";
    /// Counts `workshop_held` events.
    pub const WORKSHOPS: &'static str = "workshops";
    /// Counts `training_given` events.
    pub const TRAININGS: &'static str = "trainings";
    /// Counts `situation_picture_made` events.
    pub const SITUATION_PICTURES: &'static str = "situation-pictures";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_accept_and_reject() {
        assert!(PlanId::new("jonkoping-2022").is_ok());
        assert_eq!(PlanId::new(""), Err(SlugError::Empty));
        assert_eq!(PlanId::new("Råslätt"), Err(SlugError::BadChar('R')));
        assert_eq!(PlanId::new("-x"), Err(SlugError::BadChar('-')));
        assert!(matches!(PlanId::new("a".repeat(65)), Err(SlugError::TooLong { .. })));
    }

    #[test]
    fn slugs_reject_on_deserialize() {
        let r: Result<OrgId, _> = serde_json::from_str("\"Polisen\"");
        assert!(r.is_err());
    }
}
