//! Upcasting: lifting a stored payload written under an older schema version to today's shape
//! before it is decoded. The log is never rewritten; old bytes stay as they were hashed.
//!
//! When a payload changes shape: raise [`crate::event::Kind::schema_version`] for that kind and
//! register a function from the old version to the next in [`Upcasters::standard`].

use std::collections::BTreeMap;

use serde_json::Value;

use crate::event::Kind;

/// A function lifting a payload from one version to the next.
pub type UpcastFn = fn(Value) -> Result<Value, String>;

/// Why a payload could not be lifted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpcastError {
    #[error("unknown event kind {0:?}")]
    UnknownKind(String),
    #[error("{kind} schema {found} is newer than this build knows ({known}); upgrade Lofte")]
    TooNew { kind: String, found: u32, known: u32 },
    #[error("no upcaster for {kind} from schema {from}")]
    Missing { kind: String, from: u32 },
    #[error("upcasting {kind} from schema {from} failed: {why}")]
    Failed { kind: String, from: u32, why: String },
}

/// The registered upcasters, by kind and the version they lift from.
#[derive(Debug, Clone, Default)]
pub struct Upcasters {
    steps: BTreeMap<(&'static str, u32), UpcastFn>,
    current: BTreeMap<&'static str, u32>,
}

impl Upcasters {
    /// The upcasters of this build.
    pub fn standard() -> Self {
        let current = Kind::ALL.iter().map(|k| (k.as_str(), k.schema_version())).collect();
        let mut steps: BTreeMap<(&'static str, u32), UpcastFn> = BTreeMap::new();
        steps.insert((Kind::PlanAdopted.as_str(), 1), without_people);
        steps.insert((Kind::ReminderSent.as_str(), 1), recipient_to_person);
        steps.insert((Kind::ReminderFailed.as_str(), 1), recipient_to_person);
        Self { steps, current }
    }

    /// Registers `f` lifting `kind` from `from` to `from + 1`, and raises the current version to
    /// at least `from + 1` (used by tests and by the next payload change).
    pub fn register(mut self, kind: Kind, from: u32, f: UpcastFn) -> Self {
        self.steps.insert((kind.as_str(), from), f);
        let cur = self.current.entry(kind.as_str()).or_insert(1);
        *cur = (*cur).max(from + 1);
        self
    }

    /// Lifts `data` of `kind` written at `schema` to the current version; returns it and the
    /// version reached.
    pub fn upcast(&self, kind: &str, schema: u32, mut data: Value) -> Result<(Value, u32), UpcastError> {
        let (&name, &known) =
            self.current.get_key_value(kind).ok_or_else(|| UpcastError::UnknownKind(kind.to_owned()))?;
        if schema > known {
            return Err(UpcastError::TooNew { kind: kind.to_owned(), found: schema, known });
        }
        let mut v = schema;
        while v < known {
            let f = self.steps.get(&(name, v)).ok_or(UpcastError::Missing { kind: kind.to_owned(), from: v })?;
            data = f(data).map_err(|why| UpcastError::Failed { kind: kind.to_owned(), from: v, why })?;
            v += 1;
        }
        Ok((data, v))
    }
}

/// `plan_adopted` 1 → 2: the reporters' addresses and the coordinators' names and addresses
/// are dropped (they belong in the people directory, ADR 0017); the organisations stay.
fn without_people(mut v: Value) -> Result<Value, String> {
    let m = v.as_object_mut().ok_or("not an object")?;
    if let Some(actors) = m.get_mut("actors").and_then(Value::as_array_mut) {
        for a in actors.iter_mut().filter_map(Value::as_object_mut) {
            a.remove("reporters");
        }
    }
    if let Some(coordinators) = m.get_mut("coordinators").and_then(Value::as_array_mut) {
        for c in coordinators.iter_mut().filter_map(Value::as_object_mut) {
            c.retain(|k, _| k == "org");
        }
    }
    Ok(v)
}

/// `reminder_sent` / `reminder_failed` 1 → 2: the address is dropped; who it was is unknown to
/// the directory (the nil person).
fn recipient_to_person(mut v: Value) -> Result<Value, String> {
    let m = v.as_object_mut().ok_or("not an object")?;
    m.remove("recipient");
    m.insert("person".into(), Value::String(uuid::Uuid::nil().to_string()));
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn current_passes_through_and_newer_is_refused() {
        let u = Upcasters::standard();
        let d = json!({"tertial": "2022-T1"});
        assert_eq!(u.upcast("follow_up_approved", 1, d.clone()).unwrap(), (d.clone(), 1));
        assert!(matches!(u.upcast("follow_up_approved", 2, d.clone()), Err(UpcastError::TooNew { .. })));
        assert!(matches!(u.upcast("no_such_kind", 1, d), Err(UpcastError::UnknownKind(_))));
    }

    #[test]
    fn old_events_lose_their_people_when_read() {
        let u = Upcasters::standard();
        let old = json!({"title": "x", "actors": [{"id": "polisen", "name": "Polisen", "reporters": ["a@p.se"]}],
            "coordinators": [{"name": "Kim", "email": "k@k.se", "org": "kommunen"}]});
        let (v, to) = u.upcast("plan_adopted", 1, old).unwrap();
        assert_eq!(to, 2);
        assert_eq!(v["actors"], json!([{"id": "polisen", "name": "Polisen"}]));
        assert_eq!(v["coordinators"], json!([{"org": "kommunen"}]));
        let (v, _) = u.upcast("reminder_sent", 1, json!({"recipient": "a@p.se", "tertial": "2022-T1"})).unwrap();
        assert!(v.get("recipient").is_none() && v["person"] == uuid::Uuid::nil().to_string());
    }

    #[test]
    fn a_registered_step_lifts_an_old_shape() {
        // Suppose note_written v1 called its text "body"; v2 calls it "text".
        fn rename(mut v: Value) -> Result<Value, String> {
            let m = v.as_object_mut().ok_or("not an object")?;
            let body = m.remove("body").ok_or("no body")?;
            m.insert("text".into(), body);
            Ok(v)
        }
        let u = Upcasters::standard().register(Kind::NoteWritten, 1, rename);
        let (v, to) = u.upcast("note_written", 1, json!({"body": "Pågår."})).unwrap();
        assert_eq!((v, to), (json!({"text": "Pågår."}), 2));
        assert!(matches!(u.upcast("note_written", 1, json!(1)), Err(UpcastError::Failed { .. })));
    }
}
