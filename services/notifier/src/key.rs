//! The identity of one reminder: a plan and tertial, an occasion, a recipient. The schedule skips
//! the keys already sent, the store keeps them, and the ledger's idempotency key names them, so a
//! retried record returns the original event.

use std::fmt;

use lofte_proto::{ids::PlanId, text::Email, Tertial};
use serde::{Deserialize, Serialize};

/// What one mail covers for one (plan, tertial): sent at most once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SentKey {
    pub plan: PlanId,
    pub tertial: Tertial,
    /// The occasion's id, e.g. `due-14` or `escalation-1`.
    pub occasion: String,
    pub recipient: Email,
}

/// `<plan>|<tertial>|<occasion>|<recipient>`, as in the idempotency key
/// `reminder_sent:<plan>|<tertial>|<occasion>|<recipient>`.
impl fmt::Display for SentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}|{}|{}|{}", self.plan, self.tertial, self.occasion, self.recipient)
    }
}
