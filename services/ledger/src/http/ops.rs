//! Health, readiness, metrics, the OpenAPI document, and problem+json for unknown routes.

use std::sync::Arc;

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use super::routes::AppState;
use crate::{
    gate::Gate,
    problem::{Problem, ProblemDoc},
};

/// The process is up and can still write. Once a write has failed (a full disk, an I/O error)
/// the writer stops for good and only a restart brings it back, so this answers `503` then: a
/// supervisor's liveness check (systemd, Kubernetes) restarts the ledger.
#[utoipa::path(get, path = "/healthz", responses(
    (status = 200, description = "Alive"),
    (status = 503, description = "A write failed: the ledger takes no appends until it is restarted; the detail says why and what to fix first", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn healthz(State(st): State<Arc<AppState>>) -> Response {
    match writer_stopped(&st) {
        Some(p) => p.into_response(),
        None => Json(json!({"status": "ok"})).into_response(),
    }
}

/// The answer while the writer has stopped: after a failed write, or if its task ended. No
/// `Retry-After`: asking again does not help, restarting does.
fn writer_stopped(st: &AppState) -> Option<Problem> {
    st.gate.borrow().health().or_else(|| {
        st.appends.is_closed().then(|| {
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "writer-stopped",
                "the writer has stopped; restart the ledger",
            )
        })
    })
}

/// The ledger can accept appends: its log was compared with the stream, its writer runs and has
/// not failed.
#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, description = "Ready, with detail"),
    (status = 503, description = "Not ready", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn readyz(State(st): State<Arc<AppState>>) -> Response {
    let gate = st.gate.borrow().clone();
    let last_error = st.nats.as_ref().and_then(|n| n.last_error.borrow().clone());
    if let Some(p) = gate.problem() {
        return match (gate, last_error) {
            // While waiting for NATS, what NATS last said is the useful part.
            (Gate::Checking(why), Some(e)) => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "checking-log",
                format!(
                    "the ledger compares its log with the stream before taking appends: {why}; last NATS error: {e}"
                ),
            )
            .retry_after(2)
            .into_response(),
            _ => p.into_response(),
        };
    }
    if let Some(p) = writer_stopped(&st) {
        return p.into_response();
    }
    let outbox = match &st.nats {
        None => json!({"enabled": false}),
        Some(n) => {
            let published = *n.published.borrow();
            let head = *st.durable.borrow();
            json!({"enabled": true, "published_seq": published, "lag": head.saturating_sub(published), "last_error": last_error})
        }
    };
    Json(json!({
        "status": "ready",
        "outbox": outbox,
        "ledger": st.settings.ledger_id,
        "head_seq": *st.durable.borrow(),
        "chain_ok_at_start": st.chain_ok,
        "queued_appends": st.appends.max_capacity() - st.appends.capacity(),
    }))
    .into_response()
}

/// Publishes the log to JetStream again from where the stream's copy ends — after the stream, or
/// part of it, was lost. Safe to call at any time: what the stream has is not sent again.
#[utoipa::path(post, path = "/v1/admin/republish", responses(
    (status = 202, description = "Republishing from the seq given"),
    (status = 409, description = "This ledger does not publish to NATS", body = ProblemDoc, content_type = "application/problem+json"),
    (status = 503, description = "NATS cannot be asked now", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn republish(
    State(st): State<Arc<AppState>>,
    axum::Extension(who): axum::Extension<lofte_service::auth::Principal>,
) -> Response {
    if let Err(p) = crate::principal::may_operate(&who) {
        return p.into_response();
    }
    let Some(n) = &st.nats else {
        return Problem::new(StatusCode::CONFLICT, "no-outbox", "this ledger has no nats.url; it publishes nothing")
            .into_response();
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    if n.republish.send(crate::outbox::Republish { reply: tx }).await.is_err() {
        return Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the outbox has stopped").into_response();
    }
    match tokio::time::timeout(std::time::Duration::from_secs(30), rx).await {
        Ok(Ok(Ok(from))) => (StatusCode::ACCEPTED, Json(json!({"republishing_from": from}))).into_response(),
        Ok(Ok(Err(e))) => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "nats-unavailable", e.to_string())
            .retry_after(5)
            .into_response(),
        _ => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "nats-unavailable",
            "the outbox did not answer in time; is NATS up?",
        )
        .retry_after(5)
        .into_response(),
    }
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
pub async fn metrics(State(st): State<Arc<AppState>>) -> Response {
    let body = st.metrics.render(st.chain_ok, &st.gate.borrow());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}
