//! Health, readiness, metrics, the OpenAPI document, rebuilding, and problem+json for unknown routes.

use std::sync::atomic::Ordering;

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use lofte_service::{Problem, ProblemDoc};
use serde::Serialize;
use serde_json::json;

use super::AppState;
use crate::progress::Nats;

/// The process is up.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Alive")))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// The projector follows the stream: how far behind it the views are.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Readiness {
    #[schema(example = "ready")]
    status: &'static str,
    /// Every message the stream held when last read is applied (`lag` is 0). False while the lag
    /// is unknown.
    caught_up: bool,
    /// Messages in the stream after `applied_through_seq`; null until the stream has been read
    /// and a consumer made (just after a start).
    lag: Option<u64>,
    /// The stream's last sequence, as last read.
    stream_last_seq: Option<u64>,
    /// Every message up to this stream sequence is applied to the views (or was a duplicate).
    applied_through_seq: Option<u64>,
    /// How long ago the stream was read (it is read every second, in the background).
    lag_checked_ms_ago: Option<u64>,
    /// Events written to the views by this process since it started, back-filled ones included,
    /// duplicates not: starts at 0 at every start, so it says nothing about catching up.
    applied: u64,
    /// The last error met while following the stream (each is retried).
    last_error: Option<String>,
}

/// Following the stream, with the lag against it; 503 at once while NATS cannot be reached.
#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, description = "Following the stream", body = Readiness, content_type = "application/json"),
    (status = 503, description = "Not following the stream: NATS unreachable or not answering, or the consumer not made yet",
        body = ProblemDoc, content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn readyz(State(st): State<AppState>) -> Response {
    let last_error = st.metrics.last_error.lock().ok().and_then(|e| e.clone());
    let not_ready =
        |why: String| Problem::new(StatusCode::SERVICE_UNAVAILABLE, "not-ready", why).retry_after(2).into_response();
    // No I/O here: the connection state and the last read of the stream are kept by others.
    match st.metrics.progress.nats() {
        Nats::Up => {}
        Nats::NotYet => return not_ready(last_error.unwrap_or_else(|| "connecting to NATS".into())),
        Nats::Unreachable(state) => {
            return not_ready(format!("NATS cannot be reached (the connection is {state}); reconnecting"))
        }
        Nats::NotAnswering(e) => return not_ready(format!("cannot read the stream from NATS: {e}")),
    }
    if !st.metrics.connected.load(Ordering::Relaxed) {
        return not_ready(last_error.unwrap_or_else(|| "making the consumer".into()));
    }
    let lag = st.metrics.progress.lag();
    Json(Readiness {
        status: "ready",
        caught_up: lag.is_some_and(|l| l.lag == 0),
        lag: lag.map(|l| l.lag),
        stream_last_seq: lag.map(|l| l.stream_last_seq),
        applied_through_seq: lag.map(|l| l.applied_through_seq),
        lag_checked_ms_ago: lag.map(|l| l.checked.as_millis() as u64),
        applied: st.metrics.applied.load(Ordering::Relaxed),
        last_error,
    })
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
    axum::Extension(who): axum::Extension<lofte_service::auth::Principal>,
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
