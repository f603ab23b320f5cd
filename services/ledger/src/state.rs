//! What the writer holds in memory, rebuilt from the log at start-up: the head, every plan's
//! state, stream versions and retracted events. Loading also walks the chain, so a damaged log is
//! reported at start-up (and by `GET /v1/verify`) instead of being silently built upon.

use std::collections::{HashMap, HashSet};

use lofte_proto::{envelope::Envelope, event::Event, plan::PlanBook, upcast::Upcasters, verify::ChainBreak};
use uuid::Uuid;

use crate::{
    decide::{EventFacts, Facts, MemoryFacts},
    store::{Head, Store, StoreError},
};

/// The writer's in-memory view of the log.
#[derive(Debug, Default)]
pub struct LedgerState {
    pub head: Head,
    pub book: PlanBook,
    pub streams: HashMap<String, u64>,
    pub retracted: HashSet<Uuid>,
    /// The first damage found while loading, if any.
    pub chain_break: Option<ChainBreak>,
}

impl LedgerState {
    /// Replays the log from `store`, up to the first record that does not verify.
    pub fn load(store: &Store) -> Result<LedgerState, StoreError> {
        let mut st = LedgerState::default();
        let w = crate::walk::walk(store, |env| st.apply(env))?;
        if let Some(brk) = &w.first_bad {
            tracing::error!(seq = brk.seq, reason = %brk.reason, "the log's chain is broken");
        }
        st.head = w.head;
        st.chain_break = w.first_bad;
        Ok(st)
    }

    /// Folds one accepted event into the state.
    pub fn apply(&mut self, env: &Envelope) {
        self.book.apply(&env.plan, &env.event, env.recorded_at);
        self.streams.insert(env.stream.clone(), env.stream_version);
        if let Event::EventRetracted(r) = &env.event {
            self.retracted.insert(r.event);
        }
    }
}

/// Facts about earlier events: this batch's first, then the log.
#[derive(Debug)]
pub struct StoreFacts<'a> {
    pub store: &'a Store,
    pub batch: &'a MemoryFacts,
    pub retracted: &'a HashSet<Uuid>,
}

impl Facts for StoreFacts<'_> {
    fn facts(&self, id: &Uuid) -> Option<EventFacts> {
        if let Some(f) = self.batch.facts(id) {
            return Some(f);
        }
        let seq = self.store.seq_of(id).ok()??;
        let bytes = self.store.event(seq).ok()??;
        let env = Envelope::decode(&bytes, &Upcasters::standard()).ok()?;
        Some(facts_of(&env))
    }

    fn is_retracted(&self, id: &Uuid) -> bool {
        self.retracted.contains(id)
    }
}

/// What corrections need to know of an event.
pub fn facts_of(env: &Envelope) -> EventFacts {
    EventFacts {
        plan: env.plan.clone(),
        kind: env.kind(),
        actor: env.actor.clone(),
        stream: env.stream.clone(),
        activity: env.event.activity().cloned(),
    }
}
