//! The ledger's integration tests: one binary, one module per concern. Real sled on disk in
//! temporary directories, real HTTP on port 0, and for crash tests the real `lofte-ledger`
//! binary killed with SIGKILL.

mod api;
mod common;
mod crash;
mod decide;
mod group_commit;
mod rejections;
mod settings;
mod tamper;
