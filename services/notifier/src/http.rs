//! The notifier's HTTP API: `POST /v1/tick` (move the simulated clock, run a tick now), health,
//! readiness, metrics, and its OpenAPI document.

use std::sync::{atomic::Ordering, Arc};

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

use crate::{clock::Clock, tick::Notifier};

/// What the handlers reach.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub(crate) notifier: Arc<Notifier>,
    pub(crate) clock: Clock,
    pub(crate) metrics: Arc<lofte_projector::metrics::Metrics>,
    /// Posted ticks run here, so a client that goes away never cuts one short between sending a
    /// mail and keeping it, and shutdown waits for them.
    pub(crate) ticks: tokio_util::task::TaskTracker,
}

/// The OpenAPI document of the notifier.
#[derive(Debug, OpenApi)]
#[openapi(
    modifiers(&Security),
    info(title = "Lofte notifier", description = "Deadline reminders and escalations by e-mail."),
    paths(tick, healthz, readyz, metrics),
    components(schemas(lofte_service::ProblemDoc, Ticked))
)]
pub struct ApiDoc;

/// The router with every route.
pub(crate) fn router(state: AppState, auth: Arc<lofte_service::auth::Auth>) -> Router {
    let routes = Router::new()
        .route("/v1/tick", post(tick))
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
    (status = 503, description = "The tick could not run; retry", body = lofte_service::ProblemDoc, content_type = "application/problem+json"),
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
    let failed = match ticked {
        Ok(Ok(r)) => {
            return Json(Ticked { today: r.today, sent: r.sent, failed: r.failed, recorded: r.recorded })
                .into_response()
        }
        Ok(Err(e)) => e.to_string(),
        Err(e) => format!("the tick stopped: {e}"),
    };
    Problem::new(StatusCode::SERVICE_UNAVAILABLE, "tick-failed", failed).retry_after(5).into_response()
}

#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Alive")))]
async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, description = "Following the stream"),
    (status = 503, description = "Not following the stream yet", body = lofte_service::ProblemDoc, content_type = "application/problem+json"),
))]
async fn readyz(State(st): State<AppState>) -> Response {
    if st.metrics.connected.load(Ordering::Relaxed) {
        Json(json!({"status": "ready", "applied": st.metrics.applied.load(Ordering::Relaxed)})).into_response()
    } else {
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, "not-ready", "not following the stream yet")
            .retry_after(2)
            .into_response()
    }
}

#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
async fn metrics(State(st): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], st.metrics.render()).into_response()
}
