//! "Att göra", the signed-in person's home page.

use std::time::Duration;

use axum::{
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use jiff::Timestamp;
use lofte_proto::date::local_date;

use super::{cookie, unavailable, AppState, SESSION};
use crate::{
    html::{self, Who},
    store::Session,
    todo,
};

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

/// `GET /`.
pub async fn todo(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let Some((_, session)) = session(&st, &headers) else { return Redirect::to("/logga-in").into_response() };
    let person = match st.backend.reporter(session.person).await {
        Ok(Some(p)) => p,
        // Erased since they signed in: nothing more for them.
        Ok(None) => return Redirect::to("/logga-in").into_response(),
        Err(e) => return unavailable(e),
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
    let who = Who::of(&person, session.csrf);
    html::todo::page_for(&who, &plans).into_response()
}
