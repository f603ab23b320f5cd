//! The published follow-up as the public reads it (pure): per promise a table *Aktivitet |
//! Tertial 1 | Tertial 2 | Tertial 3*, each approved tertial's column exactly as approved.
//!
//! A tertial is approved once; what is recorded for it afterwards is a late amendment, and shows
//! in the report of a later tertial when that is approved (the projector's report of a tertial
//! covers the tertials up to it). So each column is read from the newest approved report that
//! covers it ([`sources`]); a tertial not approved shows no figures at all.

use std::collections::BTreeMap;

use jiff::Timestamp;
use lofte_proto::tertial::Tertial;
use serde::Serialize;
use serde_json::Value;

/// A plan with an approved follow-up, as the projector lists it to anyone.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub plan: String,
    pub title: String,
    pub municipality: String,
    pub tertials: Vec<Tertial>,
    /// When each approved tertial was approved.
    pub approved: BTreeMap<Tertial, Timestamp>,
}

impl Listed {
    /// An entry of the projector's `/v1/plans`; `None` without an approved tertial.
    pub fn from_json(v: &Value) -> Option<Listed> {
        let approved: BTreeMap<Tertial, Timestamp> = v["approved"]
            .as_object()?
            .iter()
            .filter_map(|(t, at)| Some((t.parse().ok()?, at.as_str()?.parse().ok()?)))
            .collect();
        if approved.is_empty() {
            return None;
        }
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
        let tertials = v["tertials"].as_array()?.iter().filter_map(|t| t.as_str()?.parse().ok()).collect();
        Some(Listed {
            plan: text("plan"),
            title: text("title"),
            municipality: text("municipality"),
            tertials,
            approved,
        })
    }
}

/// For each approved tertial, the approved report its column is read from: of the approved
/// tertials from it on, the one approved last (the newest approval that shows it).
pub fn sources(approved: &BTreeMap<Tertial, Timestamp>) -> BTreeMap<Tertial, Tertial> {
    approved
        .keys()
        .map(|t| {
            let newest = approved.range(*t..).max_by_key(|(_, at)| **at).map_or(*t, |(src, _)| *src);
            (*t, newest)
        })
        .collect()
}

/// One column: its tertial, when it was approved (`None`: not yet), and the approved report it is
/// read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub tertial: Tertial,
    pub approved: Option<Timestamp>,
    pub source: Option<Tertial>,
    /// When the report it is read from was approved.
    pub as_of: Option<Timestamp>,
}

/// One cell as published.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Cell {
    /// The tertial is not approved: no figures.
    NotApproved,
    /// As approved; `late`: how many events were recorded after its approval.
    Approved { lines: Vec<String>, late: u64 },
    /// The activity was not in the plan in that report.
    Absent,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub activity: String,
    pub title: String,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Promise {
    pub title: String,
    pub rows: Vec<Row>,
}

/// The whole published follow-up of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub plan: String,
    /// "Uppföljning av medborgarlöften Eksjö kommun 2017".
    pub title: String,
    /// "Lokalpolisområde Höglandet och Eksjö kommun."
    pub subtitle: String,
    pub columns: Vec<Column>,
    pub promises: Vec<Promise>,
}

/// The report from the plan's listing and the approved reports (the projector's JSON) by the
/// tertial they are of: at least those [`sources`] names.
pub fn build(listed: &Listed, reports: &BTreeMap<Tertial, Value>) -> Report {
    let sources = sources(&listed.approved);
    let columns: Vec<Column> = listed
        .tertials
        .iter()
        .map(|t| {
            let source = sources.get(t).copied();
            Column {
                tertial: *t,
                approved: listed.approved.get(t).copied(),
                source,
                as_of: source.and_then(|s| listed.approved.get(&s).copied()),
            }
        })
        .collect();
    // The plan as the newest approved report has it: its promises and activities, in order.
    let newest = listed.approved.iter().max_by_key(|(_, at)| **at).and_then(|(t, _)| reports.get(t));
    let summary = newest.map_or(&Value::Null, |r| &r["summary"]);
    let promises = summary["promises"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| Promise {
            title: p["title"].as_str().unwrap_or_default().to_owned(),
            rows: p["activities"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| {
                    let activity = a["id"].as_str().unwrap_or_default().to_owned();
                    let cells = columns.iter().map(|c| cell(c, &activity, reports)).collect();
                    Row { title: a["title"].as_str().unwrap_or_default().to_owned(), activity, cells }
                })
                .collect(),
        })
        .collect();
    Report { plan: listed.plan.clone(), title: title(summary), subtitle: subtitle(summary), columns, promises }
}

/// The cell of `activity` in `column`, from the report the column is read from.
fn cell(column: &Column, activity: &str, reports: &BTreeMap<Tertial, Value>) -> Cell {
    let Some(report) = column.source.and_then(|s| reports.get(&s)) else { return Cell::NotApproved };
    let tertial = column.tertial.to_string();
    let found = report["cells"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["activity"].as_str() == Some(activity) && c["tertial"].as_str() == Some(tertial.as_str()));
    match found {
        Some(c) => Cell::Approved {
            lines: c["lines"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect(),
            late: c["late_amendments"].as_u64().unwrap_or(0),
        },
        None => Cell::Absent,
    }
}

/// "Uppföljning av medborgarlöfte 2022 — Jönköpings kommun", as the projector's report heads it.
fn title(summary: &Value) -> String {
    let (plan, municipality) =
        (summary["title"].as_str().unwrap_or_default(), summary["municipality"].as_str().unwrap_or_default());
    let mut c = plan.chars();
    let lowered = c.next().map(|f| f.to_lowercase().collect::<String>() + c.as_str()).unwrap_or_default();
    if plan.contains(municipality) {
        format!("Uppföljning av {lowered}")
    } else {
        format!("Uppföljning av {lowered} — {municipality}")
    }
}

fn subtitle(summary: &Value) -> String {
    let (police, municipality) =
        (summary["police_area"].as_str().unwrap_or_default(), summary["municipality"].as_str().unwrap_or_default());
    format!("{police} och {municipality}.")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn t(s: &str) -> Tertial {
        s.parse().unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_column_is_read_from_the_newest_approval_that_covers_it() {
        let approved =
            BTreeMap::from([(t("2022-T1"), at("2022-05-16T08:00:00Z")), (t("2022-T2"), at("2022-09-14T08:00:00Z"))]);
        let s = sources(&approved);
        assert_eq!(s[&t("2022-T1")], t("2022-T2"), "T2's report shows T1's late amendments");
        assert_eq!(s[&t("2022-T2")], t("2022-T2"));
        assert!(!s.contains_key(&t("2022-T3")));
        // Approved out of order: T1 after T2, so T2's report (as of then) had no T1.
        let odd =
            BTreeMap::from([(t("2022-T1"), at("2022-10-01T08:00:00Z")), (t("2022-T2"), at("2022-09-14T08:00:00Z"))]);
        assert_eq!(sources(&odd)[&t("2022-T1")], t("2022-T1"));
    }

    fn report(tertial: &str, cells: Value) -> Value {
        json!({"summary": {"title": "Medborgarlöfte 2022", "municipality": "Jönköpings kommun",
            "police_area": "Lokalpolisområde Jönköping",
            "promises": [{"title": "Trygg miljö", "activities": [{"id": "ssg", "title": "SSG möts"}, {"id": "ny", "title": "Ny"}]}]},
            "cells": cells, "tertial": tertial})
    }

    #[test]
    fn unapproved_tertials_show_no_figures_and_approved_ones_show_as_approved() {
        let listed = Listed {
            plan: "jonkoping-2022".into(),
            title: "Medborgarlöfte 2022".into(),
            municipality: "Jönköpings kommun".into(),
            tertials: vec![t("2022-T1"), t("2022-T2"), t("2022-T3")],
            approved: BTreeMap::from([(t("2022-T1"), at("2022-05-16T08:00:00Z"))]),
        };
        let t1 = report(
            "2022-T1",
            json!([{"activity": "ssg", "tertial": "2022-T1", "lines": ["Möte har hållits vid 1 tillfälle: 13/1."], "late_amendments": 0}]),
        );
        let r = build(&listed, &BTreeMap::from([(t("2022-T1"), t1)]));
        assert_eq!(r.title, "Uppföljning av medborgarlöfte 2022 — Jönköpings kommun");
        assert_eq!(r.subtitle, "Lokalpolisområde Jönköping och Jönköpings kommun.");
        assert_eq!(r.columns.len(), 3);
        assert_eq!(r.columns[0].source, Some(t("2022-T1")));
        assert_eq!(r.columns[1].approved, None);
        let row = &r.promises[0].rows[0];
        assert_eq!(row.title, "SSG möts");
        assert_eq!(
            row.cells[0],
            Cell::Approved { lines: vec!["Möte har hållits vid 1 tillfälle: 13/1.".into()], late: 0 }
        );
        assert_eq!(row.cells[1], Cell::NotApproved);
        assert_eq!(row.cells[2], Cell::NotApproved);
        assert_eq!(r.promises[0].rows[1].cells[0], Cell::Absent);
    }
}
