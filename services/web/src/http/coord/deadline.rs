//! `/samordna/{plan}/sista-dag/{tertial}`: setting or moving a tertial's due date
//! (`deadline_set`) on behalf of the coordinator, for their organisation in the plan (ADR 0019),
//! once per form. The date is typed `ÅÅÅÅ-MM-DD` and checked ([`overview::due_date`]) before
//! anything is recorded.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Form, Router,
};
use jiff::Timestamp;
use lofte_ledger_client::ClientError;
use lofte_proto::{date::local_date, tertial::Tertial};
use serde_json::json;

use super::overview::{checked, context, not_found, settle, Coord};
use crate::{
    html::coord::deadline::{page_for, Deadline},
    http::{forbidden, unavailable, AppState},
    overview, store, todo,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/samordna/{plan}/sista-dag/{tertial}", get(form).post(set))
}

fn show(st: &AppState, c: &Coord, t: Tertial, once: &str, value: Option<&str>, error: Option<&str>) -> Response {
    let id = t.to_string();
    let due = todo::due(&c.summary, t, st.settings.default_due_after_days);
    let declared = c.summary["deadlines"].get(&id).is_some();
    let now = due.to_string();
    let d = Deadline {
        plan: c.plan(),
        plan_title: c.title(),
        tertial: &id,
        due: &overview::swedish_date(due),
        declared,
        once,
        value: value.unwrap_or(&now),
        error,
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    (status, page_for(&c.who, &d)).into_response()
}

/// `GET /samordna/{plan}/sista-dag/{tertial}`.
async fn form(
    State(st): State<AppState>,
    Path((plan, tertial)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let c = match context(&st, &headers, &plan).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(t) = c.tertial(&tertial) else { return not_found() };
    show(&st, &c, t, &store::secret(), None, None)
}

/// `POST /samordna/{plan}/sista-dag/{tertial}`.
async fn set(
    State(st): State<AppState>,
    Path((plan, tertial)): Path<(String, String)>,
    headers: HeaderMap,
    Form(values): Form<BTreeMap<String, String>>,
) -> Response {
    let c = match context(&st, &headers, &plan).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let once = match checked(&c.who, &values) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(t) = c.tertial(&tertial) else { return not_found() };
    let typed = values.get("datum").map_or("", String::as_str);
    let due = match overview::due_date(typed, t, local_date(Timestamp::now())) {
        Ok(d) => d,
        Err(e) => return show(&st, &c, t, &once, Some(typed), Some(&e)),
    };
    let data = json!({"tertial": t.to_string(), "due": due.to_string()});
    match st.backend.record_for(c.person.id, &plan, &c.actor, "deadline_set", data, &once).await {
        Ok(appended) => {
            settle(&st, &plan, &appended).await;
            Redirect::to(&format!("/samordna/{plan}?sista-dag={t}")).into_response()
        }
        Err(ClientError::Refused(p)) if p.status == 403 => forbidden(),
        Err(ClientError::Refused(p)) if p.status == 409 || p.status == 422 => {
            let e = format!("Lofte kunde inte spara datumet: {}", p.detail);
            show(&st, &c, t, &once, Some(typed), Some(&e))
        }
        Err(e) => unavailable(e),
    }
}
