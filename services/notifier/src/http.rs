//! The notifier's HTTP API: `POST /v1/tick` (move the simulated clock, run a tick now),
//! `POST /v1/admin/rebuild` (drop the views and replay the stream), `GET|POST
//! /v1/plans/{plan}/remind` (a coordinator's "Påminn nu", [`remind`]), health, readiness, metrics,
//! and its OpenAPI document.

mod remind;

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use jiff::Timestamp;
use lofte_proto::{auth::Role, date::local_date};
use lofte_service::openapi::Security;
use lofte_service::{auth::Principal, Problem};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::OpenApi;

use crate::{clock::Clock, error::TickError, tick::Notifier};

/// What the handlers reach.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub(crate) notifier: Arc<Notifier>,
    pub(crate) clock: Clock,
    /// The follower of the stream: readiness and metrics.
    pub(crate) follow: lofte_follow::FollowHandle,
    /// Posted ticks run here, so a client that goes away never cuts one short between sending a
    /// mail and keeping it, and shutdown waits for them.
    pub(crate) ticks: tokio_util::task::TaskTracker,
}

/// The OpenAPI document of the notifier.
#[derive(Debug, OpenApi)]
#[openapi(
    modifiers(&Security),
    info(title = "Lofte notifier", description = "Deadline reminders and escalations by e-mail."),
    paths(tick, rebuild, remind::preview, remind::remind, healthz, readyz, metrics),
    components(schemas(lofte_service::ProblemDoc, Ticked, lofte_follow::Readiness, crate::tick::Reminded))
)]
pub struct ApiDoc;

/// The router with every route.
pub(crate) fn router(state: AppState, auth: Arc<lofte_service::auth::Auth>) -> Router {
    let routes = Router::new()
        .route("/v1/tick", post(tick))
        .route("/v1/admin/rebuild", post(rebuild))
        .route("/v1/plans/{plan}/remind", get(remind::preview).post(remind::remind))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics));
    lofte_service::routes::finish(routes, auth, &ApiDoc::openapi()).with_state(state)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct TickQuery {
    /// Moves the simulated clock to this moment (RFC 3339) before the tick.
    #[param(example = "2022-05-02T08:00:00Z")]
    now: Option<String>,
}

/// What one tick did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Ticked {
    /// The local business date the tick ran for (Europe/Stockholm): the clock's when its turn
    /// came, as ticks run one at a time.
    #[schema(value_type = String, format = Date)]
    today: jiff::civil::Date,
    sent: usize,
    failed: usize,
    recorded: usize,
}

/// Runs a tick now, optionally moving the simulated clock first. Ticks run one at a time, so this
/// waits for one already running. Coordinators and services only.
#[utoipa::path(post, path = "/v1/tick", params(TickQuery), responses(
    (status = 200, description = "The tick ran", body = Ticked),
    (status = 422, description = "Bad query", body = lofte_service::ProblemDoc, content_type = "application/problem+json"),
    (status = 503, description = "The tick could not run (`rebuilding`: the views are being rebuilt); retry", body = lofte_service::ProblemDoc, content_type = "application/problem+json"),
))]
async fn tick(
    State(st): State<AppState>,
    axum::Extension(who): axum::Extension<Principal>,
    q: Result<Query<TickQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Err(p) = who.require(&[Role::Coordinator, Role::Service], "move the notifier's clock") {
        return p.into_response();
    }
    let q = match q {
        Ok(Query(q)) => q,
        Err(e) => {
            return Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-query", e.body_text()).into_response()
        }
    };
    if let Some(now) = q.now {
        match now.parse::<Timestamp>() {
            Ok(t) => st.clock.set(t),
            Err(e) => {
                return Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid-query",
                    format!("not an RFC 3339 moment: {e}"),
                )
                .field("now")
                .into_response()
            }
        }
    }
    let (notifier, clock) = (st.notifier.clone(), st.clock.clone());
    let ticked = st.ticks.spawn(async move { notifier.tick(|| local_date(clock.now())).await }).await;
    let (code, failed) = match ticked {
        Ok(Ok(r)) => {
            return Json(Ticked { today: r.today, sent: r.sent, failed: r.failed, recorded: r.recorded })
                .into_response()
        }
        Ok(Err(e @ TickError::Rebuilding)) => ("rebuilding", e.to_string()),
        Ok(Err(e)) => ("tick-failed", e.to_string()),
        Err(e) => ("tick-failed", format!("the tick stopped: {e}")),
    };
    Problem::new(StatusCode::SERVICE_UNAVAILABLE, code, failed).retry_after(5).into_response()
}

/// Drops the notifier's views and replays the stream from its start, between ticks: a running
/// tick ends first, and no tick runs (no mail is sent) until the views hold the whole stream again.
/// Coordinators only.
#[utoipa::path(post, path = "/v1/admin/rebuild", responses(
    (status = 202, description = "Rebuilding"),
    (status = 503, description = "Cannot rebuild now", body = lofte_service::ProblemDoc, content_type = "application/problem+json")))]
async fn rebuild(State(st): State<AppState>, axum::Extension(who): axum::Extension<Principal>) -> Response {
    if let Err(p) = who.require(&[Role::Coordinator], "rebuild the views") {
        return p.into_response();
    }
    let notifier = st.notifier.clone();
    // In the tracker, like ticks: a client that goes away does not cut it short.
    match st.ticks.spawn(async move { notifier.rebuild().await }).await {
        Ok(Ok(())) => (StatusCode::ACCEPTED, Json(json!({"rebuilding": true}))).into_response(),
        Ok(Err(e)) => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", e.to_string()).retry_after(5).into_response()
        }
        Err(e) => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", format!("the rebuild stopped: {e}"))
            .into_response(),
    }
}

#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Alive")))]
async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// Following the stream, with the lag against it (and whether the views are being rebuilt).
#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, description = "Following the stream", body = lofte_follow::Readiness, content_type = "application/json"),
    (status = 503, description = "Not following the stream yet", body = lofte_service::ProblemDoc, content_type = "application/problem+json"),
))]
async fn readyz(State(st): State<AppState>) -> Response {
    match st.follow.readiness() {
        Ok(r) => Json(r).into_response(),
        Err(why) => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "not-ready", why.0).retry_after(2).into_response(),
    }
}

#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
async fn metrics(State(st): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], st.follow.render_metrics("lofte_notifier"))
        .into_response()
}
