//! The ledger's integration tests: one binary, one module per concern. Real sled on disk in
//! temporary directories, real HTTP on port 0, and for crash tests the real `lofte-ledger`
//! binary killed with SIGKILL.

// Test code: a failed unwrap is a failed test, with the location to look at; figment's Jail
// returns its large error type by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::result_large_err, clippy::type_complexity)]

mod api;
mod auth;
mod common;
mod crash;
mod damaged;
mod decide;
mod delegation;
mod disk_full;
mod group_commit;
mod nats_auth;
mod outbox;
mod people;
mod people_on_behalf;
mod recovery;
mod rejections;
mod replicas;
mod settings;
mod tamper;
