//! The one walk of the log: every record checked against the chain in key order (canonical
//! bytes, gapless seq, `prev_hash` links, recomputed hashes), then the stored head against the
//! last record. Loading the writer's state at start-up and `GET /v1/verify` both use it.

use lofte_proto::{
    envelope::Envelope,
    verify::{ChainBreak, Verifier},
};

use crate::store::{Head, Store, StoreError};

/// What a walk found.
#[derive(Debug)]
pub struct Walk {
    /// The head as stored.
    pub head: Head,
    /// Records that verified before the first problem (all of them if there is none).
    pub checked: u64,
    /// The first problem, naming its seq.
    pub first_bad: Option<ChainBreak>,
}

/// Walks the whole log, handing every record that verifies to `each`, and stops at the first
/// that does not (a damaged log is not built upon).
pub fn walk(store: &Store, mut each: impl FnMut(&Envelope)) -> Result<Walk, StoreError> {
    let head = store.head()?;
    let mut v = Verifier::default();
    let mut first_bad = None;
    for rec in store.events_after(0) {
        let (seq, bytes) = rec?;
        match v.push(seq, &bytes) {
            Ok(env) => each(&env),
            Err(b) => {
                first_bad = Some(b);
                break;
            }
        }
    }
    if first_bad.is_none() && (v.checked() != head.seq || v.head() != head.hash) {
        first_bad = Some(ChainBreak {
            seq: v.checked().min(head.seq) + 1,
            reason: format!("the stored head (seq {}) does not match the last record (seq {})", head.seq, v.checked()),
        });
    }
    Ok(Walk { head, checked: v.checked(), first_bad })
}
