//! # lofte-ledger-client
//!
//! The one typed client of the ledger's HTTP API, for every program that talks to a ledger (the
//! CLI, the notifier, the projector's back-fill, the web application): [`LedgerClient::append`]
//! records a typed [`NewEvent`] under an idempotency key, [`LedgerClient::page`] reads the log a
//! page at a time, [`LedgerClient::event`] reads one event, [`LedgerClient::page_raw`] a page as stored and
//! [`LedgerClient::verify`] the ledger's check of its chain. Every refusal is a [`Problem`] (the
//! problem+json the ledger answered: status, type, field, detail); a `503` with `Retry-After`
//! (the ledger is busy, or still comparing its log with the stream after a start) is retried with
//! the same key, with [`lofte_service::retry::Backoff`], for up to [`LedgerClient::retry_for`].

mod client;
mod error;

pub use client::{Appended, Broken, LedgerClient, Page, RawPage, Verified};
pub use error::{ClientError, Problem};
