//! From the log to what counts: occurrences as last corrected, without the retracted ones; who
//! submitted what; which tertials are approved, and which events came after their approval.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use uuid::Uuid;

use crate::{
    envelope::Envelope,
    event::Event,
    ids::{ActivityId, OrgId},
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

/// The log of one plan, resolved.
#[derive(Debug, Default)]
pub(super) struct Resolved {
    /// In the order first recorded.
    pub occurrences: BTreeMap<u64, Effective>,
    pub submitted: BTreeMap<(ActivityId, Tertial), BTreeMap<OrgId, Uuid>>,
    pub approved: BTreeMap<Tertial, Timestamp>,
    pub late: BTreeMap<(ActivityId, Tertial), Vec<Uuid>>,
}

/// Resolves `events` (one plan's, in seq order).
pub(super) fn resolve<'a>(events: impl Iterator<Item = &'a Envelope>) -> Resolved {
    let mut r = Resolved::default();
    let mut by_id: HashMap<Uuid, u64> = HashMap::new();
    for env in events {
        match &env.event {
            Event::FollowUpApproved(a) => {
                r.approved.entry(a.tertial).or_insert(env.recorded_at);
            }
            Event::FollowUpSubmitted(s) => {
                r.submitted.entry((s.activity.clone(), s.tertial)).or_default().insert(env.actor.clone(), env.id);
                r.flag_late(&env.event, env);
            }
            Event::EventCorrected(c) => {
                if let Some(e) = by_id.get(&c.event).and_then(|seq| r.occurrences.get(seq)) {
                    // A correction that moves a record to another tertial is late for either.
                    let before = e.event.clone();
                    r.flag_late(&before, env);
                }
                if let Some(e) = by_id.get(&c.event).and_then(|seq| r.occurrences.get_mut(seq)) {
                    e.event = (*c.replacement).clone();
                    e.ids.push(env.id);
                }
                r.flag_late(&c.replacement, env);
            }
            Event::EventRetracted(x) => {
                if let Some(seq) = by_id.remove(&x.event) {
                    if let Some(e) = r.occurrences.remove(&seq) {
                        r.flag_late(&e.event, env);
                    }
                }
            }
            e if e.kind().is_occurrence() => {
                r.flag_late(e, env);
                by_id.insert(env.id, env.seq);
                r.occurrences
                    .insert(env.seq, Effective { event: e.clone(), actor: env.actor.clone(), ids: vec![env.id] });
            }
            _ => {}
        }
    }
    r
}

impl Resolved {
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
