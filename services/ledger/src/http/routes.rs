//! What every handler can reach ([`AppState`]), the routes, and the OpenAPI document generated
//! from the handlers.

use std::sync::Arc;

use axum::{
    extract::DefaultBodyLimit,
    routing::{get, post},
    Router,
};
use lofte_service::openapi::Security;
use tokio::sync::mpsc;
use utoipa::OpenApi;

use super::{events, ops, people, verify};
use crate::{metrics::Metrics, settings::Settings, store::Store, writer::AppendRequest};

/// What every handler can reach, shared behind one `Arc` (axum clones the state for every
/// request).
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    /// The people directory beside the log.
    pub people: crate::people::Directory,
    pub appends: mpsc::Sender<AppendRequest>,
    pub metrics: Arc<Metrics>,
    pub settings: Arc<Settings>,
    /// Whether the chain verified when the ledger started.
    pub chain_ok: bool,
    /// The last seq on disk (the writer's durable watermark): what reads may show.
    pub durable: tokio::sync::watch::Receiver<u64>,
    /// Whether appends are taken now (see [`crate::gate`]).
    pub gate: tokio::sync::watch::Receiver<crate::gate::Gate>,
    /// Present when the ledger publishes to NATS.
    pub nats: Option<Nats>,
}

/// The HTTP side's handles on the outbox.
#[derive(Debug, Clone)]
pub struct Nats {
    /// The last seq JetStream acknowledged.
    pub published: tokio::sync::watch::Receiver<u64>,
    /// The outbox's last error, cleared once it publishes again.
    pub last_error: tokio::sync::watch::Receiver<Option<String>>,
    pub republish: mpsc::Sender<crate::outbox::Republish>,
}

/// The OpenAPI document of the ledger.
#[derive(Debug, OpenApi)]
#[openapi(
    modifiers(&Security),
    info(title = "Lofte ledger", description = "The append-only, hash-chained event log of Lofte."),
    paths(
        events::post_event,
        events::list_events,
        events::get_event,
        verify::verify,
        ops::republish,
        people::list,
        people::add,
        people::get,
        people::erase,
        people::change,
        people::changes,
        ops::healthz,
        ops::readyz,
        ops::metrics
    ),
    components(schemas(
        crate::problem::ProblemDoc,
        lofte_proto::NewEvent,
        lofte_proto::Envelope,
        lofte_proto::Event,
        events::EventPage,
        verify::VerifyReport,
        lofte_proto::people::Person,
        lofte_proto::people::NewPerson,
        lofte_proto::people::PersonChange,
        crate::people::Changed,
    ))
)]
pub struct ApiDoc;

/// The router with every route.
pub fn router(state: AppState, auth: Arc<lofte_service::auth::Auth>) -> Router {
    let limit = state.settings.max_body_bytes;
    let routes = Router::new()
        .route("/v1/events", post(events::post_event).get(events::list_events))
        .route("/v1/events/{id}", get(events::get_event))
        .route("/v1/verify", get(verify::verify))
        .route("/v1/people", get(people::list).post(people::add))
        .route("/v1/people/changes", get(people::changes))
        .route("/v1/people/{id}", get(people::get).put(people::change).delete(people::erase))
        .route("/v1/admin/republish", post(ops::republish))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics));
    lofte_service::routes::finish(routes, auth, &ApiDoc::openapi())
        .layer(DefaultBodyLimit::max(limit))
        .with_state(Arc::new(state))
}
