//! `/samordna/{plan}/godkann/{tertial}`: approving a tertial (`follow_up_approved`) on behalf of
//! the coordinator, for their organisation in the plan (ADR 0019), once per form (the nonce). With
//! follow-ups missing a comment is required; it is recorded with the approval (`note`). An
//! approved tertial can be approved again, to take in late amendments.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Form, Router,
};
use lofte_ledger_client::{Appended, ClientError};
use lofte_proto::{tertial::Tertial, text::Line};
use serde_json::json;

use super::overview::{checked, context, not_found, settle, Coord};
use crate::{
    html::coord::approve::{page_for, Approve},
    http::{forbidden, unavailable, AppState},
    overview, store,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/samordna/{plan}/godkann/{tertial}", get(form).post(approve))
}

fn show(c: &Coord, t: Tertial, once: &str, note: &str, error: Option<&str>) -> Response {
    let id = t.to_string();
    let missing = overview::missing(&c.summary, t);
    let approved = overview::approved_on(&c.summary, t);
    let a = Approve {
        plan: c.plan(),
        plan_title: c.title(),
        tertial: &id,
        missing: &missing,
        approved: approved.as_deref(),
        late_amendments: overview::late_amendments(&c.summary, t),
        once,
        note,
        error,
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    (status, page_for(&c.who, &a)).into_response()
}

/// `GET /samordna/{plan}/godkann/{tertial}`.
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
    show(&c, t, &store::secret(), "", None)
}

/// What is wrong with the comment `note`, given whether follow-ups are missing.
fn note_error(note: &str, missing: usize) -> Option<String> {
    if note.is_empty() {
        return (missing > 0).then(|| {
            let what = if missing == 1 { "1 aktivitet".to_owned() } else { format!("{missing} aktiviteter") };
            format!("Skriv en kommentar: uppföljningen saknas för {what}")
        });
    }
    match Line::new(note) {
        Ok(_) => None,
        Err(lofte_proto::text::TextError::TooLong { max, .. }) => Some(format!("Skriv högst {max} tecken")),
        Err(_) => Some("Kommentaren innehåller ett osynligt styrtecken; ta bort det".to_owned()),
    }
}

/// `POST /samordna/{plan}/godkann/{tertial}`.
async fn approve(
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
    let note = values.get("kommentar").map_or("", |n| n.trim());
    if let Some(e) = note_error(note, overview::missing(&c.summary, t).len()) {
        return show(&c, t, &once, note, Some(&e));
    }
    let mut data = json!({"tertial": t.to_string()});
    if !note.is_empty() {
        data["note"] = json!(note);
    }
    match st.backend.record_for(c.person.id, &plan, &c.actor, "follow_up_approved", data, &once).await {
        Ok(appended) => {
            settle(&st, &plan, &appended).await;
            let again = if matches!(appended, Appended::Existing(_)) { "&igen=1" } else { "" };
            Redirect::to(&format!("/samordna/{plan}?godkand={t}{again}")).into_response()
        }
        Err(ClientError::Refused(p)) if p.status == 403 => forbidden(),
        Err(ClientError::Refused(p)) if p.status == 409 || p.status == 422 => {
            show(&c, t, &once, note, Some(&format!("Lofte kunde inte spara godkännandet: {}", p.detail)))
        }
        Err(e) => unavailable(e),
    }
}

#[cfg(test)]
mod tests {
    use super::note_error;

    #[test]
    fn a_comment_is_required_only_when_something_is_missing() {
        assert_eq!(note_error("", 0), None);
        assert_eq!(note_error("", 1).as_deref(), Some("Skriv en kommentar: uppföljningen saknas för 1 aktivitet"));
        assert!(note_error("", 3).is_some_and(|e| e.ends_with("3 aktiviteter")));
        assert_eq!(note_error("Vätterhem lämnar muntligt", 3), None);
        assert!(note_error(&"x".repeat(301), 0).is_some_and(|e| e.contains("300")));
        assert!(note_error("a\u{202e}b", 0).is_some_and(|e| e.contains("styrtecken")));
    }
}
