//! What deciding needs to know of earlier events (for corrections and retractions), looked up
//! through [`Facts`]: from the log, or from memory.

use std::collections::{HashMap, HashSet};

use lofte_proto::{
    event::Kind,
    ids::{ActivityId, OrgId, PlanId},
};
use uuid::Uuid;

/// What the ledger knows of an earlier event, for corrections and retractions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFacts {
    pub plan: PlanId,
    pub kind: Kind,
    pub actor: OrgId,
    pub stream: String,
    pub activity: Option<ActivityId>,
}

/// Looks up earlier events by id.
pub trait Facts {
    /// What is known of event `id`, if it exists.
    fn facts(&self, id: &Uuid) -> Option<EventFacts>;
    /// Whether `id` has been retracted.
    fn is_retracted(&self, id: &Uuid) -> bool;
}

/// Facts kept in memory: for tests, and as the overlay of a batch being written.
#[derive(Debug, Clone, Default)]
pub struct MemoryFacts {
    pub events: HashMap<Uuid, EventFacts>,
    pub retracted: HashSet<Uuid>,
}

impl Facts for MemoryFacts {
    fn facts(&self, id: &Uuid) -> Option<EventFacts> {
        self.events.get(id).cloned()
    }
    fn is_retracted(&self, id: &Uuid) -> bool {
        self.retracted.contains(id)
    }
}
