//! `GET /granska/plan/{plan}` (`?per=`: as known at a moment) and
//! `GET /granska/plan/{plan}/andringar?fran=&till=`: the report with a link to the events behind
//! each cell, and what changed between two moments (proto's `report::diff`), with the events
//! that changed it from the history's index.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use jiff::Timestamp;
use lofte_proto::report::diff;

use super::{auditor, events_of};
use crate::{
    backend::{BackendError, Report},
    history::when::{self, End},
    html::audit::{
        report::{self, moment_error, Shown},
        trail::{self, Changed, Diff},
    },
    http::{unavailable, AppState},
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/granska/plan/{plan}", get(plan)).route("/granska/plan/{plan}/andringar", get(changes))
}

const MOMENT: &str = "Skriv tiden som ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM, till exempel 2022-05-10 14:30";

pub(super) fn not_found() -> Response {
    let body = crate::html::page(
        &crate::html::Shell { title: "Planen finns inte", ..Default::default() },
        maud::html! { h1 { "Planen finns inte" } p { a href="/granska" { "Till Händelsehistorik" } } },
    );
    (StatusCode::NOT_FOUND, body).into_response()
}

/// The report, or the answer: a plan the projector does not know is not found.
pub(super) async fn report_of(st: &AppState, plan: &str, at: Option<Timestamp>) -> Result<Report, Response> {
    match st.backend.report(plan, at).await {
        Ok(r) => Ok(r),
        Err(BackendError::Projector { why, .. }) if why.contains("404") || why.contains("422") => Err(not_found()),
        Err(e) => Err(unavailable(e)),
    }
}

async fn plans(st: &AppState) -> Vec<String> {
    st.backend.plans().await.unwrap_or_default()
}

async fn plan(
    State(st): State<AppState>,
    Path(plan): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let signed = match auditor(&st, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let typed = q.get("per").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
    let at = match typed.as_deref().map(|p| when::parse(p, End::After).map(|t| t - jiff::SignedDuration::from_nanos(1)))
    {
        Some(None) => {
            let errors = [("per".to_owned(), MOMENT.to_owned())];
            let body = moment_error(&signed.who, &plan, &plans(&st).await, typed.as_deref().unwrap_or(""), &errors);
            return (StatusCode::UNPROCESSABLE_ENTITY, body).into_response();
        }
        Some(Some(t)) => Some(t),
        None => None,
    };
    let now = match report_of(&st, &plan, None).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let shown_report = match at {
        Some(t) => match report_of(&st, &plan, Some(t)).await {
            Ok(r) => r,
            Err(r) => return r,
        },
        None => now.clone(),
    };
    let tertials: Vec<String> = shown_report.summary["tertials"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    let mut rows: Vec<report::Row> = vec![];
    for c in &shown_report.cells {
        if rows.last().is_none_or(|r| r.activity != c.activity) {
            rows.push(report::Row { activity: c.activity.clone(), title: c.activity_title.clone(), cells: vec![] });
        }
        if let Some(r) = rows.last_mut() {
            r.cells.push((c.tertial.to_string(), c.lines.clone()));
        }
    }
    let approvals = now.summary["approved"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(t, at)| {
            let ts: Timestamp = at.as_str()?.parse().ok()?;
            Some((t.clone(), ts.to_string(), when::shown(ts)))
        })
        .collect();
    let s = Shown {
        plan: plan.clone(),
        plan_title: now.summary["title"].as_str().unwrap_or(&plan).to_owned(),
        per: typed.zip(at).map(|(typed, t)| (typed, when::exact(t))),
        tertials,
        rows,
        approvals,
        plans: plans(&st).await,
    };
    report::page_for(&signed.who, &s).into_response()
}

async fn changes(
    State(st): State<AppState>,
    Path(plan): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let signed = match auditor(&st, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let typed = |k: &str| q.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let mut d =
        Diff { plan: plan.clone(), from: typed("fran"), to: typed("till"), plans: plans(&st).await, ..Diff::default() };
    if q.is_empty() {
        return trail::diff(&signed.who, &d).into_response();
    }
    let mut errors = vec![];
    let from = when::parse(&d.from, End::Start);
    if d.from.is_empty() {
        errors.push(("fran".to_owned(), "Skriv från vilken tidpunkt".to_owned()));
    } else if from.is_none() {
        errors.push(("fran".to_owned(), MOMENT.to_owned()));
    }
    let to = if d.to.is_empty() { Some(Timestamp::now()) } else { when::parse(&d.to, End::After) };
    if to.is_none() {
        errors.push(("till".to_owned(), MOMENT.to_owned()));
    }
    if let (Some(a), Some(b)) = (from, to) {
        if b <= a {
            errors.push(("till".to_owned(), "Till-tiden måste vara efter från-tiden".to_owned()));
        }
    }
    let (Some(from), Some(to), true) = (from, to, errors.is_empty()) else {
        d.errors = &errors;
        return (StatusCode::UNPROCESSABLE_ENTITY, trail::diff(&signed.who, &d)).into_response();
    };
    // A moment typed to the minute or day means up to and including it.
    let to = if d.to.is_empty() { to } else { to - jiff::SignedDuration::from_nanos(1) };
    let after = match report_of(&st, &plan, Some(to)).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    // Before the plan was adopted there is no report: every cell is new.
    let before = match st.backend.report(&plan, Some(from)).await {
        Ok(b) => b.cells,
        Err(BackendError::Projector { why, .. }) if why.contains("404") => vec![],
        Err(e) => return unavailable(e),
    };
    let h = match st.backend.history().await {
        Ok(h) => h,
        Err(e) => return unavailable(e),
    };
    d.changes = diff::changes(&before, &after.cells)
        .into_iter()
        .map(|c| {
            let tertial = c.tertial;
            let by = events_of(&h, |r| {
                *r.plan == *plan
                    && r.recorded_at > from
                    && r.recorded_at <= to
                    && r.activity.as_deref() == Some(c.activity.as_str())
                    && r.tertial == Some(tertial)
            });
            Changed { title: c.activity_title, tertial: tertial.to_string(), before: c.before, after: c.after, by }
        })
        .collect();
    d.between = Some((when::exact(from), when::exact(to)));
    trail::diff(&signed.who, &d).into_response()
}
