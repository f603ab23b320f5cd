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
use lofte_ledger_client::ClientError;
use lofte_proto::{text::Line, NewEvent};
use serde_json::{json, Value};

use super::{
    log::{context, data_value, not_found, posted, Posted},
    unavailable, AppState,
};
use crate::{
    entries::{self, Entry},
    forms,
    html::log::{self, Context, Draft},
    store,
};

/// The entry `id` of the activity, if it is in force and one of the person's organisations
/// recorded it.
async fn entry(st: &AppState, c: &Context, id: &str) -> Result<Entry, Response> {
    let p = st.backend.provenance(&c.plan, &c.activity).await.map_err(unavailable)?;
    let tertials: Vec<String> = p["tertials"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["tertial"].as_str().map(str::to_owned))
        .collect();
    tertials
        .iter()
        .flat_map(|t| entries::of_tertial(&p, t))
        .find(|e| e.id == id && c.orgs.iter().any(|(o, _)| *o == e.actor))
        .ok_or_else(not_found)
}

type Path3 = Path<(String, String, String)>;

/// `GET …/andra/{id}`: the entry's form, filled with what it holds now, and a reason.
pub async fn correct_form(
    State(st): State<AppState>,
    Path((plan, activity, id)): Path3,
    headers: HeaderMap,
) -> Response {
    let (who, _, c, _) = match context(&st, &headers, &plan, &activity).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let e = match entry(&st, &c, &id).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let values: BTreeMap<String, String> =
        e.kind.fields().iter().filter_map(|f| Some((f.id.to_owned(), data_value(&e.data, f.id)?))).collect();
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
    let e = match entry(&st, &c, &id).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let year: i16 = c.tertials.iter().chain(&c.approved).next().and_then(|t| t.get(..4)?.parse().ok()).unwrap_or(2000);
    let areas: Vec<String> = c.areas.iter().map(|(k, _)| k.clone()).collect();
    let all_tertials: Vec<String> = c.tertials.iter().chain(&c.approved).cloned().collect();
    let metric = e.data["metric"].as_str().or(a["targets"][0]["metric"].as_str()).unwrap_or(&activity).to_owned();
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
    let body = json!({"plan": plan, "actor": e.actor, "kind": "event_corrected", "data": {
        "event": id, "reason": why, "replacement": {"kind": e.kind.event_kind(), "data": data}}});
    record(&st, person.id, body, once, &format!("{}?rattad=1", c.base())).await
}

/// `GET …/ta-bort/{id}`.
pub async fn retract_form(
    State(st): State<AppState>,
    Path((plan, activity, id)): Path3,
    headers: HeaderMap,
) -> Response {
    let (who, _, c, _) = match context(&st, &headers, &plan, &activity).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match entry(&st, &c, &id).await {
        Ok(e) => log::retract(&who, &c, &id, &e.text, &store::secret(), None).into_response(),
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
    let Posted { who, person, c, once, .. } = match posted(&st, &headers, &plan, &activity, &values).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let once = once.as_str();
    let e = match entry(&st, &c, &id).await {
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
    let body = json!({"plan": plan, "actor": e.actor, "kind": "event_retracted", "data": {"event": id, "reason": why}});
    record(&st, person.id, body, once, &format!("{}?borttagen=1", c.base())).await
}

/// Records `body` for the person, once per form, then goes `to`.
async fn record(st: &AppState, person: uuid::Uuid, body: Value, once: &str, to: &str) -> Response {
    let new: NewEvent = match serde_json::from_value(body) {
        Ok(n) => n,
        Err(e) => return unavailable(e),
    };
    match st.backend.ledger.append_for(person, &new, &format!("web-{person}-{once}")).await {
        Ok(_) => Redirect::to(to).into_response(),
        Err(ClientError::Refused(p)) if p.status == 403 => super::forbidden(),
        Err(ClientError::Refused(p)) if p.status == 422 || p.status == 409 => {
            tracing::info!(detail = %p.detail, "a correction was refused");
            not_found()
        }
        Err(e) => unavailable(e),
    }
}
