//! Logging what happened: the activity page, the form per kind, recording through the ledger on
//! behalf of the person (ADR 0019), and the page after. Only for the person's own organisations'
//! activities: any other is "not found", here and — whatever is posted by hand — in the ledger.
//!
//! A form carries a nonce (`_once`), made when the form is shown; the ledger's idempotency key
//! is the person and the nonce, so a double click, or going back and sending again, records once
//! and says so.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use lofte_ledger_client::{Appended, ClientError};
use lofte_proto::people::{Person, PersonRole};
use serde_json::Value;

use super::{unavailable, AppState};
use crate::{
    backend::BackendError,
    forms::{self, Kind},
    html::{
        log::{self, Context, Draft},
        Who,
    },
    store, todo,
};

pub(super) fn not_found() -> Response {
    let body = crate::html::page(
        &crate::html::Shell { title: "Sidan finns inte", ..Default::default() },
        maud::html! { h1 { "Sidan finns inte" } p { a href="/" { "Till Att göra" } } },
    );
    (StatusCode::NOT_FOUND, body).into_response()
}

/// Who is asking and the activity's context, or the answer to give instead.
pub(super) async fn context(
    st: &AppState,
    headers: &HeaderMap,
    plan: &str,
    activity: &str,
) -> Result<(Who, Person, Context, Value), Response> {
    let (signed, person) = super::access::require(st, headers, PersonRole::Reporter).await?;
    let summary = match st.backend.summary(plan).await {
        Ok(s) => s,
        Err(BackendError::Projector { .. }) => return Err(not_found()),
        Err(e) => return Err(unavailable(e)),
    };
    if !todo::acts_in(&person, &summary) {
        return Err(not_found());
    }
    let a = summary["promises"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["activities"].as_array().into_iter().flatten())
        .find(|a| a["id"] == activity)
        .cloned();
    let Some(a) = a else { return Err(not_found()) };
    let takes_part =
        |o: &str| a["lead"] == o || a["participants"].as_array().is_some_and(|ps| ps.iter().any(|p| p == o));
    let name_of = |o: &str| summary["organisations"][o].as_str().unwrap_or(o).to_owned();
    let orgs: Vec<(String, String)> =
        person.orgs.iter().map(|o| o.as_str()).filter(|o| takes_part(o)).map(|o| (o.to_owned(), name_of(o))).collect();
    if orgs.is_empty() {
        return Err(not_found());
    }
    let approved = |t: &str| summary["approved"].get(t).is_some();
    let tertials: Vec<String> = summary["tertials"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str())
        .filter(|t| !approved(t))
        .map(str::to_owned)
        .collect();
    let today = lofte_proto::date::local_date(jiff::Timestamp::now());
    let begun = |t: &str| t.parse::<lofte_proto::tertial::Tertial>().is_ok_and(|t| t.first_day() <= today);
    let logged =
        tertials.iter().filter(|t| begun(t)).map(|t| (t.clone(), todo::logged(&a["cells"][t.as_str()]))).collect();
    let c = Context {
        plan: plan.to_owned(),
        plan_title: summary["title"].as_str().unwrap_or(plan).to_owned(),
        activity: activity.to_owned(),
        title: a["title"].as_str().unwrap_or(activity).to_owned(),
        orgs,
        areas: summary["areas"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or(k).to_owned()))
            .collect(),
        year: summary["period"].as_str().and_then(|p| p.get(..4)?.parse().ok()).unwrap_or(2000),
        approved: summary["approved"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default(),
        tertials,
        logged,
    };
    Ok((signed.who, person, c, a))
}

/// A form posted for an activity: who sent it, the context, and its nonce — once its token is
/// the session's and its nonce well-formed (`403` otherwise, nothing done).
pub(super) struct Posted {
    pub who: Who,
    pub person: Person,
    pub c: Context,
    /// The activity, as the summary has it.
    pub activity: Value,
    pub once: String,
}

pub(super) async fn posted(
    st: &AppState,
    headers: &HeaderMap,
    plan: &str,
    activity: &str,
    values: &BTreeMap<String, String>,
) -> Result<Posted, Response> {
    let (who, person, c, a) = context(st, headers, plan, activity).await?;
    let once = super::checked(&who, values)?;
    Ok(Posted { once, who, person, c, activity: a })
}

/// `GET /plan/{plan}/aktivitet/{activity}`.
pub async fn activity(
    State(st): State<AppState>,
    Path((plan, activity)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    match context(&st, &headers, &plan, &activity).await {
        Ok((who, _, c, a)) => {
            let entries: Vec<log::Listed> = c
                .logged
                .iter()
                .map(|(t, _)| {
                    let cell = &a["cells"][t.as_str()];
                    log::Listed {
                        tertial: t.clone(),
                        entries: crate::entries::of_cell(cell),
                        retracted: crate::entries::retracted(cell),
                    }
                })
                .collect();
            let notice = match (
                q.get("lamnad").filter(|t| c.tertials.contains(t)),
                q.contains_key("rattad"),
                q.contains_key("borttagen"),
            ) {
                (Some(t), _, _) => Some(format!("Uppföljningen för {} är lämnad.", crate::html::words::tertial(t))),
                (_, true, _) => Some("Rättelsen är sparad.".to_owned()),
                (_, _, true) => Some("Uppgiften är borttagen ur uppföljningen.".to_owned()),
                _ => None,
            };
            log::activity(&who, &c, notice.as_deref(), &entries).into_response()
        }
        Err(r) => r,
    }
}

/// `GET /plan/{plan}/aktivitet/{activity}/logga/{kind}`.
pub async fn form(
    State(st): State<AppState>,
    Path((plan, activity, kind)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(kind) = Kind::from_slug(&kind) else { return not_found() };
    match context(&st, &headers, &plan, &activity).await {
        Ok((who, _, c, _)) => {
            let (once, values) = (store::secret(), BTreeMap::new());
            let d = Draft { kind, once: &once, values: &values, errors: &[], late: None, amend: None };
            log::form(&who, &c, &d).into_response()
        }
        Err(r) => r,
    }
}

/// `POST /plan/{plan}/aktivitet/{activity}/logga/{kind}`.
pub async fn record(
    State(st): State<AppState>,
    Path((plan, activity, kind)): Path<(String, String, String)>,
    headers: HeaderMap,
    Form(values): Form<BTreeMap<String, String>>,
) -> Response {
    let Some(kind) = Kind::from_slug(&kind) else { return not_found() };
    let Posted { who, person, c, activity: a, once } = match posted(&st, &headers, &plan, &activity, &values).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let show = |errors: &[(String, String)]| {
        let d = Draft { kind, once: &once, values: &values, errors, late: None, amend: None };
        (StatusCode::UNPROCESSABLE_ENTITY, log::form(&who, &c, &d)).into_response()
    };
    let actor = match values.get("organisation") {
        Some(o) if c.orgs.iter().any(|(id, _)| id == o) => o.clone(),
        Some(_) => return show(&[("organisation".into(), "Välj en av dina organisationer".into())]),
        None => c.orgs[0].0.clone(),
    };
    let year = c.year;
    let areas: Vec<String> = c.areas.iter().map(|(k, _)| k.clone()).collect();
    let metric = a["targets"][0]["metric"].as_str().unwrap_or(&activity).to_owned();
    let data = match forms::event_data(kind, &activity, &values, year, &areas, &c.tertials, &metric) {
        Ok(d) => d,
        Err(errors) => return show(&errors),
    };
    // Into an approved tertial: said first, recorded once confirmed (a late amendment).
    if let Some(t) = tertial_of(&data).filter(|t| c.approved.contains(t)) {
        if values.get("_sent").map(String::as_str) != Some("ja") {
            let d = Draft { kind, once: &once, values: &values, errors: &[], late: Some(&t), amend: None };
            return log::form(&who, &c, &d).into_response();
        }
    }
    match st.backend.record_for(person.id, &plan, &actor, kind.event_kind(), data, &once).await {
        Ok(appended) => {
            let again = matches!(appended, Appended::Existing(_));
            let id = appended.event()["id"].as_str().unwrap_or_default().to_owned();
            let to = format!("{}/registrerat/{id}{}", c.base(), if again { "?igen=1" } else { "" });
            Redirect::to(&to).into_response()
        }
        Err(ClientError::Refused(p)) if p.status == 422 || p.status == 409 => {
            let field = p.field.as_deref().and_then(forms::field_of).unwrap_or("datum");
            show(&[(field.to_owned(), format!("Lofte kunde inte spara det: {}", p.detail))])
        }
        Err(ClientError::Refused(p)) if p.status == 403 => super::forbidden(),
        Err(e) => unavailable(e),
    }
}

/// `GET /plan/{plan}/aktivitet/{activity}/registrerat/{id}`.
pub async fn recorded(
    State(st): State<AppState>,
    Path((plan, activity, id)): Path<(String, String, String)>,
    axum::extract::Query(q): axum::extract::Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let (who, _, c, _) = match context(&st, &headers, &plan, &activity).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let event = match st.backend.ledger.event(&id).await {
        Ok(Some(e)) => e,
        Ok(None) | Err(ClientError::Refused(_)) => return not_found(),
        Err(e) => return unavailable(e),
    };
    let ours = event["plan"] == plan.as_str()
        && event["data"]["activity"] == activity.as_str()
        && c.orgs.iter().any(|(o, _)| event["actor"] == o.as_str());
    let kind = Kind::ALL.into_iter().find(|k| event["kind"] == k.event_kind());
    let (true, Some(kind)) = (ours, kind) else { return not_found() };
    let area_name = |id: &str| c.areas.iter().find(|(k, _)| k == id).map_or(id.to_owned(), |(_, n)| n.clone());
    let mut lines = vec![];
    for f in kind.fields() {
        let Some(v) = data_value(&event["data"], f.id) else { continue };
        let v = match f.id {
            "omrade" => area_name(&v),
            "datum" => v.parse().map_or(v, |d| lofte_proto::report::short_date(&d)),
            "status" => todo::status_words(&v),
            _ => v,
        };
        lines.push((f.label.to_owned(), v));
    }
    let org = c.orgs.iter().find(|(o, _)| event["actor"] == o.as_str()).map(|(_, n)| n.clone()).unwrap_or_default();
    lines.push(("För".to_owned(), org));
    log::recorded(&who, &c, kind, &id, &lines, q.contains_key("igen")).into_response()
}

/// The tertial an event's data speaks of: its own, or its date's.
fn tertial_of(data: &Value) -> Option<String> {
    if let Some(t) = data["tertial"].as_str() {
        return Some(t.to_owned());
    }
    let d: lofte_proto::date::BusinessDate = data["date"].as_str()?.parse().ok()?;
    Some(lofte_proto::tertial::Tertial::of(d.deciding_day()).to_string())
}

/// The value an event's data holds for a form field, as text.
pub(super) fn data_value(data: &Value, field: &str) -> Option<String> {
    let key = match field {
        "datum" => "date",
        "amne" => "topic",
        "plats" => "place",
        "omrade" => "area",
        "deltagare" => "participants",
        "titel" => "title",
        "antal" => "count",
        "kommentar" => "note",
        other => other,
    };
    match &data[key] {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        v => Some(v.to_string()),
    }
}
