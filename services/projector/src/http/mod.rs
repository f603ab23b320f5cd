//! The projector's HTTP API: plans, summaries, reports, provenance, pending follow-ups, and the
//! operations routes.

mod access;
mod cache;
mod ops;
mod plans;
mod provenance;
mod routes;

pub use routes::*;
