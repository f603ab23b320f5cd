//! What every handler can reach ([`AppState`]), the routes, and the OpenAPI document.

use std::sync::Arc;

use axum::{
    routing::{get, post},
    Router,
};
use lofte_service::openapi::Security;
use utoipa::OpenApi;

use super::{ops, plans, provenance};
use lofte_follow::{FollowHandle, Views};

/// What every handler can reach. Cloning is shallow.
#[derive(Debug, Clone)]
pub struct AppState {
    pub views: Views,
    /// The follower's readiness, metrics, and rebuilds.
    pub follow: FollowHandle,
    /// Each plan's fold, kept and brought forward as current reads come (ADR 0018).
    pub kept: lofte_follow::KeptFolds,
    /// What current reads reuse.
    pub(crate) cache: super::cache::ReadCache,
}

/// The OpenAPI document of the projector.
#[derive(Debug, OpenApi)]
#[openapi(
    modifiers(&Security),
    info(title = "Lofte projector", description = "Tertial summaries, the published follow-up report, provenance."),
    paths(
        plans::list,
        plans::summary,
        plans::report,
        provenance::provenance,
        plans::pending,
        ops::rebuild,
        ops::healthz,
        ops::readyz,
        ops::metrics
    ),
    components(schemas(lofte_service::ProblemDoc, lofte_follow::Readiness))
)]
pub struct ApiDoc;

/// The router with every route.
pub fn router(state: AppState, auth: Arc<lofte_service::auth::Auth>) -> Router {
    let routes = Router::new()
        .route("/v1/plans", get(plans::list))
        .route("/v1/plans/{plan}/summary", get(plans::summary))
        .route("/v1/plans/{plan}/report", get(plans::report))
        .route("/v1/plans/{plan}/provenance", get(provenance::provenance))
        .route("/v1/plans/{plan}/pending", get(plans::pending))
        .route("/v1/admin/rebuild", post(ops::rebuild))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics));
    lofte_service::routes::finish(routes, auth, &ApiDoc::openapi()).with_state(state)
}
