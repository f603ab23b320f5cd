//! Filling a gap in the stream from the ledger that wrote it: its log, a page at a time, through
//! the one ledger client.

use std::{collections::BTreeMap, time::Duration};

use lofte_ledger_client::LedgerClient;

use crate::error::BackfillError;

/// Reads ledgers' logs over HTTP.
#[derive(Debug, Clone)]
pub(crate) struct Backfill {
    ledgers: BTreeMap<String, LedgerClient>,
}

impl Backfill {
    /// Reads `ledgers` (name → base URL), sending `token` (a `service` token) if the ledgers want one.
    pub(crate) fn new(ledgers: BTreeMap<String, String>, token: Option<&lofte_service::auth::Secret>) -> Self {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(v) = token.and_then(lofte_service::auth::Secret::bearer) {
            headers.insert(reqwest::header::AUTHORIZATION, v);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .default_headers(headers)
            .build()
            .unwrap_or_default();
        let ledgers = ledgers.into_iter().map(|(id, url)| (id, LedgerClient::new(&url, http.clone()))).collect();
        Self { ledgers }
    }

    /// The stored bytes of `ledger`'s events `after+1 ..= upto`.
    pub(crate) async fn fetch(
        &self,
        ledger_id: &str,
        after: u64,
        upto: u64,
    ) -> Result<Vec<(u64, Vec<u8>)>, BackfillError> {
        let ledger = self.ledgers.get(ledger_id).ok_or_else(|| BackfillError::NoUrl(ledger_id.to_owned()))?;
        let mut out = vec![];
        let mut cursor = after;
        while cursor < upto {
            let limit = (upto - cursor).min(1000) as usize;
            let page = ledger
                .page(cursor, limit)
                .await
                .map_err(|source| BackfillError::Ledger { url: ledger.url().to_owned(), source })?;
            if page.events.is_empty() {
                return Err(BackfillError::NotYet { ledger: ledger_id.to_owned(), after: cursor });
            }
            for e in page.events {
                let seq = e["seq"].as_u64().ok_or_else(|| BackfillError::NoSeq(ledger_id.to_owned()))?;
                // Re-encode canonically: the ledger serves exactly its stored canonical bytes.
                let bytes = lofte_proto::chain::canonical(&e);
                out.push((seq, bytes));
            }
            cursor = page.next_after;
        }
        Ok(out)
    }
}
