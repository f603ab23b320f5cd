//! The `lofte` binary as a user runs it, against a real ledger on a real sled log.

// Test code: a failed unwrap is a failed test, with the location to look at.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod fuzz;
mod inspect;
mod live;
mod log;
mod nats_auth;
mod people;
mod plan_import;
mod plan_show;
mod profile;
mod progress;
mod torn_tail;
mod up;
mod web;
mod web_roles;
mod year;
