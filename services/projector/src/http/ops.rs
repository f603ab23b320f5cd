//! Health, readiness, metrics, the OpenAPI document, rebuilding, and problem+json for unknown routes.

use std::sync::atomic::Ordering;

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use lofte_web::{Problem, ProblemDoc};
use serde_json::json;

use super::AppState;

/// The process is up.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Alive")))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// Following the stream.
#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, description = "Following the stream"),
    (status = 503, description = "Not following the stream", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn readyz(State(st): State<AppState>) -> Response {
    let last_error = st.metrics.last_error.lock().ok().and_then(|e| e.clone());
    if !st.metrics.connected.load(Ordering::Relaxed) {
        let why = last_error.unwrap_or_else(|| "connecting to NATS".into());
        return Problem::new(StatusCode::SERVICE_UNAVAILABLE, "not-ready", why).retry_after(2).into_response();
    }
    Json(json!({"status": "ready", "applied": st.metrics.applied.load(Ordering::Relaxed), "last_error": last_error}))
        .into_response()
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
pub async fn metrics(State(st): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], st.metrics.render()).into_response()
}

/// Drops the views and replays the stream from its start; the views are rebuilt identically.
#[utoipa::path(post, path = "/v1/admin/rebuild", responses(
    (status = 202, description = "Rebuilding"),
    (status = 503, description = "Cannot rebuild now", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn rebuild(
    State(st): State<AppState>,
    axum::Extension(who): axum::Extension<lofte_web::auth::Principal>,
) -> Response {
    if let Err(p) = who.require(&[lofte_proto::auth::Role::Coordinator], "rebuild the views") {
        return p.into_response();
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    if st.rebuild.send(crate::consumer::Rebuild { reply: tx }).await.is_err() {
        return Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the consumer has stopped")
            .into_response();
    }
    match tokio::time::timeout(std::time::Duration::from_secs(30), rx).await {
        Ok(Ok(Ok(()))) => (StatusCode::ACCEPTED, Json(json!({"rebuilding": true}))).into_response(),
        Ok(Ok(Err(e))) => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", e).retry_after(5).into_response()
        }
        _ => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the consumer did not answer; is NATS up?")
            .retry_after(5)
            .into_response(),
    }
}
