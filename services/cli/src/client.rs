//! The ledger, as the CLI talks to it: the one typed client (`lofte-ledger-client`) with the
//! CLI's own HTTP client (its token, its timeouts). An unreachable ledger is an error; a refusal
//! is returned for the command to word.

use lofte_ledger_client::{ClientError, LedgerClient};
use lofte_proto::NewEvent;

pub use lofte_ledger_client::{Appended as Outcome, Problem as Refusal};

use crate::global::Global;

/// The ledger `g` points at.
#[derive(Debug, Clone)]
pub struct Ledger(LedgerClient);

impl Ledger {
    /// The ledger `g` points at, asked with `g`'s client (and token).
    pub fn new(g: &Global) -> Ledger {
        Ledger(LedgerClient::new(&g.ledger, g.http.clone()))
    }

    /// The typed client.
    pub fn client(&self) -> &LedgerClient {
        &self.0
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        self.0.url()
    }

    /// Records one event; `key` makes a retry safe (and a `503` with `Retry-After` is retried).
    pub async fn append(&self, event: &NewEvent, key: &str) -> anyhow::Result<Result<Outcome, Refusal>> {
        match self.0.append(event, key).await {
            Ok(o) => Ok(Ok(o)),
            Err(ClientError::Refused(p)) => Ok(Err(p)),
            Err(e) => Err(e.into()),
        }
    }
}
