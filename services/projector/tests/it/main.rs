//! The projector end to end, against a real nats-server and a real ledger.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod crash;
mod e2e;
mod etag;
mod gap;
mod nats_auth;
mod public;
mod readiness;
mod rebuild;
mod settings;
