//! Health, readiness, metrics, the OpenAPI document, and problem+json for unknown routes.

use std::sync::{atomic::Ordering, LazyLock};

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;
use utoipa::OpenApi;

use super::{ApiDoc, AppState};
use crate::problem::{Problem, ProblemDoc};

/// The process is up.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Alive")))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// The ledger can accept appends: its writer runs and has not failed.
#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, description = "Ready, with detail"),
    (status = 503, description = "Not ready", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn readyz(State(st): State<AppState>) -> Response {
    let failed = st.metrics.writer_failed.load(Ordering::Relaxed) == 1;
    if failed || st.appends.is_closed() {
        return Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-ready",
            "the writer has stopped; restart the ledger",
        )
        .retry_after(5)
        .into_response();
    }
    Json(json!({
        "status": "ready",
        "ledger": st.settings.ledger_id,
        "head_seq": st.metrics.head_seq.load(Ordering::Relaxed),
        "chain_ok_at_start": st.chain_ok.load(Ordering::Relaxed),
        "queued_appends": st.appends.max_capacity() - st.appends.capacity(),
    }))
    .into_response()
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
pub async fn metrics(State(st): State<AppState>) -> Response {
    let body = st.metrics.render(st.chain_ok.load(Ordering::Relaxed));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}

static OPENAPI: LazyLock<String> = LazyLock::new(|| ApiDoc::openapi().to_pretty_json().unwrap_or_default());

/// The OpenAPI document, generated from the code.
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI.as_str()).into_response()
}

pub async fn not_found() -> Problem {
    Problem::not_found("no such route; see /openapi.json")
}

pub async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "this route does not take that method; see /openapi.json",
    )
}
