//! "Att göra", the signed-in person's home page.

use std::time::Duration;

use axum::{
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use jiff::Timestamp;
use lofte_proto::{date::local_date, people::PersonRole};

use super::{access, cookie, unavailable, AppState, SESSION};
use crate::{html, store::Session, todo};

/// The request's session, if it has a live one: its cookie and what it holds.
pub fn session(st: &AppState, headers: &HeaderMap) -> Option<(String, Session)> {
    let c = cookie(headers, SESSION)?;
    let idle = Duration::from_secs(60 * st.settings.idle_minutes);
    match st.store.session(c, Timestamp::now(), idle) {
        Ok(s) => s.map(|s| (c.to_owned(), s)),
        Err(e) => {
            tracing::warn!(error = %e, "a session could not be read");
            None
        }
    }
}

/// `GET /`: the published reports for someone not signed in; a signed-in person's start page
/// otherwise — Att göra for a reporter, Översikt for a coordinator, Händelsehistorik for an auditor.
pub async fn start(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let signed = match access::signed(&st, &headers).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let Some(signed) = signed else { return super::public::home(State(st), headers).await };
    if signed.entry(PersonRole::Reporter).is_some() {
        return todo(State(st), headers).await;
    }
    if signed.entry(PersonRole::Coordinator).is_some() {
        return Redirect::to("/samordna").into_response();
    }
    Redirect::to("/granska").into_response()
}

/// `GET /att-gora`: a reporter's to-do list.
pub async fn todo(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let (signed, person) = match access::require(&st, &headers, PersonRole::Reporter).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let today = local_date(Timestamp::now());
    let mut plans = vec![];
    let ids = match st.backend.plans().await {
        Ok(ids) => ids,
        Err(e) => return unavailable(e),
    };
    for id in ids {
        let summary = match st.backend.summary(&id).await {
            Ok(s) => s,
            Err(e) => return unavailable(e),
        };
        if todo::acts_in(&person, &summary) {
            plans.push(todo::plan_todo(&person, &summary, today, st.settings.default_due_after_days));
        }
    }
    html::todo::page_for(&signed.who, &plans).into_response()
}
