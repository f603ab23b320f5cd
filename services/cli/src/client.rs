//! A small HTTP client for the ledger. Every failure becomes an error with one clear line: the
//! service's problem detail and the field at fault, or why the service could not be reached.

use std::time::Duration;

use anyhow::anyhow;
use lofte_proto::NewEvent;
use reqwest::StatusCode;
use serde_json::Value;

use crate::global::Global;

/// The ledger at a base URL.
#[derive(Debug, Clone)]
pub struct Ledger {
    base: String,
    http: reqwest::Client,
}

/// What the ledger made of an append.
#[derive(Debug)]
pub enum Outcome {
    /// Newly recorded (201).
    Created(Value),
    /// Recorded earlier under the same idempotency key (200).
    Existing(Value),
}

/// A refusal by the ledger, as its problem document says it.
#[derive(Debug, thiserror::Error)]
#[error("{detail}{}", field.as_ref().map(|f| format!(" (field {f})")).unwrap_or_default())]
pub struct Refusal {
    pub status: u16,
    pub code: String,
    pub detail: String,
    pub field: Option<String>,
}

impl Ledger {
    /// The ledger `g` points at, asked with `g`'s client (and token).
    pub fn new(g: &Global) -> Ledger {
        Ledger { base: g.ledger.clone(), http: g.http.clone() }
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// Records one event; `key` makes a retry safe. A `503` with `Retry-After` (the ledger is
    /// busy, or still comparing its log with the stream after a start) is retried with the same
    /// key for up to [`RETRY_FOR`]; any other refusal is returned at once.
    pub async fn append(&self, event: &NewEvent, key: &str) -> anyhow::Result<Result<Outcome, Refusal>> {
        let deadline = std::time::Instant::now() + RETRY_FOR;
        let mut backoff = lofte_service::retry::Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        loop {
            let resp = self
                .http
                .post(format!("{}/v1/events", self.base))
                .header("Idempotency-Key", key)
                .json(event)
                .send()
                .await
                .map_err(|e| unreachable(&self.base, &e))?;
            let status = resp.status();
            let retry_after =
                resp.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            return Ok(match status {
                StatusCode::CREATED => Ok(Outcome::Created(body)),
                StatusCode::OK => Ok(Outcome::Existing(body)),
                StatusCode::SERVICE_UNAVAILABLE if retry_after.is_some() && std::time::Instant::now() < deadline => {
                    // Retry-After is an upper bound here: the ledger may be ready sooner.
                    let pause = backoff.pause().min(Duration::from_secs(retry_after.unwrap_or(1)));
                    tokio::time::sleep(pause).await;
                    continue;
                }
                _ => Err(refusal(status, &body)),
            });
        }
    }
}

/// How long an append answered `503` with `Retry-After` is retried.
const RETRY_FOR: Duration = Duration::from_secs(30);

/// The refusal a problem document describes.
pub fn refusal(status: StatusCode, body: &Value) -> Refusal {
    let s = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    Refusal {
        status: status.as_u16(),
        code: s("type").map(|t| t.trim_start_matches("urn:lofte:problem:").to_owned()).unwrap_or_default(),
        detail: s("detail").unwrap_or_else(|| format!("the ledger answered {status}")),
        field: s("field"),
    }
}

fn unreachable(base: &str, e: &reqwest::Error) -> anyhow::Error {
    let why = if e.is_connect() {
        "connection refused (is lofte-ledger running? set --ledger or LOFTE_LEDGER_URL)".to_owned()
    } else if e.is_timeout() {
        "no answer within 30 s".to_owned()
    } else {
        e.to_string()
    };
    anyhow!("cannot reach the ledger at {base}: {why}")
}
