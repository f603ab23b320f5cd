//! Counted measures, kept as sums: the high-volume kind (forty foot patrols logged one by one) is
//! not kept per event. Each `measure_counted` in force adds its figure to its cell's sums (per
//! metric, and per area) and to its day's sums (what target progress adds up to a day); a
//! correction takes the old figure back and adds the new one, a retraction takes it back. So the
//! summary is built from sums in proportion to the plan's size, not its history.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::{
    model::{AreaSum, MeasureSum},
    tally::{SubCounts, Tally},
};
use crate::{
    event::{Event, MeasureCounted},
    ids::{ActivityId, AreaId, Metric},
    quantity::Hours,
    tertial::Tertial,
};

/// One metric's sums in one cell, or in one of its areas.
#[derive(Debug, Clone, Default)]
struct Sums {
    count: Tally,
    /// Hundredths of an hour.
    hours: u64,
    sub: SubCounts,
}

impl Sums {
    fn count(&mut self, m: &MeasureCounted, sign: i8) {
        self.count.count(&m.count, sign);
        let h = u64::from(m.hours.unwrap_or_default().hundredths());
        self.hours = if sign >= 0 { self.hours.wrapping_add(h) } else { self.hours.wrapping_sub(h) };
        self.sub.count(&m.sub, sign);
    }
}

/// A metric's sums in a cell.
#[derive(Debug, Clone, Default)]
struct CellSums {
    all: Sums,
    /// By area name (`""`: reported without an area).
    by_area: BTreeMap<String, Sums>,
}

/// What target progress adds up, per day: the figures of one metric in one area.
#[derive(Debug, Clone, Default)]
pub(super) struct DaySums {
    pub count: Tally,
    pub sub: SubCounts,
}

/// Where a day's sums are kept: metric, area, the day that decides (see `BusinessDate`).
pub(super) type DayKey = (Metric, Option<AreaId>, Date);

/// The sums of every counted measure in force, per activity.
#[derive(Debug, Clone, Default)]
pub(super) struct Measures {
    cells: BTreeMap<ActivityId, BTreeMap<Tertial, BTreeMap<Metric, CellSums>>>,
    days: BTreeMap<ActivityId, BTreeMap<DayKey, DaySums>>,
}

impl Measures {
    /// Adds (`+1`) or takes back (`-1`) `e`, if it is a counted measure; whether it was.
    pub fn count(&mut self, e: &Event, sign: i8) -> bool {
        let Event::MeasureCounted(m) = e else { return false };
        if let Some(t) = e.tertial() {
            let cells = self.cells.entry(m.activity.clone()).or_default();
            let metrics = cells.entry(t).or_default();
            let cell = metrics.entry(m.metric.clone()).or_default();
            cell.all.count(m, sign);
            let area = m.area.as_ref().map_or_else(String::new, |a| a.to_string());
            let by_area = cell.by_area.entry(area.clone()).or_default();
            by_area.count(m, sign);
            if by_area.count.len() == 0 {
                cell.by_area.remove(&area);
            }
            if cell.all.count.len() == 0 {
                metrics.remove(&m.metric);
            }
            if metrics.is_empty() {
                cells.remove(&t);
            }
        }
        let key = (m.metric.clone(), m.area.clone(), m.date.deciding_day());
        let days = self.days.entry(m.activity.clone()).or_default();
        let day = days.entry(key.clone()).or_default();
        day.count.count(&m.count, sign);
        day.sub.count(&m.sub, sign);
        if day.count.len() == 0 {
            days.remove(&key);
        }
        true
    }

    /// The tertials in which `activity` has measures in force.
    pub fn tertials(&self, activity: &ActivityId) -> impl Iterator<Item = Tertial> + '_ {
        self.cells.get(activity).into_iter().flat_map(|c| c.keys().copied())
    }

    /// A cell's measures, as the summary lists them.
    pub fn cell(&self, activity: &ActivityId, t: Tertial) -> BTreeMap<Metric, MeasureSum> {
        let Some(metrics) = self.cells.get(activity).and_then(|c| c.get(&t)) else { return BTreeMap::new() };
        metrics
            .iter()
            .map(|(metric, c)| {
                let sum = MeasureSum {
                    count: c.all.count.figure(),
                    hours: Hours::sum_of(c.all.hours),
                    sub: c.all.sub.sums(),
                    by_area: c
                        .by_area
                        .iter()
                        .map(|(area, s)| {
                            let a =
                                AreaSum { count: s.count.figure(), hours: Hours::sum_of(s.hours), sub: s.sub.sums() };
                            (area.clone(), a)
                        })
                        .collect(),
                };
                (metric.clone(), sum)
            })
            .collect()
    }

    /// `activity`'s day sums in force.
    pub fn days(&self, activity: &ActivityId) -> impl Iterator<Item = (&DayKey, &DaySums)> {
        self.days.get(activity).into_iter().flatten()
    }
}
