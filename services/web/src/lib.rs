//! # lofte-web
//!
//! What Lofte's services share: [`problem`], errors as `application/problem+json`; [`config`],
//! layered settings; [`runtime`], logging and shutdown on signals.

pub mod auth;
pub mod config;
pub mod problem;
pub mod runtime;

pub use problem::{Problem, ProblemDoc};
