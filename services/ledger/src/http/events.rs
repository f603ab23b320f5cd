//! `POST /v1/events`, `GET /v1/events`, `GET /v1/events/{id}`.

use std::sync::{atomic::Ordering, Arc};

use axum::{
    body::{Body, Bytes},
    extract::{rejection::BytesRejection, Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use lofte_proto::auth::Role;
use lofte_proto::{chain::canonical, command::parse_command, Hash};
use lofte_service::auth::Principal;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc::error::TrySendError, oneshot};
use uuid::Uuid;

use super::routes::AppState;
use crate::{
    principal,
    problem::Problem,
    settings::AckMode,
    writer::{AppendError, AppendRequest, Appended, Record},
};

/// The longest `Idempotency-Key` accepted.
pub const MAX_KEY_LEN: usize = 200;

fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, Problem> {
    match h.get(name) {
        None => Ok(None),
        Some(v) => v.to_str().map(Some).map_err(|_| {
            Problem::new(StatusCode::BAD_REQUEST, "bad-header", "header is not visible ASCII").field(name)
        }),
    }
}

fn idempotency_key(h: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(k) = header_str(h, "idempotency-key")? else { return Ok(None) };
    let k = k.trim();
    if k.is_empty() || k.len() > MAX_KEY_LEN || !k.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-header",
            format!("Idempotency-Key must be 1–{MAX_KEY_LEN} visible ASCII characters"),
        )
        .field("Idempotency-Key"));
    }
    Ok(Some(k.to_owned()))
}

fn if_match(h: &HeaderMap) -> Result<Option<u64>, Problem> {
    let Some(v) = header_str(h, "if-match")? else { return Ok(None) };
    v.trim().trim_matches('"').parse::<u64>().map(Some).map_err(|_| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-header",
            "If-Match must be a stream version, e.g. \"3\" (0: a new stream)",
        )
        .field("If-Match")
    })
}

/// The person a delegate records for (`Lofte-On-Behalf-Of: <person id>`), if named.
fn on_behalf_of(headers: &HeaderMap) -> Result<Option<uuid::Uuid>, Problem> {
    let Some(v) = header_str(headers, principal::ON_BEHALF_OF)? else { return Ok(None) };
    v.trim().parse().map(Some).map_err(|_| {
        Problem::new(StatusCode::BAD_REQUEST, "bad-header", "Lofte-On-Behalf-Of: a person's id (a UUID)")
            .field(principal::ON_BEHALF_OF)
    })
}

fn event_response(status: StatusCode, rec: &Record) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::LOCATION, format!("/v1/events/{}", rec.id))
        .header(header::ETAG, format!("\"{}\"", rec.stream_version))
        .body(Body::from(rec.bytes.clone()))
        .unwrap_or_else(|e| Problem::internal(e).into_response())
}

/// Records one event. `201`: written and flushed. `200`: the same `Idempotency-Key` and body
/// were seen before; the original event is returned.
#[utoipa::path(post, path = "/v1/events", request_body = lofte_proto::NewEvent,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body return the original event."),
        ("If-Match" = Option<String>, Header, description = "The stream version the client expects (0 for a new stream)."),
        ("Lofte-On-Behalf-Of" = Option<String>, Header, description = "A delegate token only (the web application's): the id of the person of the directory this is recorded for; their role and organisations decide (ADR 0019)."),
    ),
    responses(
        (status = 201, description = "Recorded and on disk", body = lofte_proto::Envelope),
        (status = 200, description = "Recorded before under this Idempotency-Key", body = lofte_proto::Envelope),
        (status = 400, description = "Malformed JSON or header", body = crate::problem::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Idempotency-Key reused with another body, or If-Match mismatch", body = crate::problem::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = crate::problem::ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = crate::problem::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid against the schema or the plan", body = crate::problem::ProblemDoc, content_type = "application/problem+json"),
        (status = 503, description = "Cannot write now (retry), the writer stopped after a failed write and the ledger must be restarted (Retry-After: 30; /healthz fails), or the ledger refuses appends until an operator acts (no Retry-After)", body = crate::problem::ProblemDoc, content_type = "application/problem+json"),
    ))]
pub async fn post_event(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    principal::may_append(&who)?;
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            st.metrics.too_large.fetch_add(1, Ordering::Relaxed);
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body-too-large",
                format!("request bodies are limited to {} bytes", st.settings.max_body_bytes),
            )
        } else {
            Problem::new(StatusCode::BAD_REQUEST, "bad-body", r.body_text())
        }
    })?;
    if let Some(ct) = header_str(&headers, "content-type")? {
        if !ct.to_ascii_lowercase().contains("json") {
            return Err(Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "not-json", "send application/json")
                .field("Content-Type"));
        }
    }
    let key = idempotency_key(&headers)?;
    let expected = if_match(&headers)?;
    let cmd = parse_command(&body).map_err(|e| {
        if e.field.is_empty() {
            st.metrics.bad_requests.fetch_add(1, Ordering::Relaxed);
            Problem::new(StatusCode::BAD_REQUEST, "malformed-json", e.message)
        } else {
            st.metrics.rejected.fetch_add(1, Ordering::Relaxed);
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", e.message).field(e.field)
        }
    })?;
    let idempotency = match key {
        None => None,
        Some(k) => {
            // Parsing succeeded, so the body is JSON: hash its canonical form, so that a retry
            // that re-serialises the same request still matches.
            let v: serde_json::Value = serde_json::from_slice(&body).map_err(Problem::internal)?;
            Some((k, Hash::of(&canonical(&v))))
        }
    };
    let author = match on_behalf_of(&headers)? {
        None => principal::author(&who, &cmd)?,
        Some(id) => {
            let person = st.people.get(&id).map_err(Problem::internal)?;
            principal::author_for_person(&who, person.as_ref(), &cmd)?
        }
    };
    if let Some(p) = st.gate.borrow().problem() {
        st.metrics.unavailable.fetch_add(1, Ordering::Relaxed);
        return Err(p);
    }
    let (tx, rx) = oneshot::channel();
    let req = AppendRequest { cmd, author, idempotency, if_match: expected, reply: tx };
    st.appends.try_send(req).map_err(|e| {
        st.metrics.unavailable.fetch_add(1, Ordering::Relaxed);
        let why = match e {
            TrySendError::Full(_) => "too many appends are waiting; retry shortly",
            TrySendError::Closed(_) => "the ledger is shutting down",
        };
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", why).retry_after(1)
    })?;
    let outcome = rx.await.map_err(|_| {
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the writer stopped; retry").retry_after(1)
    })?;
    match outcome {
        Ok(Appended::Created(rec)) => {
            replicated(&st, rec.seq).await?;
            Ok(event_response(StatusCode::CREATED, &rec))
        }
        Ok(Appended::Replayed(rec)) => {
            replicated(&st, rec.seq).await?;
            Ok(event_response(StatusCode::OK, &rec))
        }
        // A reporter whose organisation takes no part in the activity is refused, not corrected.
        Err(AppendError::Rejected(r)) if r.not_involved && who.role() == Some(Role::Reporter) => {
            Err(lofte_service::auth::forbidden(r.detail).field(r.field))
        }
        Err(AppendError::Rejected(r)) => {
            Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, r.code, r.detail).field(r.field))
        }
        Err(e @ AppendError::KeyReused(_)) => {
            Err(Problem::new(StatusCode::CONFLICT, "idempotency-key-reused", e.to_string()).field("Idempotency-Key"))
        }
        Err(e @ AppendError::VersionConflict { current, .. }) => {
            Err(Problem::new(StatusCode::CONFLICT, "version-conflict", e.to_string())
                .field("If-Match")
                .version(current))
        }
        Err(AppendError::Unavailable(why)) => {
            Err(Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", why).retry_after(5))
        }
        // Not back by itself: only a restart brings the writer back (its /healthz fails meanwhile).
        Err(AppendError::Stopped(why)) => Err(crate::gate::stopped(&why)),
    }
}

/// In `replicated` ack mode, waits until JetStream has acknowledged `seq`; `503` if it does not in
/// time (the event is on disk and will be published).
async fn replicated(st: &AppState, seq: u64) -> Result<(), Problem> {
    let (Some(n), AckMode::Replicated) = (&st.nats, st.settings.nats.ack_mode) else { return Ok(()) };
    let mut published = n.published.clone();
    let wait = std::time::Duration::from_millis(st.settings.nats.replicated_timeout_ms);
    let confirmed = matches!(tokio::time::timeout(wait, published.wait_for(|p| *p >= seq)).await, Ok(Ok(_)));
    match confirmed {
        true => Ok(()),
        false => Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-replicated",
            format!("recorded on disk as seq {seq}, but JetStream has not confirmed it yet; it will be published. Retry with the same Idempotency-Key to confirm"),
        )
        .retry_after(2)),
    }
}

/// Query of `GET /v1/events`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Return events with seq greater than this (default 0: from the start).
    pub after: Option<u64>,
    /// At most this many (default 100, at most the configured `max_page`).
    #[param(minimum = 1)]
    pub limit: Option<usize>,
}

/// A page of the log.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventPage {
    pub events: Vec<lofte_proto::Envelope>,
    /// Pass as `after` for the next page.
    pub next_after: u64,
    /// The last seq in the log when the page was read.
    pub head_seq: u64,
}

/// Reads the log in seq order.
#[utoipa::path(get, path = "/v1/events", params(ListParams), responses(
    (status = 200, description = "A page of events", body = EventPage),
    (status = 422, description = "Bad query", body = crate::problem::ProblemDoc, content_type = "application/problem+json")))]
pub async fn list_events(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    q: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    principal::may_read_log(&who)?;
    let Query(q) = q.map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-query", e.body_text()))?;
    let max = st.settings.max_page;
    let limit = q.limit.unwrap_or(100.min(max));
    if limit == 0 || limit > max {
        return Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-query", format!("limit must be 1–{max}"))
            .field("limit"));
    }
    let after = q.after.unwrap_or(0);
    // Seqs are documented as int64 (what JSON clients can hold); a larger `after` is a mistake.
    if after > i64::MAX as u64 {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-query",
            format!("after must be 0–{}", i64::MAX),
        )
        .field("after"));
    }
    let store = st.store.clone();
    let head_seq = *st.durable.borrow();
    let page = tokio::task::spawn_blocking(move || -> Result<(Vec<u8>, u64), crate::store::StoreError> {
        let mut out = Vec::with_capacity(limit * 600);
        out.extend_from_slice(b"{\"events\":[");
        let mut next = after;
        // Only what is on disk: an event still being flushed could yet be lost to a crash.
        let durable =
            store.events_after(after).take(limit).take_while(|r| r.as_ref().map_or(true, |(s, _)| *s <= head_seq));
        for (i, rec) in durable.enumerate() {
            let (seq, bytes) = rec?;
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&bytes);
            next = seq;
        }
        Ok((out, next))
    })
    .await
    .map_err(Problem::internal)?
    .map_err(Problem::internal)?;
    let (mut out, next) = page;
    out.extend_from_slice(format!("],\"next_after\":{next},\"head_seq\":{head_seq}}}").as_bytes());
    Ok(([(header::CONTENT_TYPE, "application/json")], out).into_response())
}

/// One event by id.
#[utoipa::path(get, path = "/v1/events/{id}", params(("id" = String, Path, description = "The event's UUID")),
    responses(
        (status = 200, description = "The event", body = lofte_proto::Envelope),
        (status = 404, description = "No such event", body = crate::problem::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Not a UUID", body = crate::problem::ProblemDoc, content_type = "application/problem+json")))]
pub async fn get_event(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    who.authenticated()?;
    if !who.reads_everything() {
        // Look first, answer the same whether it exists or not.
        let bytes = match st.store.seq_of(&Uuid::parse_str(&id).unwrap_or_default()).map_err(Problem::internal)? {
            Some(seq) => st.store.event(seq).map_err(Problem::internal)?,
            None => None,
        };
        let actor = bytes
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v["actor"].as_str().map(str::to_owned));
        principal::may_read_event(&who, actor.as_deref())?;
    }
    let id = Uuid::parse_str(&id).map_err(|e| {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-id", format!("not a UUID: {e}")).field("id")
    })?;
    let durable = *st.durable.borrow();
    let seq = st
        .store
        .seq_of(&id)
        .map_err(Problem::internal)?
        .filter(|s| *s <= durable)
        .ok_or_else(|| Problem::not_found(format!("no event {id}")))?;
    let bytes =
        st.store.event(seq).map_err(Problem::internal)?.ok_or_else(|| Problem::not_found(format!("no event {id}")))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], bytes.to_vec()).into_response())
}
