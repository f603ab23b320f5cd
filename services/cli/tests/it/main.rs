//! The `lofte` binary as a user runs it, against a real ledger on a real sled log.

mod plan_import;
