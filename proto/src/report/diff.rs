//! What changed in the follow-up between two moments, and which events changed it: the cells of
//! the report as known at the first moment and at the second, compared line by line; the events
//! behind a changed cell are those recorded between the two moments about its activity and
//! tertial — a retraction about what it retracts. Pure: `lofte audit diff` and the auditors' web
//! pages both use it.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use serde::Serialize;
use uuid::Uuid;

use super::RenderedCell;
use crate::{envelope::Envelope, event::Event, ids::PlanId, tertial::Tertial};

/// One cell that reads differently at the second moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub activity: String,
    pub activity_title: String,
    pub tertial: Tertial,
    /// Its lines at the first moment (empty: the cell did not exist or said nothing).
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// The cells of `after` whose lines differ from the same cell (activity, tertial) in `before`, in
/// `after`'s order; a cell only in `before` is a change to nothing.
pub fn changes(before: &[RenderedCell], after: &[RenderedCell]) -> Vec<Change> {
    let old: BTreeMap<(&str, Tertial), &RenderedCell> =
        before.iter().map(|c| ((c.activity.as_str(), c.tertial), c)).collect();
    let mut out: Vec<Change> = after
        .iter()
        .filter_map(|c| {
            let was = old.get(&(c.activity.as_str(), c.tertial)).map(|o| o.lines.clone()).unwrap_or_default();
            (was != c.lines).then(|| Change {
                activity: c.activity.clone(),
                activity_title: c.activity_title.clone(),
                tertial: c.tertial,
                before: was,
                after: c.lines.clone(),
            })
        })
        .collect();
    let now: std::collections::BTreeSet<(&str, Tertial)> =
        after.iter().map(|c| (c.activity.as_str(), c.tertial)).collect();
    for c in before.iter().filter(|c| !now.contains(&(c.activity.as_str(), c.tertial)) && !c.lines.is_empty()) {
        out.push(Change {
            activity: c.activity.clone(),
            activity_title: c.activity_title.clone(),
            tertial: c.tertial,
            before: c.lines.clone(),
            after: vec![],
        });
    }
    out
}

/// What an event is about: its activity and tertial; a retraction's are those of the event it
/// retracts (`earlier` answers for an id).
pub fn about(e: &Event, earlier: impl Fn(&Uuid) -> Option<(String, Tertial)>) -> Option<(String, Tertial)> {
    match e {
        Event::EventRetracted(r) => earlier(&r.event),
        _ => Some((e.activity()?.to_string(), e.tertial()?)),
    }
}

/// The events of `plan` recorded after `from` and up to `to` that are about the changed cell.
pub fn changed_by<'a>(
    events: &'a [Envelope],
    plan: &PlanId,
    from: Timestamp,
    to: Timestamp,
    c: &Change,
) -> Vec<&'a Envelope> {
    let mut known: HashMap<Uuid, (String, Tertial)> = HashMap::new();
    let mut out = vec![];
    for e in events.iter().filter(|e| &e.plan == plan) {
        let what = about(&e.event, |id| known.get(id).cloned());
        if let Some(w) = &what {
            known.insert(e.id, w.clone());
        }
        let inside = e.recorded_at > from && e.recorded_at <= to;
        if inside && what.is_some_and(|(a, t)| a == c.activity && t == c.tertial) {
            out.push(e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(activity: &str, t: &str, lines: &[&str]) -> RenderedCell {
        RenderedCell {
            promise: "p".into(),
            activity: activity.into(),
            activity_title: activity.to_uppercase(),
            tertial: t.parse().unwrap(),
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
            late_amendments: 0,
            pending: vec![],
        }
    }

    #[test]
    fn only_cells_that_read_differently_are_changes() {
        let before = [
            cell("a", "2022-T1", &["Dialog vid 1 tillfälle"]),
            cell("b", "2022-T1", &["x"]),
            cell("c", "2022-T1", &["gone"]),
        ];
        let after = [
            cell("a", "2022-T1", &["Dialog vid 2 tillfällen"]),
            cell("b", "2022-T1", &["x"]),
            cell("d", "2022-T2", &["new"]),
        ];
        let c = changes(&before, &after);
        let what: Vec<(&str, Vec<String>, Vec<String>)> =
            c.iter().map(|c| (c.activity.as_str(), c.before.clone(), c.after.clone())).collect();
        assert_eq!(
            what,
            vec![
                ("a", vec!["Dialog vid 1 tillfälle".into()], vec!["Dialog vid 2 tillfällen".into()]),
                ("d", vec![], vec!["new".into()]),
                ("c", vec!["gone".into()], vec![]),
            ]
        );
        assert!(changes(&after, &after).is_empty());
    }

    #[test]
    fn a_retraction_is_about_what_it_retracts() {
        let id = Uuid::now_v7();
        let r: Event = serde_json::from_value(
            serde_json::json!({"kind": "event_retracted", "data": {"event": id, "reason": "Dubbelregistrerat"}}),
        )
        .unwrap();
        let t: Tertial = "2022-T1".parse().unwrap();
        assert_eq!(about(&r, |i| (*i == id).then(|| ("a".to_owned(), t))), Some(("a".to_owned(), t)));
        assert_eq!(about(&r, |_| None), None);
    }
}
