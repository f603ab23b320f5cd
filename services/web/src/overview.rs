//! "Översikt", computed (pure): a coordinator's view of a plan from its summary — per activity
//! and tertial the state of the follow-up in words, per tertial the due date and who still owes
//! what, and what is missing before a tertial is approved. Due dates are [`todo::due`]'s.
//!
//! A cell's state, first that applies:
//! 1. **godkänd** — the tertial is approved (whatever was missing then);
//! 2. **inlämnad** — every organisation that takes part has submitted;
//! 3. **försenad** — someone has not submitted and the due date has passed (the day after it);
//! 4. **kommande** — the tertial has not begun;
//! 5. **pågår** — something is logged (an entry, a status, a note) or someone has submitted;
//! 6. **ej rapporterat** — nothing yet.

use jiff::civil::Date;
use lofte_proto::{people::Person, tertial::Tertial};
use serde_json::Value;

use crate::todo;

/// The state of one activity's follow-up for one tertial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    NotReported,
    InProgress,
    Upcoming,
    Late,
    Submitted,
    Approved,
}

impl State {
    pub const ALL: [State; 6] =
        [State::NotReported, State::InProgress, State::Upcoming, State::Late, State::Submitted, State::Approved];

    /// In words, as the page says it.
    pub fn words(self) -> &'static str {
        match self {
            State::NotReported => "ej rapporterat",
            State::InProgress => "pågår",
            State::Upcoming => "kommande",
            State::Late => "försenad",
            State::Submitted => "inlämnad",
            State::Approved => "godkänd",
        }
    }

    /// The class the stylesheet colours it by (the words are always there too).
    pub fn class(self) -> &'static str {
        match self {
            State::NotReported => "state-none",
            State::InProgress => "state-ongoing",
            State::Upcoming => "state-upcoming",
            State::Late => "state-late",
            State::Submitted => "state-submitted",
            State::Approved => "state-approved",
        }
    }
}

/// One cell of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellView {
    pub tertial: String,
    pub state: State,
    /// The organisations (names) that take part and have not submitted.
    pub pending: Vec<String>,
    /// Events recorded after the tertial was approved.
    pub late_amendments: usize,
}

/// One activity's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub activity: String,
    pub title: String,
    pub cells: Vec<CellView>,
}

/// A promise and its activities' rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseRows {
    pub title: String,
    pub rows: Vec<Row>,
}

/// An organisation that owes follow-ups for a tertial: its name and the activities (titles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owed {
    pub org: String,
    pub activities: Vec<String>,
}

/// One tertial of the plan: its due date, whether it is approved, and who still owes what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TertialView {
    pub id: String,
    pub due: Date,
    /// Whether the due date is the plan's own (`deadline_set`) rather than the default.
    pub declared: bool,
    /// When it was approved (the first approval), in Swedish ("3 juni 2022").
    pub approved: Option<String>,
    pub begun: bool,
    /// How many activities are in each state (only states that occur).
    pub counts: Vec<(State, usize)>,
    /// Who has not submitted, per organisation (empty once approved).
    pub owed: Vec<Owed>,
}

/// The whole page's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub plan: String,
    pub title: String,
    pub tertials: Vec<TertialView>,
    pub promises: Vec<PromiseRows>,
}

/// Whether `coordinator` coordinates the plan `summary` describes: it is one of their plans (all
/// when they are limited to none) and one of their organisations is the plan's — what they record
/// for (see [`actor`]).
pub fn coordinates(coordinator: &Person, summary: &Value) -> bool {
    let plan = summary["plan"].as_str().unwrap_or_default();
    let in_plan = coordinator.plans.is_empty() || coordinator.plans.iter().any(|p| p.as_str() == plan);
    in_plan && actor(coordinator, summary).is_some()
}

/// The organisation a coordinator records approvals and deadlines for in the plan: their first
/// organisation that is one of the plan's (the ledger checks they act for it, ADR 0019).
pub fn actor(coordinator: &Person, summary: &Value) -> Option<String> {
    coordinator.orgs.iter().map(|o| o.as_str()).find(|o| summary["organisations"].get(*o).is_some()).map(str::to_owned)
}

/// The plan's tertials, as the summary lists them.
pub fn tertials(summary: &Value) -> Vec<Tertial> {
    summary["tertials"].as_array().into_iter().flatten().filter_map(|t| t.as_str()?.parse().ok()).collect()
}

fn activities(summary: &Value) -> impl Iterator<Item = &Value> {
    summary["promises"].as_array().into_iter().flatten().flat_map(|p| p["activities"].as_array().into_iter().flatten())
}

fn org_name(summary: &Value, o: &str) -> String {
    summary["organisations"][o].as_str().unwrap_or(o).to_owned()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_owned)).collect()
}

/// The state of `cell` in tertial `t`, due `due`, on `today`.
pub fn state(summary: &Value, cell: &Value, t: Tertial, due: Date, today: Date) -> State {
    let pending = cell["pending"].as_array().map_or(0, Vec::len);
    let something = !todo::logged(cell).is_empty()
        || !cell["status"].is_null()
        || cell["submitted"].as_object().is_some_and(|m| !m.is_empty());
    if summary["approved"].get(t.to_string()).is_some() {
        State::Approved
    } else if pending == 0 {
        State::Submitted
    } else if due < today {
        State::Late
    } else if t.first_day() > today {
        State::Upcoming
    } else if something {
        State::InProgress
    } else {
        State::NotReported
    }
}

/// Översikt of the plan `summary` on `today`.
pub fn overview(summary: &Value, today: Date, default_due_after_days: u32) -> Overview {
    let ts = tertials(summary);
    let dues: Vec<Date> = ts.iter().map(|t| todo::due(summary, *t, default_due_after_days)).collect();
    let row = |a: &Value| Row {
        activity: a["id"].as_str().unwrap_or_default().to_owned(),
        title: a["title"].as_str().unwrap_or_default().to_owned(),
        cells: ts
            .iter()
            .zip(&dues)
            .map(|(t, due)| {
                let cell = &a["cells"][t.to_string()];
                CellView {
                    tertial: t.to_string(),
                    state: state(summary, cell, *t, *due, today),
                    pending: strings(&cell["pending"]).iter().map(|o| org_name(summary, o)).collect(),
                    late_amendments: cell["late_amendments"].as_array().map_or(0, Vec::len),
                }
            })
            .collect(),
    };
    let promises: Vec<PromiseRows> = summary["promises"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| PromiseRows {
            title: p["title"].as_str().unwrap_or_default().to_owned(),
            rows: p["activities"].as_array().into_iter().flatten().map(row).collect(),
        })
        .collect();
    let tertials = ts
        .iter()
        .zip(&dues)
        .enumerate()
        .map(|(i, (t, due))| {
            let cells = promises.iter().flat_map(|p| &p.rows).map(|r| &r.cells[i]);
            let counts = State::ALL
                .iter()
                .map(|s| (*s, cells.clone().filter(|c| c.state == *s).count()))
                .filter(|(_, n)| *n > 0)
                .collect();
            let approved = approved_on(summary, *t);
            TertialView {
                id: t.to_string(),
                due: *due,
                declared: summary["deadlines"].get(t.to_string()).is_some(),
                owed: if approved.is_some() { vec![] } else { owed(summary, *t) },
                approved,
                begun: t.first_day() <= today,
                counts,
            }
        })
        .collect();
    Overview {
        plan: summary["plan"].as_str().unwrap_or_default().to_owned(),
        title: summary["title"].as_str().unwrap_or_default().to_owned(),
        tertials,
        promises,
    }
}

/// The day tertial `t` was approved, in Swedish; `None`: not approved.
pub fn approved_on(summary: &Value, t: Tertial) -> Option<String> {
    let at = &summary["approved"][t.to_string()];
    let day = at.as_str()?.parse::<jiff::Timestamp>().ok().map(lofte_proto::date::local_date);
    Some(day.map_or_else(|| at.as_str().unwrap_or_default().to_owned(), swedish_date))
}

/// Who has not submitted for tertial `t`: per organisation (the plan's order), the activities.
pub fn owed(summary: &Value, t: Tertial) -> Vec<Owed> {
    let mut out: Vec<Owed> = vec![];
    for a in activities(summary) {
        for o in strings(&a["cells"][t.to_string()]["pending"]) {
            let name = org_name(summary, &o);
            let title = a["title"].as_str().unwrap_or_default().to_owned();
            match out.iter_mut().find(|x| x.org == name) {
                Some(x) => x.activities.push(title),
                None => out.push(Owed { org: name, activities: vec![title] }),
            }
        }
    }
    out
}

/// What is missing before tertial `t` is approved: per activity (title) the organisations
/// (names) without a submitted follow-up.
pub fn missing(summary: &Value, t: Tertial) -> Vec<(String, Vec<String>)> {
    activities(summary)
        .filter_map(|a| {
            let pending = strings(&a["cells"][t.to_string()]["pending"]);
            (!pending.is_empty()).then(|| {
                let title = a["title"].as_str().unwrap_or_default().to_owned();
                (title, pending.iter().map(|o| org_name(summary, o)).collect())
            })
        })
        .collect()
}

/// How many events were recorded for tertial `t` after it was approved (late amendments).
pub fn late_amendments(summary: &Value, t: Tertial) -> usize {
    activities(summary).map(|a| a["cells"][t.to_string()]["late_amendments"].as_array().map_or(0, Vec::len)).sum()
}

/// A day in Swedish: "16 maj 2022".
pub fn swedish_date(d: Date) -> String {
    lofte_proto::until::Until::Day(d).swedish()
}

/// A due date typed as `ÅÅÅÅ-MM-DD` for tertial `t`, on `today`: a real day, not before the
/// tertial begins, and at most a year after the tertial ends or after today (a late tertial may
/// be given more time), whichever is later. `Err`: what to say at the field.
pub fn due_date(typed: &str, t: Tertial, today: Date) -> Result<Date, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err("Ange sista dag, till exempel 2022-05-16".to_owned());
    }
    let well_formed = typed.len() == 10
        && typed.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !well_formed {
        return Err("Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2022-05-16".to_owned());
    }
    let Ok(d) = lofte_proto::date::parse_date(typed) else {
        return Err("Det datumet finns inte; kontrollera månad och dag".to_owned());
    };
    if d < t.first_day() {
        return Err(format!(
            "Sista dag kan inte vara före {} börjar ({})",
            crate::html::words::tertial(&t.to_string()),
            swedish_date(t.first_day())
        ));
    }
    let latest = t.last_day().max(today).checked_add(jiff::Span::new().years(1)).unwrap_or(Date::MAX);
    if d > latest {
        return Err(format!("Sista dag kan vara högst ett år fram, senast {}", swedish_date(latest)));
    }
    Ok(d)
}

#[cfg(test)]
#[path = "overview_tests.rs"]
mod tests;
