//! Health, readiness, metrics, the OpenAPI document, rebuilding, and problem+json for unknown routes.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use lofte_service::{Problem, ProblemDoc};
use serde_json::json;

use lofte_follow::RebuildError;

use super::AppState;

/// The process is up.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Alive")))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// The projector follows the stream: how far behind it the views are.
#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, description = "Following the stream", body = lofte_follow::Readiness, content_type = "application/json"),
    (status = 503, description = "Not following the stream: NATS unreachable or not answering, or the consumer not made yet",
        body = ProblemDoc, content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn readyz(State(st): State<AppState>) -> Response {
    match st.follow.readiness() {
        Ok(r) => Json(r).into_response(),
        Err(why) => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "not-ready", why.0).retry_after(2).into_response(),
    }
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
pub async fn metrics(State(st): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], st.follow.render_metrics("lofte_projector"))
        .into_response()
}

/// Drops the views and replays the stream from its start; the views are rebuilt identically.
#[utoipa::path(post, path = "/v1/admin/rebuild", responses(
    (status = 202, description = "Rebuilding"),
    (status = 503, description = "Cannot rebuild now", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn rebuild(
    State(st): State<AppState>,
    axum::Extension(who): axum::Extension<lofte_service::auth::Principal>,
) -> Response {
    if let Err(p) = who.require(&[lofte_proto::auth::Role::Coordinator], "rebuild the views") {
        return p.into_response();
    }
    match st.follow.rebuild().await {
        Ok(()) => (StatusCode::ACCEPTED, Json(json!({"rebuilding": true}))).into_response(),
        Err(e @ RebuildError::Stopped) => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", e.to_string()).into_response()
        }
        Err(e) => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", e.to_string()).retry_after(5).into_response()
        }
    }
}
