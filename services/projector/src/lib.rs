//! # lofte-projector
//!
//! Follows the `LOFTE` stream with its own durable consumer into sled views (`lofte-follow`:
//! deduplicated by `(ledger, seq)`, gaps back-filled from the ledger, rebuilt on demand) and
//! serves tertial summaries, the published report, provenance and pending follow-ups ([`http`]),
//! all computed with the shared fold (`lofte_proto::fold`).

pub mod app;
pub mod http;
pub mod settings;

pub use app::{App, AppError};
pub use settings::Settings;
