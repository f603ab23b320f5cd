//! Canonical encoding and the SHA-256 chain.
//!
//! The canonical form of a JSON value is compact JSON with every object's keys sorted by their
//! UTF-8 bytes, whatever map type produced it. An event's hash is
//! `SHA-256(prev_hash ‖ canonical(envelope without "hash"))`; the first event's `prev_hash` is 32
//! zero bytes. Any changed byte in a stored event changes its hash or breaks the next link.

use std::{fmt, io::Write, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A SHA-256 digest, shown as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The `prev_hash` of a log's first event.
    pub const GENESIS: Hash = Hash([0; 32]);

    /// SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Hash {
        Hash(Sha256::digest(bytes).into())
    }

    /// The chain link: `SHA-256(prev ‖ canonical)`.
    pub fn link(prev: &Hash, canonical: &[u8]) -> Hash {
        let mut h = Sha256::new();
        h.update(prev.0);
        h.update(canonical);
        Hash(h.finalize().into())
    }
}

impl Hash {
    /// The 64 lowercase hex digits, written into `buf` (no allocation: every event's envelope
    /// carries two hashes, written each time it is sealed or served).
    fn hex<'b>(&self, buf: &'b mut [u8; 64]) -> &'b str {
        // 32 bytes always fit 64 digits, and hex digits are ASCII.
        let _ = hex::encode_to_slice(self.0, buf);
        std::str::from_utf8(buf).unwrap_or_default()
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.hex(&mut [0; 64]))
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({self})")
    }
}

/// Not a 64-digit lowercase hex string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 hex digest: {0:?}")]
pub struct HashError(pub String);

impl FromStr for Hash {
    type Err = HashError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = [0u8; 32];
        if s.len() != 64 || s.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(HashError(s.to_owned()));
        }
        hex::decode_to_slice(s, &mut out).map_err(|_| HashError(s.to_owned()))?;
        Ok(Hash(out))
    }
}

impl Serialize for Hash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.hex(&mut [0; 64]))
    }
}

impl<'de> Deserialize<'de> for Hash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// Writes `v` in canonical form.
pub fn write_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_scalar(&Value::String(k.clone()), out);
                out.push(b':');
                write_canonical(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        scalar => write_scalar(scalar, out),
    }
}

fn write_scalar(v: &Value, out: &mut Vec<u8>) {
    // Writing a scalar into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, v);
    let _ = out.flush();
}

/// The canonical bytes of `v`.
pub fn canonical(v: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    write_canonical(v, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth() {
        let v = json!({"b": 1, "a": {"z": [ {"y": 1, "x": 2} ], "ä": "å"}});
        assert_eq!(String::from_utf8(canonical(&v)).unwrap(), r#"{"a":{"z":[{"x":2,"y":1}],"ä":"å"},"b":1}"#);
    }

    #[test]
    fn hash_parses_strictly() {
        let h = Hash::of(b"lofte");
        assert_eq!(h.to_string().parse::<Hash>().unwrap(), h);
        assert!(h.to_string().to_uppercase().parse::<Hash>().is_err());
        assert!("00".parse::<Hash>().is_err());
    }

    #[test]
    fn hash_is_written_as_lowercase_hex_in_text_and_json() {
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let h = Hash::of(b"abc");
        assert_eq!(h.to_string(), hex);
        assert_eq!(format!("{h:?}"), format!("Hash({hex})"));
        assert_eq!(serde_json::to_string(&h).unwrap(), format!("\"{hex}\""));
        assert_eq!(serde_json::from_str::<Hash>(&format!("\"{hex}\"")).unwrap(), h);
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            "[a-zåäö \\\\\"\\n]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-zä_]{1,6}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn canonical_round_trips_and_is_a_fixed_point(v in json_value()) {
            let bytes = canonical(&v);
            let back: Value = serde_json::from_slice(&bytes).unwrap();
            prop_assert_eq!(&back, &v);
            prop_assert_eq!(canonical(&back), bytes);
        }
    }
}
