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

/// The longest `detail` and `field` sent, in bytes: an answer never echoes a hostile client's
/// megabyte back (an unknown kind or field name is part of the detail).
const MAX_DETAIL: usize = 1000;
const MAX_FIELD: usize = 200;

/// At most `max` bytes of `s`, cut on a char boundary and marked with `…`.
fn clip(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
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
            detail: clip(detail.into(), MAX_DETAIL),
            field: None,
            current_version: None,
            retry_after: None,
            challenge: false,
        }
    }

    /// Names the field at fault.
    pub fn field(mut self, f: impl Into<String>) -> Self {
        let f = clip(f.into(), MAX_FIELD);
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

/// A layer (`axum::middleware::from_fn(lofte_service::problem::as_problem)`, outermost) that turns any
/// error answer not already a problem document — axum's own extractor rejections, such as a path
/// segment that is not UTF-8 — into one, keeping its status, headers and text.
pub async fn as_problem(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    let is_problem =
        resp.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.map(|b| String::from_utf8_lossy(&b).into_owned());
    let detail = match text {
        Ok(t) if !t.trim().is_empty() => t,
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    let code = match status {
        StatusCode::BAD_REQUEST => "bad-request",
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid-request",
        s if s.is_server_error() => "internal",
        _ => "rejected",
    };
    let mut out = Problem::new(status, code, detail).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name, value.clone());
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn axum_rejections_become_problems() {
        use axum::{extract::Path, routing::get, Router};
        use tower::ServiceExt;
        let app = Router::new()
            .route("/p/{x}", get(|Path(x): Path<String>| async move { x }))
            .layer(axum::middleware::from_fn(as_problem));
        let req = axum::http::Request::get("/p/%FF%FE").body(axum::body::Body::empty()).unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert_eq!(resp.headers()[header::CONTENT_TYPE], "application/problem+json");
        let body = axum::body::to_bytes(resp.into_body(), 10_000).await.unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(doc["type"], "urn:lofte:problem:bad-request");
        assert!(doc["detail"].as_str().unwrap().contains("UTF-8"), "{doc}");
        let ok = app.oneshot(axum::http::Request::get("/p/a").body(axum::body::Body::empty()).unwrap()).await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
    }

    #[test]
    fn a_long_detail_or_field_is_cut_on_a_char_boundary() {
        assert_eq!(clip("åäö".into(), 3), "å…");
        assert_eq!(clip("kort".into(), 10), "kort");
        let p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "x", "ö".repeat(5_000)).field("f".repeat(5_000));
        assert!(p.detail.len() <= MAX_DETAIL + '…'.len_utf8(), "{}", p.detail.len());
        assert!(p.field.as_ref().unwrap().len() <= MAX_FIELD + '…'.len_utf8());
    }
}
