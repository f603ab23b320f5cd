//! The identity of one reminder: a plan and tertial, an occasion, a person of the directory (by
//! id: no address is kept in a key, an event or an idempotency key). The schedule skips
//! the keys already sent, the store keeps them, and the ledger's idempotency key names them, so a
//! retried record returns the original event.

use std::fmt;

use lofte_proto::{ids::PlanId, Tertial};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What one mail covers for one (plan, tertial): sent at most once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SentKey {
    pub plan: PlanId,
    pub tertial: Tertial,
    /// The occasion's id, e.g. `due-14` or `escalation-1`.
    pub occasion: String,
    /// Who it goes to: a person of the directory.
    pub person: Uuid,
}

/// `<plan>|<tertial>|<occasion>|<person>`, as in the idempotency key
/// `reminder_sent:<plan>|<tertial>|<occasion>|<person>`.
impl fmt::Display for SentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}|{}|{}|{}", self.plan, self.tertial, self.occasion, self.person)
    }
}
