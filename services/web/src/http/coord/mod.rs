//! The coordinators' pages (a coordinator entry in the directory for the signed-in address).

mod approve;
mod deadline;
mod import;
mod overview;
mod people;
mod remind;

use axum::Router;

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(overview::routes())
        .merge(approve::routes())
        .merge(deadline::routes())
        .merge(remind::routes())
        .merge(import::routes())
        .merge(people::routes())
}
