//! # lofte-service
//!
//! What every Lofte service program shares: [`auth`], bearer tokens and roles; [`problem`], errors
//! as `application/problem+json`; [`config`], layered settings; [`openapi`], the access part of
//! every OpenAPI document; [`routes`], what every router ends with; [`secret`], passwords that
//! never print; [`nats`], the NATS connection (servers, credentials, TLS); [`retry`], the one
//! backoff every retry loop uses; [`runtime`], logging and shutdown on signals.

pub mod auth;
pub mod config;
pub mod nats;
pub mod openapi;
pub mod problem;
pub mod retry;
pub mod routes;
pub mod runtime;
pub mod secret;

pub use problem::{Problem, ProblemDoc};
