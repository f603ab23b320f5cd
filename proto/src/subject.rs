//! NATS subjects: `lofte.v1.<ledger>.<plan>.<kind>`. Ids are slugs (no dots, no wildcards), so a
//! subject always has exactly five tokens.

use crate::{event::Kind, ids::LedgerId, ids::PlanId};

/// The JetStream stream all ledgers publish into.
pub const STREAM: &str = "LOFTE";

/// The subject an event is published on.
pub fn subject(ledger: &LedgerId, plan: &PlanId, kind: Kind) -> String {
    format!("lofte.v1.{ledger}.{plan}.{}", kind.as_str())
}

/// The stream's subject filter.
pub const ALL_SUBJECTS: &str = "lofte.v1.>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_tokens() {
        let s = subject(&LedgerId::new("jkpg").unwrap(), &PlanId::new("jonkoping-2022").unwrap(), Kind::DialogueHeld);
        assert_eq!(s, "lofte.v1.jkpg.jonkoping-2022.dialogue_held");
        assert_eq!(s.split('.').count(), 5);
    }
}
