//! Filling a gap in the stream from the ledger that wrote it: `GET /v1/events?after=`.

use std::{collections::BTreeMap, time::Duration};

use serde::Deserialize;

/// Reads ledgers' logs over HTTP.
#[derive(Debug, Clone)]
pub struct Backfill {
    http: reqwest::Client,
    ledgers: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Page {
    events: Vec<serde_json::Value>,
    next_after: u64,
}

impl Backfill {
    /// Reads `ledgers` (name → base URL), sending `token` (a `service` token) if the ledgers want one.
    pub fn new(ledgers: BTreeMap<String, String>, token: Option<&lofte_service::auth::Secret>) -> Self {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(v) = token.and_then(lofte_service::auth::Secret::bearer) {
            headers.insert(reqwest::header::AUTHORIZATION, v);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .default_headers(headers)
            .build()
            .unwrap_or_default();
        Self { http, ledgers }
    }

    /// The stored bytes of `ledger`'s events `after+1 ..= upto`.
    pub async fn fetch(&self, ledger: &str, after: u64, upto: u64) -> Result<Vec<(u64, Vec<u8>)>, String> {
        let base = self
            .ledgers
            .get(ledger)
            .ok_or_else(|| format!("no URL configured for ledger {ledger:?} (projector.ledgers)"))?;
        let mut out = vec![];
        let mut cursor = after;
        while cursor < upto {
            let limit = (upto - cursor).min(1000);
            let url = format!("{}/v1/events?after={cursor}&limit={limit}", base.trim_end_matches('/'));
            let page: Page = self
                .http
                .get(&url)
                .send()
                .await
                .and_then(|r| r.error_for_status())
                .map_err(|e| format!("back-fill from {url}: {e}"))?
                .json()
                .await
                .map_err(|e| format!("back-fill from {url}: {e}"))?;
            if page.events.is_empty() {
                return Err(format!("ledger {ledger} has no events after {cursor} yet"));
            }
            for e in page.events {
                let seq = e["seq"].as_u64().ok_or("an event without seq")?;
                // Re-encode canonically: the ledger serves exactly its stored canonical bytes.
                let bytes = lofte_proto::chain::canonical(&e);
                out.push((seq, bytes));
            }
            cursor = page.next_after;
        }
        Ok(out)
    }
}
