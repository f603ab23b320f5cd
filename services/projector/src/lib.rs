//! # lofte-projector
//!
//! Follows the `LOFTE` stream with a durable consumer ([`consumer`]), keeps each plan's events in
//! sled ([`views`]) — deduplicated by `(ledger, seq)`, gaps back-filled from the ledger
//! ([`backfill`]) — and serves tertial summaries, the published report, provenance and pending
//! follow-ups ([`http`]), all computed with the shared fold (`lofte_proto::fold`). How far the
//! views are behind the stream, and whether NATS answers, is kept in [`progress`] for `/readyz`
//! and `/metrics`.

pub mod app;
pub mod backfill;
mod batch;
pub mod consumer;
mod generations;
pub mod http;
pub mod metrics;
pub mod progress;
pub mod segments;
pub mod settings;
pub mod views;

pub use app::{App, AppError};
pub use settings::Settings;
