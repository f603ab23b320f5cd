//! `GET /granska/kontroll`: the ledger's check of its whole chain, in words; and
//! `GET /granska/export.jsonl`: the log as stored, one event a line, streamed through
//! `lofte-web` from the ledger a page at a time (never held whole in memory).

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{header, HeaderMap},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};

use super::auditor;
use crate::{
    html::audit::verify::page_for,
    http::{unavailable, AppState},
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/granska/kontroll", get(check)).route("/granska/export.jsonl", get(export))
}

async fn check(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let signed = match auditor(&st, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match st.backend.verify().await {
        Ok(v) => page_for(&signed.who, &v, &st.backend.plans().await.unwrap_or_default()).into_response(),
        Err(e) => unavailable(e),
    }
}

/// Where the export stands: the seq after which the next page starts; `None` once done.
type Next = Option<u64>;

async fn export(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(r) = auditor(&st, &headers).await {
        return r;
    }
    // The first page is read before answering, so an unreachable ledger is a 503, not a cut file.
    let first = match st.backend.log_page(0).await {
        Ok(p) => p,
        Err(e) => return unavailable(e),
    };
    let lines = |p: &lofte_ledger_client::RawPage| -> (Bytes, Next) {
        let mut out = Vec::with_capacity(p.events.len() * 700);
        for e in &p.events {
            out.extend_from_slice(e.get().as_bytes());
            out.push(b'\n');
        }
        let more = !p.events.is_empty() && p.next_after < p.head_seq;
        (Bytes::from(out), more.then_some(p.next_after))
    };
    let (head, next) = lines(&first);
    let backend = st.backend.clone();
    let rest = futures::stream::unfold(next, move |next| {
        let backend = backend.clone();
        async move {
            let after = next?;
            match backend.log_page(after).await {
                Ok(p) => {
                    let (bytes, next) = lines(&p);
                    Some((Ok::<Bytes, std::io::Error>(bytes), next))
                }
                // The answer has begun: cutting it short is all that is left (the client sees an
                // incomplete body, and `lofte audit verify --from` a missing tail).
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
            }
        }
    });
    let body = futures::StreamExt::chain(futures::stream::once(async move { Ok(head) }), rest);
    (
        [
            (header::CONTENT_TYPE, "application/x-ndjson"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"lofte-logg.jsonl\""),
        ],
        Body::from_stream(body),
    )
        .into_response()
}
