//! What every service's router ends with: `/v1/whoami`, its OpenAPI document at `/openapi.json`, problem
//! documents for unknown routes and methods, authentication, and every error answer as
//! `application/problem+json` (the outermost layer).

use std::sync::Arc;

use axum::{http::header, routing::get, Router};

use crate::{auth, problem};

/// Adds `/openapi.json` (serving `doc`), the fallbacks and the shared layers to `router`.
pub fn finish<S>(router: Router<S>, auth: Arc<auth::Auth>, doc: &utoipa::openapi::OpenApi) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let mut doc = doc.clone();
    doc.merge(<auth::WhoAmIDoc as utoipa::OpenApi>::openapi());
    let json: Arc<str> = doc.to_pretty_json().unwrap_or_default().into();
    router
        .route("/v1/whoami", get(auth::whoami))
        .route(
            "/openapi.json",
            get(move || {
                let json = json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], json.to_string()) }
            }),
        )
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(auth, auth::authenticate))
        .layer(axum::middleware::from_fn(problem::as_problem))
}
