//! `GET|POST /v1/plans/{plan}/remind`: a coordinator's "Påminn nu" (ADR 0021). `GET` says who
//! owes a follow-up now and who would get a mail; `POST` with an `Idempotency-Key` sends those
//! mails once per key and records each as `reminder_sent`. Coordinators and services; a delegate
//! service token (the web application's) names the coordinator it asks for with
//! `Lofte-On-Behalf-Of`, and the notifier checks in the directory that they coordinate the plan.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension, Json,
};
use lofte_proto::{auth::Role, date::local_date, ids::PlanId};
use lofte_service::{
    auth::{forbidden, Principal},
    Problem,
};
use uuid::Uuid;

use super::AppState;
use crate::{
    error::TickError,
    tick::{RemindError, Reminded},
};

/// The header naming the person a delegate token asks for (as the ledger's, ADR 0019).
pub const ON_BEHALF_OF: &str = "Lofte-On-Behalf-Of";

/// Who asks: `Ok(Some(person))` through a delegate token, `Ok(None)` as the token itself.
fn asker(who: &Principal, headers: &HeaderMap) -> Result<Option<Uuid>, Problem> {
    who.require(&[Role::Coordinator, Role::Service], "remind reporters")?;
    let Some(v) = headers.get(ON_BEHALF_OF) else { return Ok(None) };
    match who {
        Principal::Token(t) if !t.delegate => {
            return Err(forbidden("a token without delegation may not ask on behalf of a person").field(ON_BEHALF_OF))
        }
        _ => {}
    }
    let id = v.to_str().ok().and_then(|s| s.parse().ok());
    id.map(Some).ok_or_else(|| {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-header", "not a person id").field(ON_BEHALF_OF)
    })
}

fn plan_id(plan: &str) -> Result<PlanId, Problem> {
    plan.parse().map_err(|_| Problem::new(StatusCode::NOT_FOUND, "no-such-plan", format!("no plan {plan}")))
}

fn answer(r: Result<Reminded, RemindError>) -> Response {
    match r {
        Ok(r) => Json(r).into_response(),
        Err(e @ RemindError::NoPlan(_)) => {
            Problem::new(StatusCode::NOT_FOUND, "no-such-plan", e.to_string()).into_response()
        }
        Err(e @ RemindError::NotCoordinator(_)) => forbidden(e.to_string()).field(ON_BEHALF_OF).into_response(),
        Err(RemindError::Tick(e @ TickError::Rebuilding)) => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "rebuilding", e.to_string()).retry_after(5).into_response()
        }
        Err(RemindError::Tick(e)) => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "remind-failed", e.to_string()).retry_after(5).into_response()
        }
    }
}

/// Who owes a follow-up of the plan now, and which reporters a reminder now would go to.
#[utoipa::path(get, path = "/v1/plans/{plan}/remind", params(("plan" = String, Path, description = "The plan")), responses(
    (status = 200, description = "What a reminder now would do", body = Reminded),
    (status = 403, description = "Not a coordinator of the plan", body = lofte_service::ProblemDoc, content_type = "application/problem+json"),
    (status = 404, description = "No such plan", body = lofte_service::ProblemDoc, content_type = "application/problem+json"),
    (status = 503, description = "The plan cannot be read now", body = lofte_service::ProblemDoc, content_type = "application/problem+json")))]
pub(super) async fn preview(
    State(st): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(plan): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (by, plan) = match (asker(&who, &headers), plan_id(&plan)) {
        (Ok(by), Ok(plan)) => (by, plan),
        (Err(p), _) | (_, Err(p)) => return p.into_response(),
    };
    let clock = st.clock.clone();
    answer(st.notifier.remind(&plan, None, by, || local_date(clock.now())).await)
}

/// Reminds the reporters who owe a follow-up of the plan now, outside the schedule: once per
/// `Idempotency-Key` (asked again: nothing sent, `already`), each mail recorded as
/// `reminder_sent` under the request's own occasion (`manual-…`). A scheduled reminder still goes.
#[utoipa::path(post, path = "/v1/plans/{plan}/remind", params(
    ("plan" = String, Path, description = "The plan"),
    ("Idempotency-Key" = String, Header, description = "One reminder per key")), responses(
    (status = 200, description = "Sent (or sent before under this key)", body = Reminded),
    (status = 403, description = "Not a coordinator of the plan", body = lofte_service::ProblemDoc, content_type = "application/problem+json"),
    (status = 404, description = "No such plan", body = lofte_service::ProblemDoc, content_type = "application/problem+json"),
    (status = 422, description = "No or a bad Idempotency-Key", body = lofte_service::ProblemDoc, content_type = "application/problem+json"),
    (status = 503, description = "Sending failed or stopped; try again with the same key", body = lofte_service::ProblemDoc, content_type = "application/problem+json")))]
pub(super) async fn remind(
    State(st): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(plan): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (by, plan) = match (asker(&who, &headers), plan_id(&plan)) {
        (Ok(by), Ok(plan)) => (by, plan),
        (Err(p), _) | (_, Err(p)) => return p.into_response(),
    };
    let key = headers.get("Idempotency-Key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let Some(key) = key.filter(|k| (1..=200).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic())) else {
        return Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-header",
            "an Idempotency-Key (1-200 printable characters) is required",
        )
        .field("Idempotency-Key")
        .into_response();
    };
    let (notifier, clock) = (st.notifier.clone(), st.clock.clone());
    // In the tracker, like ticks: a client that goes away never cuts a send short before it is kept.
    let done =
        st.ticks.spawn(async move { notifier.remind(&plan, Some(&key), by, || local_date(clock.now())).await }).await;
    match done {
        Ok(r) => answer(r),
        Err(e) => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "remind-failed", format!("stopped: {e}")).into_response()
        }
    }
}
