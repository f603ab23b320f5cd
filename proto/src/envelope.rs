//! The event envelope: what is stored, published and exported. Sealing computes the chain hash;
//! decoding upcasts old payloads first.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::{
    chain::{canonical, Hash},
    event::{Event, Kind},
    ids::{LedgerId, OrgId, PlanId},
    upcast::{UpcastError, Upcasters},
};

/// One recorded event with everything needed to place, order and check it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Envelope {
    /// UUIDv7, time-ordered, unique across ledgers.
    pub id: Uuid,
    pub ledger: LedgerId,
    /// Gapless per-ledger sequence, from 1.
    pub seq: u64,
    pub prev_hash: Hash,
    pub hash: Hash,
    /// When the ledger accepted it (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
    pub plan: PlanId,
    /// The aggregate it belongs to, e.g. `activity/jonkoping-2022/fotpatrullering`.
    pub stream: String,
    /// The stream's version after this event (1 for a stream's first event).
    pub stream_version: u64,
    /// The organisation on whose behalf it was recorded.
    pub actor: OrgId,
    /// The principal who sent it.
    pub author: String,
    #[serde(flatten)]
    pub event: Event,
    /// Payload schema version.
    pub schema: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
}

/// Why stored bytes are not a valid envelope.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not a JSON object with a string `kind` and a numeric `schema`")]
    Shape,
    #[error(transparent)]
    Upcast(#[from] UpcastError),
}

impl Envelope {
    /// The canonical bytes the hash covers: the envelope without its `hash` field.
    pub fn hashed_bytes(value: &Value) -> Vec<u8> {
        match value {
            Value::Object(map) => {
                let mut m = map.clone();
                m.remove("hash");
                canonical(&Value::Object(m))
            }
            other => canonical(other),
        }
    }

    /// Computes `hash` from `prev_hash` and the rest, and returns the sealed envelope with its
    /// stored form (canonical JSON including the hash).
    pub fn seal(mut self) -> (Envelope, Vec<u8>) {
        let Ok(Value::Object(mut map)) = serde_json::to_value(&self) else { return (self, Vec::new()) };
        map.remove("hash");
        let mut value = Value::Object(map);
        self.hash = Hash::link(&self.prev_hash, &canonical(&value));
        value["hash"] = Value::String(self.hash.to_string());
        (self, canonical(&value))
    }

    /// Decodes stored bytes, upcasting an old payload to today's shape.
    pub fn decode(bytes: &[u8], upcasters: &Upcasters) -> Result<Envelope, DecodeError> {
        let mut value: Value = serde_json::from_slice(bytes)?;
        let map = value.as_object_mut().ok_or(DecodeError::Shape)?;
        let kind = map.get("kind").and_then(Value::as_str).ok_or(DecodeError::Shape)?.to_owned();
        let schema = map.get("schema").and_then(Value::as_u64).ok_or(DecodeError::Shape)?;
        let schema = u32::try_from(schema).map_err(|_| DecodeError::Shape)?;
        let data = map.remove("data").unwrap_or(Value::Null);
        let (data, now) = upcasters.upcast(&kind, schema, data)?;
        map.insert("data".into(), data);
        map.insert("schema".into(), Value::from(now));
        Ok(serde_json::from_value(value)?)
    }

    /// This event's kind.
    pub fn kind(&self) -> Kind {
        self.event.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{event::FollowUpApproved, tertial::Tertial};

    pub(crate) fn sample(seq: u64, prev: Hash) -> Envelope {
        Envelope {
            id: Uuid::now_v7(),
            ledger: LedgerId::new("jonkoping").unwrap(),
            seq,
            prev_hash: prev,
            hash: Hash::GENESIS,
            recorded_at: "2022-05-10T08:00:00Z".parse().unwrap(),
            plan: PlanId::new("jonkoping-2022").unwrap(),
            stream: "plan/jonkoping-2022".into(),
            stream_version: seq,
            actor: OrgId::new("kommunen").unwrap(),
            author: "kommunen".into(),
            event: Event::FollowUpApproved(FollowUpApproved { tertial: Tertial::new(2022, 1).unwrap(), note: None }),
            schema: 1,
            correlation_id: None,
            causation_id: None,
            idempotency_key: Some("k-1".into()),
        }
    }

    #[test]
    fn seal_then_decode() {
        let (sealed, bytes) = sample(1, Hash::GENESIS).seal();
        let back = Envelope::decode(&bytes, &Upcasters::standard()).unwrap();
        assert_eq!(back, sealed);
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(Hash::link(&Hash::GENESIS, &Envelope::hashed_bytes(&value)), sealed.hash);
        assert_eq!(value["kind"], "follow_up_approved");
        assert_eq!(value["data"]["tertial"], "2022-T1");
    }
}

/// Helpers for this crate's tests: a valid sealed chain.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;
    use crate::{
        event::FollowUpApproved,
        ids::{LedgerId, OrgId, PlanId},
        tertial::Tertial,
    };

    /// The stored bytes of a valid chain of `n` events.
    pub fn chain_of(n: usize) -> Vec<Vec<u8>> {
        let mut prev = Hash::GENESIS;
        (1..=n as u64)
            .map(|seq| {
                let env = Envelope {
                    id: Uuid::now_v7(),
                    ledger: LedgerId::new("test").expect("slug"),
                    seq,
                    prev_hash: prev,
                    hash: Hash::GENESIS,
                    recorded_at: Timestamp::from_second(1_650_000_000 + seq as i64).expect("ts"),
                    plan: PlanId::new("plan-x").expect("slug"),
                    stream: "plan/plan-x".into(),
                    stream_version: seq,
                    actor: OrgId::new("kommunen").expect("slug"),
                    author: "Kommunen – Åsa".into(),
                    event: Event::FollowUpApproved(FollowUpApproved {
                        tertial: Tertial::new(2022, 1).expect("tertial"),
                        note: None,
                    }),
                    schema: 1,
                    correlation_id: None,
                    causation_id: None,
                    idempotency_key: None,
                };
                let (sealed, bytes) = env.seal();
                prev = sealed.hash;
                bytes
            })
            .collect()
    }
}
