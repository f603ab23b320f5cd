//! The [`Event`] enum (every kind, adjacently tagged on the wire) and its [`Kind`].

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use super::{follow_up::*, occurrence::*, plan::*};
use crate::{date::BusinessDate, ids::ActivityId, plan::model::Activity, tertial::Tertial};

/// One event's kind and payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Event {
    PlanAdopted(PlanAdopted),
    ActivityAdded(Activity),
    ActivityAmended(ActivityAmended),
    TargetSet(TargetSet),
    DeadlineSet(DeadlineSet),
    PlanExtended(PlanExtended),
    MeetingHeld(MeetingHeld),
    DialogueHeld(DialogueHeld),
    WorkshopHeld(Session),
    TrainingGiven(Session),
    MeasureCounted(MeasureCounted),
    SituationPictureMade(SituationPictureMade),
    MilestoneReached(MilestoneReached),
    StatusChanged(StatusChanged),
    NoteWritten(NoteWritten),
    FollowUpSubmitted(FollowUpSubmitted),
    FollowUpApproved(FollowUpApproved),
    EventCorrected(EventCorrected),
    EventRetracted(EventRetracted),
    ReminderSent(ReminderSent),
    ReminderFailed(ReminderFailed),
}

macro_rules! kinds {
    ($($variant:ident = $name:literal),* $(,)?) => {
        /// An event's kind without its payload.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant),* }

        impl Kind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// The kind's wire name, e.g. `dialogue_held`.
            pub fn as_str(self) -> &'static str {
                match self { $(Kind::$variant => $name),* }
            }
        }

        impl Event {
            /// This event's kind.
            pub fn kind(&self) -> Kind {
                match self { $(Event::$variant(_) => Kind::$variant),* }
            }
        }
    };
}

kinds! {
    PlanAdopted = "plan_adopted",
    ActivityAdded = "activity_added",
    ActivityAmended = "activity_amended",
    TargetSet = "target_set",
    DeadlineSet = "deadline_set",
    PlanExtended = "plan_extended",
    MeetingHeld = "meeting_held",
    DialogueHeld = "dialogue_held",
    WorkshopHeld = "workshop_held",
    TrainingGiven = "training_given",
    MeasureCounted = "measure_counted",
    SituationPictureMade = "situation_picture_made",
    MilestoneReached = "milestone_reached",
    StatusChanged = "status_changed",
    NoteWritten = "note_written",
    FollowUpSubmitted = "follow_up_submitted",
    FollowUpApproved = "follow_up_approved",
    EventCorrected = "event_corrected",
    EventRetracted = "event_retracted",
    ReminderSent = "reminder_sent",
    ReminderFailed = "reminder_failed",
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown event kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event kind {0:?}")]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == s).ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

impl Kind {
    /// Whether this kind changes the plan itself (not something done under it).
    pub fn is_plan_change(self) -> bool {
        matches!(
            self,
            Kind::PlanAdopted
                | Kind::ActivityAdded
                | Kind::ActivityAmended
                | Kind::TargetSet
                | Kind::DeadlineSet
                | Kind::PlanExtended
        )
    }

    /// Whether this kind records something that happened under an activity, and so can be
    /// corrected or retracted.
    pub fn is_occurrence(self) -> bool {
        matches!(
            self,
            Kind::MeetingHeld
                | Kind::DialogueHeld
                | Kind::WorkshopHeld
                | Kind::TrainingGiven
                | Kind::MeasureCounted
                | Kind::SituationPictureMade
                | Kind::MilestoneReached
                | Kind::StatusChanged
                | Kind::NoteWritten
        )
    }

    /// The payload schema version written today. Raise it when a payload changes shape, and
    /// teach [`crate::upcast`] to lift the old shape.
    pub fn schema_version(self) -> u32 {
        match self {
            // 2: without people (ADR 0017): `plan_adopted` names organisations, the reminders a
            // person of the directory by id.
            Kind::PlanAdopted | Kind::ReminderSent | Kind::ReminderFailed => 2,
            _ => 1,
        }
    }
}

impl Event {
    /// The activity this event is about, if any.
    pub fn activity(&self) -> Option<&ActivityId> {
        match self {
            Event::ActivityAdded(a) => Some(&a.id),
            Event::ActivityAmended(e) => Some(&e.activity),
            Event::TargetSet(e) => Some(&e.activity),
            Event::MeetingHeld(e) => Some(&e.activity),
            Event::DialogueHeld(e) => Some(&e.activity),
            Event::WorkshopHeld(e) | Event::TrainingGiven(e) => Some(&e.activity),
            Event::MeasureCounted(e) => Some(&e.activity),
            Event::SituationPictureMade(e) => Some(&e.activity),
            Event::MilestoneReached(e) => Some(&e.activity),
            Event::StatusChanged(e) => Some(&e.activity),
            Event::NoteWritten(e) => Some(&e.activity),
            Event::FollowUpSubmitted(e) => Some(&e.activity),
            Event::EventCorrected(e) => e.replacement.activity(),
            _ => None,
        }
    }

    /// The local business date of an occurrence.
    pub fn business_date(&self) -> Option<&BusinessDate> {
        match self {
            Event::MeetingHeld(e) => Some(&e.date),
            Event::DialogueHeld(e) => Some(&e.date),
            Event::WorkshopHeld(e) | Event::TrainingGiven(e) => Some(&e.date),
            Event::MeasureCounted(e) => Some(&e.date),
            Event::SituationPictureMade(e) => Some(&e.date),
            Event::MilestoneReached(e) => Some(&e.date),
            Event::EventCorrected(e) => e.replacement.business_date(),
            _ => None,
        }
    }

    /// The tertial the event speaks of: named explicitly, or decided by the business date.
    pub fn tertial(&self) -> Option<Tertial> {
        match self {
            Event::StatusChanged(e) => Some(e.tertial),
            Event::NoteWritten(e) => Some(e.tertial),
            Event::FollowUpSubmitted(e) => Some(e.tertial),
            Event::FollowUpApproved(e) => Some(e.tertial),
            Event::ReminderSent(e) => Some(e.tertial),
            Event::ReminderFailed(e) => Some(e.tertial),
            Event::EventCorrected(e) => e.replacement.tertial(),
            _ => self.business_date().map(|d| Tertial::of(d.deciding_day())),
        }
    }
}
