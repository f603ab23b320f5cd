//! Errors over HTTP: `application/problem+json` (RFC 9457) with a stable `type`, a human `detail`
//! and, where one field was wrong, that field.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// A problem document, as sent.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub struct ProblemDoc<'a> {
    /// Stable identifier of the kind of problem, e.g. `urn:lofte:problem:unknown-activity`.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: &'a str,
    pub status: u16,
    pub detail: &'a str,
    /// The request field at fault (dotted path: `data.count`), or the header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'a str>,
    /// For a version conflict: the stream's version now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<u64>,
}

/// A problem to answer with. Small, because it travels in every handler's `Err`.
#[derive(Debug, Clone)]
pub struct Problem {
    status: StatusCode,
    code: &'static str,
    detail: String,
    field: Option<String>,
    current_version: Option<u64>,
    retry_after: Option<u32>,
    challenge: bool,
}

impl Problem {
    /// A problem of kind `code` (kebab-case) with `status`.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            field: None,
            current_version: None,
            retry_after: None,
            challenge: false,
        }
    }

    /// Names the field at fault.
    pub fn field(mut self, f: impl Into<String>) -> Self {
        let f = f.into();
        self.field = (!f.is_empty()).then_some(f);
        self
    }

    /// Adds the current stream version.
    pub fn version(mut self, v: u64) -> Self {
        self.current_version = Some(v);
        self
    }

    /// Asks the client to retry after `secs` (sent as `Retry-After`).
    pub fn retry_after(mut self, secs: u32) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// Adds `WWW-Authenticate: Bearer` (for 401).
    pub fn challenge(mut self) -> Self {
        self.challenge = true;
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// 404 for a route or resource that does not exist.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// 500 for a fault of ours (never a client mistake); the detail is logged, not sent.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "an internal error occurred; it has been logged")
    }
}

/// 404 for routes that do not exist.
pub async fn not_found() -> Problem {
    Problem::not_found("no such route; see /openapi.json")
}

/// 405 for a route called with a method it does not take.
pub async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "this route does not take that method; see /openapi.json",
    )
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let doc = ProblemDoc {
            type_: format!("urn:lofte:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            detail: &self.detail,
            field: self.field.as_deref(),
            current_version: self.current_version,
        };
        let body = serde_json::to_vec(&doc).unwrap_or_default();
        let mut resp = (self.status, body).into_response();
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(s) = self.retry_after {
            h.insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        if self.challenge {
            h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"lofte\""));
        }
        resp
    }
}
