//! Target progress, year to date: what has been counted against what the target asks for, the
//! pro-rata expectation for the part of the plan that has passed, ratio sub-targets, cadences.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::{
    apply::Effective,
    figure::Figure,
    measures::{DayKey, DaySums, Measures},
    model::{Progress, TargetProgress, TargetStatus},
    tally::Tally,
};
use crate::{
    event::Event,
    ids::{ActivityId, AreaId, TargetId},
    plan::{Cadence, Comparator, Goal, PlanState, Target},
    tertial::Tertial,
};

/// Progress of every target of `activity`, through each of `tertials` (up to `today`).
pub(super) fn progress(
    state: &PlanState,
    activity: &ActivityId,
    occurrences: &[&Effective],
    measures: &Measures,
    tertials: &[Tertial],
    today: Option<Date>,
) -> Vec<TargetProgress> {
    let Some(act) = state.activities.get(activity) else { return vec![] };
    act.targets
        .values()
        .map(|t| TargetProgress {
            id: t.id.clone(),
            metric: t.metric.clone(),
            text: t.text.to_string(),
            areas: t.areas.clone(),
            goal: t.goal.clone(),
            by_tertial: tertials
                .iter()
                .filter(|tt| today.is_none_or(|d| tt.first_day() <= d))
                .map(|tt| {
                    let through = today.map_or(tt.last_day(), |d| d.min(tt.last_day()));
                    (*tt, at(state, t, occurrences, measures.days(activity), through))
                })
                .collect(),
        })
        .collect()
}

fn matches_area(t: &Target, area: Option<&AreaId>) -> bool {
    t.areas.is_empty() || area.is_some_and(|a| t.areas.contains(a))
}

/// The metric an occurrence listed counts towards, and its area.
fn counted(e: &Event) -> Option<(&str, Option<&AreaId>)> {
    Some(match e {
        Event::MeetingHeld(m) => (TargetId::MEETINGS, m.area.as_ref()),
        Event::DialogueHeld(m) => (TargetId::DIALOGUES, m.area.as_ref()),
        Event::WorkshopHeld(m) => (TargetId::WORKSHOPS, m.area.as_ref()),
        Event::TrainingGiven(m) => (TargetId::TRAININGS, m.area.as_ref()),
        Event::SituationPictureMade(m) => (TargetId::SITUATION_PICTURES, Some(&m.area)),
        _ => return None,
    })
}

fn at<'a>(
    state: &PlanState,
    t: &Target,
    occurrences: &[&Effective],
    days: impl Iterator<Item = (&'a DayKey, &'a DaySums)>,
    through: Date,
) -> Progress {
    let (start, end) = (state.starts(), state.ends());
    let counts = |metric: &str, area: Option<&AreaId>, day: Date| {
        metric == t.metric.as_str() && matches_area(t, area) && day >= start && day <= through
    };
    // Each occurrence listed counts as one, each measure as its figure: by the day that decides.
    let listed: Vec<(Option<&AreaId>, Date)> = occurrences
        .iter()
        .filter_map(|o| {
            let (metric, area) = counted(&o.event)?;
            let day = o.event.business_date()?.deciding_day();
            counts(metric, area, day).then_some((area, day))
        })
        .collect();
    let measured: Vec<(&DayKey, &DaySums)> =
        days.filter(|((metric, area, day), _)| counts(metric.as_str(), area.as_ref(), *day)).collect();
    let elapsed = ((through - start).get_days() + 1).max(0) as u64;
    let total = ((end - start).get_days() + 1).max(1) as u64;
    match &t.goal {
        Goal::Count { comparator, value, ratio } => {
            let mut tally = Tally::default();
            let mut sub = 0u64;
            for _ in &listed {
                tally.one(1);
            }
            for (_, d) in &measured {
                tally.merge(&d.count);
                if let Some(r) = ratio {
                    sub = sub.wrapping_add(d.sub.get(&r.sub));
                }
            }
            let actual = if tally.len() == 0 { Figure::exact(0) } else { tally.figure() };
            let expected = value * elapsed.min(total) / total;
            let status = status(Some(*comparator), actual.value, *value, expected);
            let ratio = ratio.as_ref().map(|_| (sub, (sub * 100).checked_div(actual.value).unwrap_or(0)));
            Progress {
                through,
                percent: (actual.value * 100).checked_div(*value).unwrap_or(100),
                actual,
                target: *value,
                expected,
                ratio,
                status,
                comparator: Some(*comparator),
            }
        }
        Goal::Cadence { every } => {
            let areas = t.areas.len().max(1) as u64;
            let covered: BTreeSet<(Option<&AreaId>, (i16, i8))> = listed
                .iter()
                .map(|(area, d)| (*area, period(*every, *d)))
                .chain(measured.iter().map(|((_, area, d), _)| (area.as_ref(), period(*every, *d))))
                .collect();
            let periods_total = periods(*every, start, end) * areas;
            let periods_elapsed = periods(*every, start, through.min(end)) * areas;
            let actual = covered.len() as u64;
            Progress {
                through,
                actual: Figure::exact(actual),
                target: periods_total,
                expected: periods_elapsed,
                percent: (actual * 100).checked_div(periods_total).unwrap_or(100),
                ratio: None,
                status: status(None, actual, periods_total, periods_elapsed),
                comparator: None,
            }
        }
    }
}

fn status(c: Option<Comparator>, actual: u64, target: u64, expected: u64) -> TargetStatus {
    match c {
        Some(Comparator::Exactly) if actual > target => TargetStatus::Exceeded,
        _ if actual >= target => TargetStatus::Met,
        _ if actual >= expected => TargetStatus::OnTrack,
        _ => TargetStatus::Behind,
    }
}

/// The week (ISO year and week) or month a day falls in.
fn period(every: Cadence, d: Date) -> (i16, i8) {
    match every {
        Cadence::Weekly => {
            let w = d.iso_week_date();
            (w.year(), w.week())
        }
        Cadence::Monthly => (d.year(), d.month()),
    }
}

/// How many weeks or months `[from, to]` touches.
fn periods(every: Cadence, from: Date, to: Date) -> u64 {
    if to < from {
        return 0;
    }
    let mut seen = BTreeMap::new();
    let mut d = from;
    while d <= to {
        seen.insert(period(every, d), ());
        d = match d.tomorrow() {
            Ok(n) => n,
            Err(_) => break,
        };
    }
    seen.len() as u64
}
