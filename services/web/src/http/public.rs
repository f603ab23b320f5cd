//! The public pages, no sign-in: the plans with an approved follow-up and their reports.

use axum::{extract::State, http::HeaderMap, response::Response, routing::get, Router};

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/rapporter", get(home))
}

/// `GET /rapporter` (and `/` for someone not signed in): the plans with an approved follow-up.
pub async fn home(State(_st): State<AppState>, _headers: HeaderMap) -> Response {
    use axum::response::IntoResponse;
    crate::html::page(
        &crate::html::Shell { title: "Rapporter", ..Default::default() },
        maud::html! { h1 { "Rapporter" } },
    )
    .into_response()
}
