//! `GET /granska/handelse/{id}`: one event as the ledger has it, and its corrections chain from
//! the history's index.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use lofte_ledger_client::ClientError;
use lofte_proto::{chain::canonical, Kind};
use serde_json::Value;

use super::{auditor, Authors};
use crate::{
    history::{kind_name, when, Row},
    html::audit::event::{page_for, Link, Shown},
    http::{unavailable, AppState},
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/granska/handelse/{id}", get(event))
}

fn not_found() -> Response {
    let body = crate::html::page(
        &crate::html::Shell { title: "Händelsen finns inte", ..Default::default() },
        maud::html! { h1 { "Händelsen finns inte" } p { a href="/granska" { "Till Händelsehistorik" } } },
    );
    (StatusCode::NOT_FOUND, body).into_response()
}

async fn event(State(st): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let signed = match auditor(&st, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(uuid) = id.parse::<uuid::Uuid>() else { return not_found() };
    let e = match st.backend.ledger.event(&uuid.to_string()).await {
        Ok(Some(e)) => e,
        Ok(None) | Err(ClientError::Refused(_)) => return not_found(),
        Err(e) => return unavailable(e),
    };
    let authors = Authors::of(&st).await;
    let h = match st.backend.history().await {
        Ok(h) => h,
        Err(e) => return unavailable(e),
    };
    let s = |k: &str| match &e[k] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        v => v.to_string(),
    };
    let kind = s("kind").parse::<Kind>().map(kind_name).unwrap_or("Okänd typ");
    let at = s("recorded_at").parse::<jiff::Timestamp>().map(when::exact).unwrap_or_default();
    let mut envelope = vec![
        ("Nummer (seq)", s("seq")),
        ("Id", s("id")),
        ("Typ", format!("{kind} ({})", s("kind"))),
        ("Registrerad", format!("{at} svensk tid ({} UTC)", s("recorded_at"))),
        ("Ledger", s("ledger")),
        ("Föregående hash", s("prev_hash")),
        ("Hash", s("hash")),
        ("Plan", s("plan")),
        ("Ström", format!("{} version {}", s("stream"), s("stream_version"))),
        ("Organisation", h.org_name(&s("actor")).to_owned()),
        ("Författare", format!("{} ({})", authors.name(&s("author")), s("author"))),
        ("Schemaversion", s("schema")),
    ];
    if let Some(k) = e["idempotency_key"].as_str() {
        envelope.push(("Idempotensnyckel", k.to_owned()));
    }
    let link = |r: &Row| Link {
        id: r.id.to_string(),
        seq: r.seq,
        role: match r.kind {
            Kind::EventCorrected => "Rättelse",
            Kind::EventRetracted => "Borttagning",
            _ => "Ursprunglig",
        },
        at: when::shown(r.recorded_at),
        summary: if r.kind == Kind::EventRetracted { String::new() } else { r.summary.to_string() },
        reason: r.reason.as_deref().map(str::to_owned),
        current: r.id == uuid,
    };
    let (chain, standing) = match h.chain(&uuid) {
        Some(c) => {
            let standing = match c.amendments.last().map(|r| r.kind) {
                Some(Kind::EventRetracted) => Some("Borttagen"),
                Some(_) => Some("Rättad"),
                None => None,
            };
            (std::iter::once(c.original).chain(c.amendments).map(link).collect(), standing)
        }
        None => (vec![], None),
    };
    let shown = Shown {
        title: format!("Händelse {}: {kind}", s("seq")),
        envelope,
        json: String::from_utf8_lossy(&canonical(&e)).into_owned(),
        chain,
        standing,
        plans: h.plans().into_iter().map(str::to_owned).collect(),
    };
    page_for(&signed.who, &shown).into_response()
}
