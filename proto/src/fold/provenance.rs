//! The events behind each counted measure. A summary keeps measures as sums ([`super::measures`]),
//! so the ids behind a sum are found, when asked for, by walking the log: each measure in force,
//! its original event and every correction of it, in the order first recorded.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use uuid::Uuid;

use crate::{
    envelope::Envelope,
    event::Event,
    ids::{ActivityId, LedgerId, Metric, PlanId},
    tertial::Tertial,
};

/// Per activity and tertial, per metric: the events behind the sum.
pub type MeasureEvents = BTreeMap<(ActivityId, Tertial), BTreeMap<Metric, Vec<Uuid>>>;

/// The events behind every counted measure of `plan` in force (as of a moment, if given).
pub fn measure_events(plan: &PlanId, events: &[Envelope], as_of: Option<Timestamp>) -> MeasureEvents {
    let mut chains: BTreeMap<(&LedgerId, u64), (&Event, Vec<Uuid>)> = BTreeMap::new();
    let mut by_id: HashMap<Uuid, (&LedgerId, u64)> = HashMap::new();
    for e in events.iter().filter(|e| &e.plan == plan && as_of.is_none_or(|t| e.recorded_at <= t)) {
        match &e.event {
            Event::EventCorrected(c) => {
                if let Some((event, ids)) = by_id.get(&c.event).and_then(|k| chains.get_mut(k)) {
                    *event = &c.replacement;
                    ids.push(e.id);
                }
            }
            Event::EventRetracted(x) => {
                if let Some(k) = by_id.remove(&x.event) {
                    chains.remove(&k);
                }
            }
            Event::MeasureCounted(_) => {
                by_id.insert(e.id, (&e.ledger, e.seq));
                chains.insert((&e.ledger, e.seq), (&e.event, vec![e.id]));
            }
            _ => {}
        }
    }
    let mut out = MeasureEvents::new();
    for (event, ids) in chains.into_values() {
        if let (Event::MeasureCounted(m), Some(t)) = (event, event.tertial()) {
            out.entry((m.activity.clone(), t)).or_default().entry(m.metric.clone()).or_default().extend(ids);
        }
    }
    out
}
