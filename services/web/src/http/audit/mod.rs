//! The auditors' pages (an auditor entry in the directory for the signed-in address).

mod asof;
mod event;
mod history;
mod verify;

use axum::Router;

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(history::routes()).merge(event::routes()).merge(asof::routes()).merge(verify::routes())
}
