//! # lofte-web
//!
//! What Lofte's HTTP services share: [`problem`], errors as `application/problem+json`.

pub mod problem;

pub use problem::{Problem, ProblemDoc};
