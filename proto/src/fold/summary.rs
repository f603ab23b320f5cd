//! One [`PlanSummary`] from a plan's events: the plan's state, every activity's cells per
//! tertial, and its targets' progress.

use std::collections::BTreeMap;

use jiff::{civil::Date, Timestamp};

use super::{
    apply,
    kept::{PlanFold, Slice},
    model::*,
    targets,
};
use crate::{
    envelope::Envelope,
    event::Event,
    ids::{ActivityId, PlanId},
    plan::PlanState,
    tertial::Tertial,
};

/// What to fold.
#[derive(Debug, Clone, Copy, Default)]
pub struct FoldOptions {
    /// Only events recorded at or before this moment count ("as of").
    pub as_of: Option<Timestamp>,
    /// The reference day for target progress of the tertial in progress; `None`: every tertial
    /// is taken through its last day.
    pub today: Option<Date>,
}

/// Folds one plan's events (any order of ledgers' events is fine as long as each event appears
/// once and a plan's events are in seq order). `None` if the plan was not adopted by then.
pub fn fold_plan(plan: &PlanId, events: &[Envelope], opts: &FoldOptions) -> Option<PlanSummary> {
    let mine: Vec<&Envelope> =
        events.iter().filter(|e| &e.plan == plan && opts.as_of.is_none_or(|t| e.recorded_at <= t)).collect();
    let past = Slice::new(&mine);
    let mut fold = PlanFold::new(plan.clone());
    for e in &mine {
        // Every event in force is in `mine`: nothing can be missing.
        fold.apply(e, &past).ok()?;
    }
    let mut s = fold.summary(opts.today)?;
    s.as_of = opts.as_of;
    Some(s)
}

/// The summary of a plan in `state`, from its log as resolved so far.
pub(super) fn summarize(
    state: &PlanState,
    resolved: &apply::Resolved,
    today: Option<Date>,
    last_seq: u64,
) -> Option<PlanSummary> {
    let tertials = plan_tertials(state);
    let mut per_activity: BTreeMap<&ActivityId, Vec<&apply::Effective>> = BTreeMap::new();
    for o in resolved.occurrences.values() {
        if let Some(a) = o.event.activity() {
            per_activity.entry(a).or_default().push(o);
        }
    }
    let promises = state
        .adopted
        .promises
        .iter()
        .map(|p| PromiseSummary {
            id: p.id.clone(),
            title: p.title.to_string(),
            activities: state
                .activities_in_order()
                .filter(|a| a.activity.promise == p.id)
                .map(|a| {
                    let occ = per_activity.get(&a.activity.id).cloned().unwrap_or_default();
                    activity_summary(state, resolved, &a.activity, &occ, &tertials, today)
                })
                .collect(),
        })
        .collect();
    Some(PlanSummary {
        plan: state.id.clone(),
        title: state.adopted.title.to_string(),
        municipality: state.adopted.municipality.to_string(),
        police_area: state.adopted.police_area.to_string(),
        period: state.adopted.period.clone(),
        tertials,
        approved: resolved.approved.clone(),
        last_approved: resolved.last_approved.clone(),
        deadlines: state.deadlines.clone(),
        promises,
        areas: state.areas.iter().map(|(k, v)| (k.clone(), v.name.to_string())).collect(),
        measures: state.adopted.measures.iter().map(|m| (m.id.to_string(), m.clone())).collect(),
        organisations: state.actors.iter().map(|(k, v)| (k.clone(), v.name.to_string())).collect(),
        last_seq,
        as_of: None,
    })
}

/// The tertials a plan's (possibly extended) period touches.
pub fn plan_tertials(state: &PlanState) -> Vec<Tertial> {
    let mut t = Tertial::of(state.starts());
    let last = Tertial::of(state.ends());
    let mut out = vec![t];
    while t < last {
        t = t.next();
        out.push(t);
    }
    out
}

fn activity_summary(
    state: &PlanState,
    resolved: &apply::Resolved,
    a: &crate::plan::Activity,
    occ: &[&apply::Effective],
    tertials: &[Tertial],
    today: Option<Date>,
) -> ActivitySummary {
    let id = &a.id;
    let mut cells: BTreeMap<Tertial, Cell> = tertials.iter().map(|t| (*t, Cell::default())).collect();
    for o in occ {
        let Some(t) = o.event.tertial() else { continue };
        add(cells.entry(t).or_default(), o);
    }
    for t in resolved.measures.tertials(id) {
        cells.entry(t).or_default().measures = resolved.measures.cell(id, t);
    }
    for (t, cell) in cells.iter_mut() {
        let submitted = resolved.submitted.get(&(id.clone(), *t)).cloned().unwrap_or_default();
        cell.pending =
            std::iter::once(&a.lead).chain(&a.participants).filter(|o| !submitted.contains_key(*o)).cloned().collect();
        cell.submitted = submitted;
        cell.late_amendments = resolved.late.get(&(id.clone(), *t)).cloned().unwrap_or_default();
        cell.retracted = resolved.retracted.get(&(id.clone(), *t)).into_iter().flatten().map(retracted).collect();
    }
    ActivitySummary {
        id: a.id.clone(),
        title: a.title.to_string(),
        lead: a.lead.clone(),
        participants: a.participants.clone(),
        targets: targets::progress(state, id, occ, &resolved.measures, tertials, today),
        cells,
    }
}

fn retracted(r: &apply::Retracted) -> RetractedFact {
    let line = |l: &Option<crate::text::Line>| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let what = match &r.event {
        Event::MeetingHeld(m) => line(&m.title).into_iter().chain(line(&m.place)).collect(),
        Event::DialogueHeld(m) => line(&m.place).into_iter().chain([m.topic.to_string()]).collect(),
        Event::WorkshopHeld(m) | Event::TrainingGiven(m) => vec![m.title.to_string()],
        Event::MilestoneReached(m) => vec![m.title.to_string()],
        Event::MeasureCounted(m) => vec![format!("{} {}", m.metric, m.count.said())],
        Event::NoteWritten(n) => vec![n.text.to_string()],
        _ => vec![],
    };
    RetractedFact {
        kind: r.event.kind().as_str().to_owned(),
        date: r.event.business_date().cloned(),
        what,
        actor: r.actor.clone(),
        reason: r.reason.clone(),
        events: r.ids.clone(),
    }
}

fn occurrence(
    o: &apply::Effective,
    date: crate::date::BusinessDate,
    what: Vec<String>,
    area: Option<crate::ids::AreaId>,
    participants: Option<crate::quantity::Approx>,
) -> Occurrence {
    Occurrence { date, what, area, participants, actor: o.actor.clone(), events: o.ids.clone() }
}

fn add(cell: &mut Cell, o: &apply::Effective) {
    let line = |l: &Option<crate::text::Line>| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    match &o.event {
        Event::MeetingHeld(m) => {
            let mut what = line(&m.title);
            what.extend(line(&m.place));
            cell.meetings.push(occurrence(o, m.date.clone(), what, m.area.clone(), m.participants.clone()));
        }
        Event::DialogueHeld(m) => cell.dialogues.push(occurrence(
            o,
            m.date.clone(),
            line(&m.place).into_iter().chain([m.topic.to_string()]).collect(),
            m.area.clone(),
            m.participants.clone(),
        )),
        Event::WorkshopHeld(m) => cell.workshops.push(occurrence(
            o,
            m.date.clone(),
            vec![m.title.to_string()],
            m.area.clone(),
            m.participants.clone(),
        )),
        Event::TrainingGiven(m) => cell.trainings.push(occurrence(
            o,
            m.date.clone(),
            vec![m.title.to_string()],
            m.area.clone(),
            m.participants.clone(),
        )),
        Event::MilestoneReached(m) => {
            cell.milestones.push(occurrence(o, m.date.clone(), vec![m.title.to_string()], None, None))
        }
        Event::SituationPictureMade(m) => cell
            .situation_pictures
            .entry(m.area.to_string())
            .or_default()
            .push(occurrence(o, m.period.clone(), vec![], Some(m.area.clone()), None)),
        Event::StatusChanged(s) => {
            cell.status = Some(StatusFact {
                status: s.status,
                until: s.until,
                note: s.note.as_ref().map(|n| n.to_string()),
                actor: o.actor.clone(),
                event: *o.ids.last().unwrap_or(&uuid::Uuid::nil()),
            })
        }
        Event::NoteWritten(n) => cell.notes.push(NoteFact {
            actor: o.actor.clone(),
            text: n.text.to_string(),
            event: *o.ids.last().unwrap_or(&uuid::Uuid::nil()),
        }),
        _ => {}
    }
}
