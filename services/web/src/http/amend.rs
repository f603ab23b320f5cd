//! Correcting and retracting an entry — only one the person's own organisation recorded (the
//! ledger refuses any other, whatever is posted): a correction replaces the entry's content with
//! a reason; a retraction withdraws it with a reason. Both once per form.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use lofte_ledger_client::{Appended, ClientError};
use lofte_proto::text::Line;
use serde_json::{json, Value};

use super::{
    log::{context, data_value, not_found, posted, Posted},
    unavailable, AppState,
};
use crate::{
    entries::{self, Entry},
    forms::{self, Kind},
    html::log::{self, Context, Draft},
    store,
};

/// The entry `id` of the activity (`a`, as the summary has it) with the content it has now, if
/// it is in force and one of the person's organisations recorded it: a listed occurrence from the
/// summary's cells; a counted measure (a sum there) from the ledger, with the projector's
/// provenance for its latest correction.
async fn entry(st: &AppState, c: &Context, a: &Value, id: &str) -> Result<(Entry, Value), Response> {
    let listed =
        a["cells"].as_object().into_iter().flatten().flat_map(|(_, cell)| entries::of_cell(cell)).find(|e| e.id == id);
    let e = match listed {
        Some(e) => e,
        None => measure(st, c, id).await?,
    };
    if !c.orgs.iter().any(|(o, _)| *o == e.actor) {
        return Err(not_found());
    }
    let latest = match st.backend.ledger.event(&e.latest).await {
        Ok(Some(env)) => env,
        Ok(None) | Err(ClientError::Refused(_)) => return Err(not_found()),
        Err(err) => return Err(unavailable(err)),
    };
    let data = entries::content(&latest).1.clone();
    Ok((e, data))
}

/// A counted measure of the activity by its original id, found through the projector's
/// provenance (which lists the events behind every sum: the one place a measure's chain is).
async fn measure(st: &AppState, c: &Context, id: &str) -> Result<Entry, Response> {
    let p = st.backend.provenance(&c.plan, &c.activity).await.map_err(unavailable)?;
    let figures =
        p["tertials"].as_array().into_iter().flatten().flat_map(|t| t["figures"].as_array().into_iter().flatten());
    for f in figures.filter(|f| f["figure"].as_str().is_some_and(|n| n.starts_with("measure:"))) {
        let events: Vec<&Value> = f["events"].as_array().into_iter().flatten().collect();
        let Some(original) = events.iter().find(|e| e["id"] == id && e["kind"] == "measure_counted") else { continue };
        let chain: Vec<&&Value> = events.iter().filter(|e| e["data"]["event"] == id).collect();
        let latest = chain.last().map_or(*original, |e| **e);
        let (_, data) = entries::content(latest);
        return Ok(Entry {
            id: id.to_owned(),
            latest: latest["id"].as_str().unwrap_or(id).to_owned(),
            kind: Kind::Antal,
            actor: original["actor"].as_str().unwrap_or_default().to_owned(),
            text: format!("antal {}", data["count"].as_str().map_or_else(|| data["count"].to_string(), str::to_owned)),
            corrected: !chain.is_empty(),
        });
    }
    Err(not_found())
}

type Path3 = Path<(String, String, String)>;

/// `GET …/andra/{id}`: the entry's form, filled with what it holds now, and a reason.
pub async fn correct_form(
    State(st): State<AppState>,
    Path((plan, activity, id)): Path3,
    headers: HeaderMap,
) -> Response {
    let (who, _, c, a) = match context(&st, &headers, &plan, &activity).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (e, data) = match entry(&st, &c, &a, &id).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    // Dates as the form takes them, in Swedish ("3/10 och 17/10").
    let shown = |id: &str, v: String| match id {
        "datum" | "period" => v.parse().map_or(v, |d| lofte_proto::report::short_date(&d)),
        _ => v,
    };
    let values: BTreeMap<String, String> =
        e.kind.fields().iter().filter_map(|f| Some((f.id.to_owned(), shown(f.id, data_value(&data, f.id)?)))).collect();
    let once = store::secret();
    log::form(
        &who,
        &c,
        &Draft { kind: e.kind, once: &once, values: &values, errors: &[], late: None, amend: Some(&id) },
    )
    .into_response()
}

/// A reason as typed, or the message for its field.
fn reason(values: &BTreeMap<String, String>) -> Result<String, String> {
    let r = values.get("anledning").map_or("", |v| v.trim());
    if r.is_empty() {
        return Err("Skriv varför".to_owned());
    }
    Line::new(r).map(|_| r.to_owned()).map_err(|_| "Skriv anledningen på en rad, utan dolda tecken".to_owned())
}

/// `POST …/andra/{id}`.
pub async fn correct(
    State(st): State<AppState>,
    Path((plan, activity, id)): Path3,
    headers: HeaderMap,
    Form(values): Form<BTreeMap<String, String>>,
) -> Response {
    let Posted { who, person, c, activity: a, once } = match posted(&st, &headers, &plan, &activity, &values).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let once = once.as_str();
    let (e, now) = match entry(&st, &c, &a, &id).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let year = c.year;
    let areas: Vec<String> = c.areas.iter().map(|(k, _)| k.clone()).collect();
    let all_tertials: Vec<String> = c.tertials.iter().chain(&c.approved).cloned().collect();
    let metric = now["metric"].as_str().or(a["targets"][0]["metric"].as_str()).unwrap_or(&activity).to_owned();
    let data = forms::event_data(e.kind, &activity, &values, year, &areas, &all_tertials, &metric);
    let why = reason(&values);
    let (data, why) = match (data, why) {
        (Ok(d), Ok(w)) => (d, w),
        (d, w) => {
            let mut errors = d.err().unwrap_or_default();
            errors.extend(w.err().map(|m| ("anledning".to_owned(), m)));
            let d = Draft { kind: e.kind, once, values: &values, errors: &errors, late: None, amend: Some(&id) };
            return (StatusCode::UNPROCESSABLE_ENTITY, log::form(&who, &c, &d)).into_response();
        }
    };
    let data = json!({"event": id, "reason": why, "replacement": {"kind": e.kind.event_kind(), "data": data}});
    let recorded = st.backend.record_for(person.id, &plan, &e.actor, "event_corrected", data, once).await;
    answer(recorded, &format!("{}?rattad=1", c.base()))
}

/// `GET …/ta-bort/{id}`.
pub async fn retract_form(
    State(st): State<AppState>,
    Path((plan, activity, id)): Path3,
    headers: HeaderMap,
) -> Response {
    let (who, _, c, a) = match context(&st, &headers, &plan, &activity).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match entry(&st, &c, &a, &id).await {
        Ok((e, _)) => log::retract(&who, &c, &id, &e.text, &store::secret(), None).into_response(),
        Err(r) => r,
    }
}

/// `POST …/ta-bort/{id}`.
pub async fn retract(
    State(st): State<AppState>,
    Path((plan, activity, id)): Path3,
    headers: HeaderMap,
    Form(values): Form<BTreeMap<String, String>>,
) -> Response {
    let Posted { who, person, c, activity: a, once } = match posted(&st, &headers, &plan, &activity, &values).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let once = once.as_str();
    let (e, _) = match entry(&st, &c, &a, &id).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let why = match reason(&values) {
        Ok(w) => w,
        Err(m) => {
            return (StatusCode::UNPROCESSABLE_ENTITY, log::retract(&who, &c, &id, &e.text, once, Some(&m)))
                .into_response()
        }
    };
    let data = json!({"event": id, "reason": why});
    let recorded = st.backend.record_for(person.id, &plan, &e.actor, "event_retracted", data, once).await;
    answer(recorded, &format!("{}?borttagen=1", c.base()))
}

/// Where a correction or retraction goes once recorded (`to`), or why not.
fn answer(recorded: Result<Appended, ClientError>, to: &str) -> Response {
    match recorded {
        Ok(_) => Redirect::to(to).into_response(),
        Err(ClientError::Refused(p)) if p.status == 403 => super::forbidden(),
        Err(ClientError::Refused(p)) if p.status == 422 || p.status == 409 => {
            tracing::info!(detail = %p.detail, "a correction was refused");
            not_found()
        }
        Err(e) => unavailable(e),
    }
}
