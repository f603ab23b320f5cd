//! The HTTP API: routes, shared state, and the OpenAPI document generated from the handlers.

mod events;
mod ops;
mod people;
mod routes;
mod verify;

pub use routes::{router, ApiDoc, AppState, Nats};
