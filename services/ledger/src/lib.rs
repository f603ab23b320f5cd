//! # lofte-ledger
//!
//! The only writer of Lofte's event log. A command arrives over HTTP ([`http`]), is parsed with
//! the field at fault named (`lofte_proto::command`), decided against the plan's current state
//! ([`decide`], pure), and queued for the single [`writer`], which group-commits everything
//! waiting into one atomic sled batch ([`store`]) and flushes once before answering. The
//! in-memory view the writer decides against ([`state`]) is rebuilt from the log at start-up.
//!
//! The [`outbox`] publishes what is on disk to NATS JetStream, in seq order.
//!
//! [`app::App`] ties it together: `App::build(settings)`, `app.addr()`, `app.run(shutdown)`.

pub mod app;
pub mod decide;
pub mod gate;
pub mod http;
pub mod metrics;
pub mod outbox;
pub mod people;
pub mod principal;
/// Errors as problem+json (shared with the other services).
pub mod problem {
    pub use lofte_service::problem::*;
}
mod quiet;
pub mod settings;
pub mod state;
pub mod store;
pub mod walk;
pub mod writer;

pub use app::{App, AppError};
pub use settings::Settings;
