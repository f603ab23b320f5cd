//! Payloads of the follow-up itself, of corrections, and of notifications.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{ids::ActivityId, tertial::Tertial, text::Line};

use super::Event;

/// An actor's part of an activity's tertial follow-up is done (the actor is the envelope's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpSubmitted {
    pub activity: ActivityId,
    pub tertial: Tertial,
}

/// A coordinator approves and locks a tertial's report. Anything recorded for that tertial
/// afterwards is a late amendment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpApproved {
    pub tertial: Tertial,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Line>,
}

/// An earlier occurrence is corrected: `replacement` takes its place (same kind, same activity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventCorrected {
    /// The id of the event corrected.
    pub event: Uuid,
    pub reason: Line,
    #[schema(value_type = Object)]
    pub replacement: Box<Event>,
}

/// An earlier occurrence is withdrawn; it no longer counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRetracted {
    pub event: Uuid,
    pub reason: Line,
}

/// A reminder or escalation was handed to the mail server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderSent {
    pub tertial: Tertial,
    /// Which occasion: e.g. `due-14`, `due-3`, `due`, `escalation-1`.
    pub occasion: crate::ids::TargetId,
    /// Who it went to: a person of the directory (ADR 0017); the nil id for a reminder recorded
    /// before the directory (schema 1 named an address).
    #[schema(value_type = String, format = Uuid)]
    pub person: Uuid,
    pub message_id: Line,
    pub activities: Vec<ActivityId>,
}

/// A reminder could not be delivered after repeated attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderFailed {
    pub tertial: Tertial,
    pub occasion: crate::ids::TargetId,
    #[schema(value_type = String, format = Uuid)]
    pub person: Uuid,
    pub attempts: u32,
    pub error: Line,
}
