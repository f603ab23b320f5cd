//! What a client sends to record an event, and its parsing into typed form. Every parse error
//! names the field at fault (`data.count`, `plan`, …) so the API can say exactly what was wrong.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::{
    event::{Event, Kind},
    ids::{OrgId, PlanId},
};

/// A request to record one event (the body of `POST /v1/events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    pub plan: PlanId,
    /// The organisation on whose behalf it is recorded.
    pub actor: OrgId,
    /// The event kind, e.g. `dialogue_held`.
    #[schema(example = "dialogue_held")]
    pub kind: String,
    /// The payload for that kind (see the `Event` schema).
    #[schema(value_type = Object)]
    pub data: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<Uuid>,
}

/// A typed command, ready to be decided on.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub plan: PlanId,
    pub actor: OrgId,
    pub event: Event,
    pub correlation_id: Option<Uuid>,
    pub causation_id: Option<Uuid>,
}

/// A field that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// Dotted path to the field, e.g. `data.count` (empty for the body as a whole).
    pub field: String,
    pub message: String,
}

fn field_error(prefix: &str, e: serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let mut path = e.path().to_string();
    if path == "." || path == "?" {
        path.clear();
    }
    let message = e.inner().to_string();
    // serde reports an unknown or repeated field at its parent; point at the field itself.
    if let Some(rest) = message.strip_prefix("unknown field `").or_else(|| message.strip_prefix("duplicate field `")) {
        if let Some(name) = rest.split('`').next() {
            if !(path == name || path.ends_with(&format!(".{name}"))) {
                path = if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
            }
        }
    }
    let field = match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path,
        (false, true) => prefix.to_owned(),
        (false, false) => format!("{prefix}.{path}"),
    };
    // Drop serde_json's " at line 1 column 17" suffix: the field says where.
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    };
    FieldError { field: outermost_list(&field), message }
}

/// No field of Lofte's is a list of lists: where the path runs into one (`data.count[0][0]…`, a
/// deeply nested value sent where a number belongs), the field at fault is the one holding it.
fn outermost_list(path: &str) -> String {
    match path.find("][").and_then(|i| path[..i].rfind('[')) {
        Some(start) => path[..start].to_owned(),
        None => path.to_owned(),
    }
}

/// The body as parsed on the hot path: `data` stays raw JSON and is parsed once, straight into
/// its typed payload, instead of via a `serde_json::Value` tree.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNewEvent<'a> {
    plan: PlanId,
    actor: OrgId,
    #[serde(borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    data: &'a serde_json::value::RawValue,
    #[serde(default)]
    correlation_id: Option<Uuid>,
    #[serde(default)]
    causation_id: Option<Uuid>,
}

/// Parses a request body into a typed command.
pub fn parse_command(body: &[u8]) -> Result<Command, FieldError> {
    // serde would accept a struct written as an array; a command is an object, nothing else.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(FieldError { field: String::new(), message: "the body must be a JSON object".into() });
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    let raw: RawNewEvent<'_> = serde_path_to_error::deserialize(de).map_err(|e| field_error("", e))?;
    let kind = parse_kind(&raw.kind)?;
    let de = &mut serde_json::Deserializer::from_str(raw.data.get());
    let event = parse_payload(kind, de)?;
    Ok(Command {
        plan: raw.plan,
        actor: raw.actor,
        event,
        correlation_id: raw.correlation_id,
        causation_id: raw.causation_id,
    })
}

fn parse_kind(kind: &str) -> Result<Kind, FieldError> {
    kind.parse().map_err(|e: crate::event::UnknownKind| FieldError { field: "kind".into(), message: e.to_string() })
}

/// Builds an event from its kind name and payload; errors name `kind` or `data.<field>`.
pub fn parse_event(kind: &str, data: Value) -> Result<Event, FieldError> {
    parse_payload(parse_kind(kind)?, data)
}

fn parse_payload<'de, D>(kind: Kind, data: D) -> Result<Event, FieldError>
where
    D: serde::Deserializer<'de, Error = serde_json::Error>,
{
    macro_rules! payload {
        ($variant:ident) => {
            Event::$variant(serde_path_to_error::deserialize(data).map_err(|e| field_error("data", e))?)
        };
    }
    Ok(match kind {
        Kind::PlanAdopted => payload!(PlanAdopted),
        Kind::ActivityAdded => payload!(ActivityAdded),
        Kind::ActivityAmended => payload!(ActivityAmended),
        Kind::TargetSet => payload!(TargetSet),
        Kind::DeadlineSet => payload!(DeadlineSet),
        Kind::PlanExtended => payload!(PlanExtended),
        Kind::MeetingHeld => payload!(MeetingHeld),
        Kind::DialogueHeld => payload!(DialogueHeld),
        Kind::WorkshopHeld => payload!(WorkshopHeld),
        Kind::TrainingGiven => payload!(TrainingGiven),
        Kind::MeasureCounted => payload!(MeasureCounted),
        Kind::SituationPictureMade => payload!(SituationPictureMade),
        Kind::MilestoneReached => payload!(MilestoneReached),
        Kind::StatusChanged => payload!(StatusChanged),
        Kind::NoteWritten => payload!(NoteWritten),
        Kind::FollowUpSubmitted => payload!(FollowUpSubmitted),
        Kind::FollowUpApproved => payload!(FollowUpApproved),
        Kind::EventCorrected => payload!(EventCorrected),
        Kind::EventRetracted => payload!(EventRetracted),
        Kind::ReminderSent => payload!(ReminderSent),
        Kind::ReminderFailed => payload!(ReminderFailed),
    })
}

/// The request body for `event` (the inverse of [`parse_command`]).
pub fn new_event(plan: &PlanId, actor: &OrgId, event: &Event) -> NewEvent {
    let v = serde_json::to_value(event).unwrap_or(Value::Null);
    NewEvent {
        plan: plan.clone(),
        actor: actor.clone(),
        kind: event.kind().as_str().to_owned(),
        data: v.get("data").cloned().unwrap_or(Value::Null),
        correlation_id: None,
        causation_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_of(body: Value) -> String {
        parse_command(body.to_string().as_bytes()).unwrap_err().field
    }

    #[test]
    fn parses_a_dialogue() {
        let body = json!({"plan": "jonkoping-2022", "actor": "polisen", "kind": "dialogue_held",
            "data": {"activity": "dialog", "date": "2022-01-13", "place": "Österängen", "topic": "Gängsnacket",
                     "participants": "ca 35"}});
        let c = parse_command(body.to_string().as_bytes()).unwrap();
        assert_eq!(c.event.kind(), Kind::DialogueHeld);
        let back = new_event(&c.plan, &c.actor, &c.event);
        assert_eq!(parse_event(&back.kind, back.data).unwrap(), c.event);
    }

    #[test]
    fn a_nested_value_is_blamed_on_the_field_holding_it() {
        assert_eq!(outermost_list("data.count[0][0][0]"), "data.count");
        assert_eq!(outermost_list("data.targets[2].area"), "data.targets[2].area");
    }

    #[test]
    fn names_the_field_at_fault() {
        let base = json!({"plan": "p", "actor": "polisen", "kind": "measure_counted",
            "data": {"activity": "a", "date": "2022-01-13", "metric": "fotpatrullering", "count": 3}});
        let with = |path: &[&str], v: Value| {
            let mut b = base.clone();
            let mut cur = &mut b;
            for p in &path[..path.len() - 1] {
                cur = &mut cur[*p];
            }
            cur[path[path.len() - 1]] = v;
            b
        };
        assert_eq!(field_of(with(&["data", "count"], json!(-3))), "data.count");
        assert_eq!(field_of(with(&["data", "date"], json!("2024-02-30"))), "data.date");
        assert_eq!(field_of(with(&["data", "bogus"], json!(1))), "data.bogus");
        assert_eq!(field_of(with(&["extra"], json!(1))), "extra");
        assert_eq!(field_of(with(&["plan"], json!("Jönköping"))), "plan");
        assert_eq!(field_of(with(&["kind"], json!("party_thrown"))), "kind");
        assert_eq!(field_of(with(&["data", "count"], json!(99_999_999_999u64))), "data.count");
        assert_eq!(parse_command(b"{not json").unwrap_err().field, "");
    }
}
