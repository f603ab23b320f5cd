//! From the log to what counts, one event at a time: occurrences as last corrected, without the
//! retracted ones; who submitted what; which tertials are approved, and which events came after
//! their approval. Counted measures are kept as sums ([`Measures`]); every other occurrence is
//! kept as it stands, since a cell lists each.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use uuid::Uuid;

use super::measures::Measures;
use crate::{
    envelope::Envelope,
    event::Event,
    ids::{ActivityId, LedgerId, OrgId},
    tertial::Tertial,
};

/// An occurrence as it stands after corrections.
#[derive(Debug, Clone)]
pub(super) struct Effective {
    pub event: Event,
    pub actor: OrgId,
    /// The original event and each correction of it.
    pub ids: Vec<Uuid>,
}

/// An occurrence retracted: what it was when it was withdrawn, and why.
#[derive(Debug, Clone)]
pub(super) struct Retracted {
    pub event: Event,
    pub actor: OrgId,
    /// The original event, any corrections of it, and the retraction.
    pub ids: Vec<Uuid>,
    pub reason: String,
}

/// The events already applied, by where they are stored: a counted measure in force is kept only
/// as a part of its sums, so its figure is read back from here when it is corrected or retracted.
pub trait Past {
    /// The event stored at `(ledger, seq)`, if there is one.
    fn event(&self, ledger: &LedgerId, seq: u64) -> Option<Event>;
}

/// An event in force was not where [`Past`] should have found it: the state it was applied to is
/// unusable (fold again).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the event at {ledger}:{seq} is not in the views")]
pub struct Missing {
    pub ledger: LedgerId,
    pub seq: u64,
}

/// Where an occurrence in force is: a listed one by the place it was first recorded (its key in
/// `occurrences`); a counted measure by the event holding its current figure (the original or
/// its latest correction). Ledgers by their index in `Resolved::ledgers`.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Listed { ledger: u16, seq: u64 },
    Measure { ledger: u16, seq: u64 },
}

/// The log of one plan, resolved so far.
#[derive(Debug, Clone, Default)]
pub(super) struct Resolved {
    /// Every occurrence but counted measures, in the order first recorded (ledger, seq).
    pub occurrences: BTreeMap<(LedgerId, u64), Effective>,
    pub measures: Measures,
    pub submitted: BTreeMap<(ActivityId, Tertial), BTreeMap<OrgId, Uuid>>,
    /// When each tertial was first approved (what is recorded after it is late).
    pub approved: BTreeMap<Tertial, Timestamp>,
    /// When each tertial was last approved (what the public reads it as of).
    pub last_approved: BTreeMap<Tertial, Timestamp>,
    pub late: BTreeMap<(ActivityId, Tertial), Vec<Uuid>>,
    /// What was retracted, per activity and tertial, in the order retracted.
    pub retracted: BTreeMap<(ActivityId, Tertial), Vec<Retracted>>,
    by_id: HashMap<Uuid, Slot>,
    ledgers: Vec<LedgerId>,
}

impl Resolved {
    /// Applies the plan's next event (each ledger's events in seq order).
    pub fn apply(&mut self, env: &Envelope, past: &dyn Past) -> Result<(), Missing> {
        match &env.event {
            Event::FollowUpApproved(a) => {
                self.approved.entry(a.tertial).or_insert(env.recorded_at);
                let last = self.last_approved.entry(a.tertial).or_insert(env.recorded_at);
                *last = (*last).max(env.recorded_at);
            }
            Event::FollowUpSubmitted(s) => {
                self.submitted.entry((s.activity.clone(), s.tertial)).or_default().insert(env.actor.clone(), env.id);
                self.flag_late(&env.event, env);
            }
            Event::EventCorrected(c) => {
                if let Some(slot) = self.by_id.get(&c.event).copied() {
                    // A correction that moves a record to another tertial is late for either.
                    let before = self.in_force(slot, past)?;
                    self.flag_late(&before, env);
                    self.correct(c.event, slot, &before, &c.replacement, env);
                }
                self.flag_late(&c.replacement, env);
            }
            Event::EventRetracted(x) => {
                if let Some(slot) = self.by_id.get(&x.event).copied() {
                    let gone = self.in_force(slot, past)?;
                    self.by_id.remove(&x.event);
                    let (actor, mut ids) = match slot {
                        Slot::Listed { ledger, seq } => {
                            let e = self.occurrences.remove(&(self.ledgers[usize::from(ledger)].clone(), seq));
                            e.map_or((env.actor.clone(), vec![x.event]), |e| (e.actor, e.ids))
                        }
                        Slot::Measure { .. } => {
                            self.measures.count(&gone, -1);
                            (env.actor.clone(), vec![x.event])
                        }
                    };
                    ids.push(env.id);
                    self.flag_late(&gone, env);
                    if let (Some(a), Some(t)) = (gone.activity(), gone.tertial()) {
                        let r = Retracted { actor, ids, reason: x.reason.to_string(), event: gone.clone() };
                        self.retracted.entry((a.clone(), t)).or_default().push(r);
                    }
                }
            }
            e if e.kind().is_occurrence() => {
                self.flag_late(e, env);
                let (ledger, seq) = (self.ledger(&env.ledger), env.seq);
                if self.measures.count(e, 1) {
                    self.by_id.insert(env.id, Slot::Measure { ledger, seq });
                } else {
                    self.by_id.insert(env.id, Slot::Listed { ledger, seq });
                    let effective = Effective { event: e.clone(), actor: env.actor.clone(), ids: vec![env.id] };
                    self.occurrences.insert((env.ledger.clone(), seq), effective);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// How many occurrences are in force (listed or counted).
    pub fn in_force_count(&self) -> usize {
        self.by_id.len()
    }

    /// The occurrence at `slot`, as it stands.
    fn in_force(&self, slot: Slot, past: &dyn Past) -> Result<Event, Missing> {
        let (ledger, seq) = match slot {
            Slot::Listed { ledger, seq } => (&self.ledgers[usize::from(ledger)], seq),
            Slot::Measure { ledger, seq } => (&self.ledgers[usize::from(ledger)], seq),
        };
        let missing = || Missing { ledger: ledger.clone(), seq };
        match slot {
            Slot::Listed { .. } => {
                self.occurrences.get(&(ledger.clone(), seq)).map(|e| e.event.clone()).ok_or_else(missing)
            }
            Slot::Measure { .. } => match past.event(ledger, seq).ok_or_else(missing)? {
                Event::EventCorrected(c) => Ok(*c.replacement),
                e => Ok(e),
            },
        }
    }

    /// Puts `replacement` in the place of the occurrence `id` (at `slot`, now `before`). The
    /// ledger refuses a correction that changes an occurrence's kind; were one stored, the
    /// replacement is kept as its own kind is.
    fn correct(&mut self, id: Uuid, slot: Slot, before: &Event, replacement: &Event, env: &Envelope) {
        let (ledger, seq) = (self.ledger(&env.ledger), env.seq);
        let mut kept = match slot {
            Slot::Listed { ledger, seq } => self.occurrences.remove(&(self.ledgers[usize::from(ledger)].clone(), seq)),
            Slot::Measure { .. } => {
                self.measures.count(before, -1);
                None
            }
        };
        if self.measures.count(replacement, 1) {
            self.by_id.insert(id, Slot::Measure { ledger, seq });
            return;
        }
        let (key, slot) = match slot {
            Slot::Listed { ledger, seq } => ((self.ledgers[usize::from(ledger)].clone(), seq), slot),
            Slot::Measure { .. } => ((env.ledger.clone(), env.seq), Slot::Listed { ledger, seq }),
        };
        let mut e =
            kept.take().unwrap_or_else(|| Effective { event: before.clone(), actor: env.actor.clone(), ids: vec![id] });
        e.event = replacement.clone();
        e.ids.push(env.id);
        self.occurrences.insert(key, e);
        self.by_id.insert(id, slot);
    }

    /// The index of `ledger` in `ledgers`.
    fn ledger(&mut self, ledger: &LedgerId) -> u16 {
        let i = self.ledgers.iter().position(|l| l == ledger).unwrap_or_else(|| {
            self.ledgers.push(ledger.clone());
            self.ledgers.len() - 1
        });
        u16::try_from(i).unwrap_or(u16::MAX)
    }

    /// Notes `env` as a late amendment if the tertial `about` speaks of was approved before it.
    fn flag_late(&mut self, about: &Event, env: &Envelope) {
        let (Some(t), Some(a)) = (about.tertial(), about.activity()) else { return };
        if self.approved.get(&t).is_some_and(|at| *at <= env.recorded_at) {
            let list = self.late.entry((a.clone(), t)).or_default();
            if !list.contains(&env.id) {
                list.push(env.id);
            }
        }
    }
}
