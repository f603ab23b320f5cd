//! Walking a ledger's log and checking it: every record canonical, `seq` gapless from 1,
//! `prev_hash` equal to the previous record's hash, the hash recomputed from the bytes, and the
//! payload decodable. Pure: the caller feeds records in key order.

use serde::Serialize;
use serde_json::Value;

use crate::{
    chain::{canonical, Hash},
    envelope::{Envelope, Envelope as Env},
    upcast::Upcasters,
};

/// The first problem found, naming the sequence number at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema, thiserror::Error)]
#[error("seq {seq}: {reason}")]
pub struct ChainBreak {
    pub seq: u64,
    pub reason: String,
}

/// Feeds records one by one; stops at the first break.
#[derive(Debug)]
pub struct Verifier {
    upcasters: Upcasters,
    expected: u64,
    head: Hash,
}

impl Default for Verifier {
    fn default() -> Self {
        Self { upcasters: Upcasters::standard(), expected: 1, head: Hash::GENESIS }
    }
}

impl Verifier {
    /// Goes on from a log already checked up to `seq`, whose record there has hash `head`: the
    /// next record must be `seq + 1` and link to `head` (a tail recovered from another copy).
    pub fn resume(seq: u64, head: Hash) -> Self {
        Self { upcasters: Upcasters::standard(), expected: seq + 1, head }
    }

    /// Checks the record stored under `key_seq` (the sequence number its key says).
    pub fn push(&mut self, key_seq: u64, bytes: &[u8]) -> Result<Envelope, ChainBreak> {
        let seq = self.expected;
        let brk = |reason: String| ChainBreak { seq, reason };
        if key_seq != seq {
            return Err(brk(format!("missing: the next stored record is seq {key_seq}")));
        }
        let value: Value = serde_json::from_slice(bytes).map_err(|e| brk(format!("not valid JSON: {e}")))?;
        if canonical(&value) != bytes {
            return Err(brk("not in canonical form (bytes were changed)".into()));
        }
        let field = |name: &str| value.get(name).cloned().unwrap_or(Value::Null);
        if field("seq").as_u64() != Some(seq) {
            return Err(brk(format!("records seq {} under key {seq}", field("seq"))));
        }
        let stated: Hash = serde_json::from_value(field("hash")).map_err(|e| brk(format!("bad hash: {e}")))?;
        let prev: Hash = serde_json::from_value(field("prev_hash")).map_err(|e| brk(format!("bad prev_hash: {e}")))?;
        if prev != self.head {
            return Err(brk(format!("prev_hash {prev} does not match the previous hash {}", self.head)));
        }
        let computed = Hash::link(&prev, &Env::hashed_bytes(&value));
        if computed != stated {
            return Err(brk(format!("hash mismatch: stored {stated}, computed {computed}")));
        }
        let env = Envelope::decode(bytes, &self.upcasters).map_err(|e| brk(format!("does not decode: {e}")))?;
        self.expected += 1;
        self.head = stated;
        Ok(env)
    }

    /// Records checked so far.
    pub fn checked(&self) -> u64 {
        self.expected - 1
    }

    /// The hash of the last good record.
    pub fn head(&self) -> Hash {
        self.head
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::tests_support::chain_of;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_sealed_chain_verifies(n in 1usize..20) {
            let records = chain_of(n);
            let mut v = Verifier::default();
            for (i, bytes) in records.iter().enumerate() {
                v.push(i as u64 + 1, bytes).unwrap();
            }
            prop_assert_eq!(v.checked(), n as u64);
        }

        #[test]
        fn a_tail_verifies_from_where_the_log_ends(n in 2usize..20, pick in any::<prop::sample::Index>()) {
            let records = chain_of(n);
            let at = pick.index(n - 1) + 1;
            let mut v = Verifier::default();
            for (i, bytes) in records[..at].iter().enumerate() {
                v.push(i as u64 + 1, bytes).unwrap();
            }
            let mut tail = Verifier::resume(v.checked(), v.head());
            for (i, bytes) in records.iter().enumerate().skip(at) {
                tail.push(i as u64 + 1, bytes).unwrap();
            }
            prop_assert_eq!(tail.checked(), n as u64);
            // A tail that does not link to the head it is said to follow is refused.
            let mut wrong = Verifier::resume(at as u64, Hash::GENESIS);
            prop_assert!(wrong.push(at as u64 + 1, &records[at]).is_err());
        }

        #[test]
        fn any_changed_byte_is_named(n in 1usize..12, pick in any::<prop::sample::Index>(), flip in 1u8..=255) {
            let mut records = chain_of(n);
            let at = pick.index(n);
            let len = records[at].len();
            let byte = pick.index(len);
            records[at][byte] ^= flip;
            let mut v = Verifier::default();
            let mut first_bad = None;
            for (i, bytes) in records.iter().enumerate() {
                if let Err(b) = v.push(i as u64 + 1, bytes) { first_bad = Some(b.seq); break; }
            }
            prop_assert_eq!(first_bad, Some(at as u64 + 1));
        }

        #[test]
        fn a_missing_record_is_named(n in 3usize..12, pick in any::<prop::sample::Index>()) {
            let records = chain_of(n);
            // Neither the first nor the last: a lost tail is caught by the ledger's stored head.
            let gap = pick.index(n - 2) + 1;
            // Drop record `gap` (0-based): the verifier must stop at seq gap + 1.
            let mut v = Verifier::default();
            let mut first_bad = None;
            for (i, bytes) in records.iter().enumerate() {
                if i == gap { continue; }
                if let Err(b) = v.push(i as u64 + 1, bytes) { first_bad = Some(b.seq); break; }
            }
            prop_assert_eq!(first_bad, Some(gap as u64 + 1));
        }
    }
}
