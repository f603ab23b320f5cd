//! The outbox: publishing the durable log to NATS JetStream, in seq order, exactly once in
//! effect.
//!
//! Before anything is published or appended, the log is compared with the stream's copy
//! ([`reconcile`]), and a tail the log lost is recovered from it; the comparison is repeated
//! whenever the connection comes back. A publisher task then follows the writer's durable head. It
//! reads the events after its cursor from the log, publishes a window of them (each with
//! `Nats-Msg-Id = <ledger>:<seq>`, `Lofte-Seq` / `Lofte-Hash` headers and the idempotency key it
//! was recorded under), awaits their acknowledgements, and moves its cursor, which is kept in
//! sled. Re-sends after a crash or an error carry the same message ids, so JetStream drops them as
//! duplicates within its duplicate window; a duplicate whose stored hash differs from the log's
//! stops the outbox and the appends (two events with one seq). NATS being away never stops
//! appends once the log was compared: the publisher retries with capped, jittered backoff and the
//! lag shows in `/metrics` and `/readyz`.

mod error;
mod publisher;
pub mod reconcile;
pub mod stream;

pub use error::OutboxError;
pub use publisher::{Errors, Outbox, Republish};
