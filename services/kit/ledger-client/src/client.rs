//! The client: appends, pages of the log, single events.

use std::time::{Duration, Instant};

use lofte_proto::NewEvent;
use lofte_service::retry::Backoff;
use reqwest::{header, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{ClientError, Problem};

/// What the ledger made of an append.
#[derive(Debug, Clone, PartialEq)]
pub enum Appended {
    /// Newly recorded (`201`): the stored event.
    Created(Value),
    /// Recorded earlier under the same idempotency key (`200`): the original event.
    Existing(Value),
}

impl Appended {
    /// The stored event, new or earlier.
    pub fn event(&self) -> &Value {
        match self {
            Appended::Created(v) | Appended::Existing(v) => v,
        }
    }
}

/// The header naming the person a delegate token acts for (ADR 0019).
const ON_BEHALF_OF: &str = "Lofte-On-Behalf-Of";

/// A page of the log.
#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    /// The events, in seq order, as the ledger stored them.
    pub events: Vec<Value>,
    /// Pass as `after` for the next page.
    pub next_after: u64,
    /// The last seq on disk when the page was read.
    pub head_seq: u64,
}

/// A page of the log as the ledger stored it: each event's bytes untouched (the canonical JSON
/// its hash covers), for decoding with upcasting or passing on as they are (an export).
#[derive(Debug, Deserialize)]
pub struct RawPage {
    pub events: Vec<Box<serde_json::value::RawValue>>,
    /// Pass as `after` for the next page.
    pub next_after: u64,
    /// The last seq on disk when the page was read.
    pub head_seq: u64,
}

/// The ledger's check of its own chain (`GET /v1/verify`).
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
pub struct Verified {
    /// Every record checked out and the stored head matches the last one.
    pub ok: bool,
    /// Records that verified before the first problem (all of them when `ok`).
    pub checked: u64,
    pub head_seq: u64,
    pub head_hash: String,
    /// The first problem: its seq and why.
    pub first_bad: Option<Broken>,
}

/// Where the chain breaks.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
pub struct Broken {
    pub seq: u64,
    pub reason: String,
}

/// A ledger at a base URL.
#[derive(Debug, Clone)]
pub struct LedgerClient {
    base: String,
    http: reqwest::Client,
    retry_for: Duration,
}

impl LedgerClient {
    /// The ledger at `base`, asked with `http` (which carries the bearer token, if any, and the
    /// timeouts the caller wants).
    pub fn new(base: &str, http: reqwest::Client) -> LedgerClient {
        LedgerClient { base: base.trim_end_matches('/').to_owned(), http, retry_for: Duration::from_secs(30) }
    }

    /// How long a `503` with `Retry-After` is retried (default 30 s; zero: never).
    pub fn retry_for(mut self, d: Duration) -> LedgerClient {
        self.retry_for = d;
        self
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// Records `event` under the idempotency `key` (the same key and body again return the
    /// original event).
    pub async fn append(&self, event: &NewEvent, key: &str) -> Result<Appended, ClientError> {
        self.append_as(event, key, None).await
    }

    /// Records `event` on behalf of `person` of the people directory (a delegate token only: the
    /// web application's; the ledger checks what the person may record, ADR 0019).
    pub async fn append_for(&self, person: uuid::Uuid, event: &NewEvent, key: &str) -> Result<Appended, ClientError> {
        self.append_as(event, key, Some(person)).await
    }

    async fn append_as(
        &self,
        event: &NewEvent,
        key: &str,
        person: Option<uuid::Uuid>,
    ) -> Result<Appended, ClientError> {
        let deadline = Instant::now() + self.retry_for;
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        loop {
            let mut req = self.http.post(format!("{}/v1/events", self.base)).header("Idempotency-Key", key).json(event);
            if let Some(p) = person {
                req = req.header("Lofte-On-Behalf-Of", p.to_string());
            }
            let resp = req.send().await.map_err(|e| self.unreachable(&e))?;
            let status = resp.status();
            let retry_after =
                resp.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            match status {
                StatusCode::CREATED => return Ok(Appended::Created(body)),
                StatusCode::OK => return Ok(Appended::Existing(body)),
                StatusCode::SERVICE_UNAVAILABLE if retry_after.is_some() && Instant::now() < deadline => {
                    // Retry-After is an upper bound here: the ledger may be ready sooner.
                    let pause = backoff.pause().min(Duration::from_secs(retry_after.unwrap_or(1)));
                    tokio::time::sleep(pause).await;
                }
                _ => return Err(Problem::of(status.as_u16(), &body).into()),
            }
        }
    }

    /// The events with seq greater than `after`, at most `limit` (≤ the ledger's `max_page`).
    pub async fn page(&self, after: u64, limit: usize) -> Result<Page, ClientError> {
        let url = format!("{}/v1/events?after={after}&limit={limit}", self.base);
        let body = self.get(&url).await?;
        serde_json::from_value(body)
            .map_err(|e| ClientError::Unexpected { base: self.base.clone(), why: e.to_string() })
    }

    /// Like [`LedgerClient::page`], each event's stored bytes as they are.
    pub async fn page_raw(&self, after: u64, limit: usize) -> Result<RawPage, ClientError> {
        let url = format!("{}/v1/events?after={after}&limit={limit}", self.base);
        let resp = self.http.get(&url).send().await.map_err(|e| self.unreachable(&e))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| self.unreachable(&e))?;
        if !status.is_success() {
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            return Err(Problem::of(status.as_u16(), &body).into());
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| ClientError::Unexpected { base: self.base.clone(), why: format!("not a page: {e}") })
    }

    /// The ledger walks its whole chain (`GET /v1/verify`) and says whether it holds.
    pub async fn verify(&self) -> Result<Verified, ClientError> {
        let body = self.get(&format!("{}/v1/verify", self.base)).await?;
        serde_json::from_value(body)
            .map_err(|e| ClientError::Unexpected { base: self.base.clone(), why: e.to_string() })
    }

    /// One event by id; `None` if the ledger has none with that id.
    pub async fn event(&self, id: &str) -> Result<Option<Value>, ClientError> {
        match self.get(&format!("{}/v1/events/{id}", self.base)).await {
            Ok(v) => Ok(Some(v)),
            Err(ClientError::Refused(p)) if p.status == 404 => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Everyone in the people directory.
    pub async fn people(&self) -> Result<Vec<lofte_proto::people::Person>, ClientError> {
        let body = self.get(&format!("{}/v1/people", self.base)).await?;
        serde_json::from_value(body)
            .map_err(|e| ClientError::Unexpected { base: self.base.clone(), why: e.to_string() })
    }

    /// Adds a person to the directory; `true` if new (the same person again is no error).
    pub async fn add_person(
        &self,
        p: &lofte_proto::people::NewPerson,
    ) -> Result<(lofte_proto::people::Person, bool), ClientError> {
        let (person, status) = self.answer(self.http.post(format!("{}/v1/people", self.base)).json(p)).await?;
        Ok((person, status == StatusCode::CREATED))
    }

    /// Erases a person's name and address from the directory.
    pub async fn erase_person(&self, id: &str) -> Result<lofte_proto::people::Person, ClientError> {
        Ok(self.answer(self.http.delete(format!("{}/v1/people/{id}", self.base))).await?.0)
    }

    /// Adds a person on behalf of `coordinator`, a coordinator of the directory (a delegate token
    /// only: the web application's; recorded in the directory's audit as
    /// `person:<id>:via:<token>`); `true` if new.
    pub async fn add_person_for(
        &self,
        coordinator: uuid::Uuid,
        p: &lofte_proto::people::NewPerson,
    ) -> Result<(lofte_proto::people::Person, bool), ClientError> {
        let req = self.http.post(format!("{}/v1/people", self.base)).header(ON_BEHALF_OF, coordinator.to_string());
        let (person, status) = self.answer(req.json(p)).await?;
        Ok((person, status == StatusCode::CREATED))
    }

    /// Sets a person's name (`None`: none), organisations and plans (empty: every plan of their
    /// organisations), on behalf of `coordinator` (as [`LedgerClient::add_person_for`]).
    pub async fn change_person_for(
        &self,
        coordinator: uuid::Uuid,
        id: uuid::Uuid,
        name: Option<&str>,
        orgs: &[lofte_proto::ids::OrgId],
        plans: &[lofte_proto::ids::PlanId],
    ) -> Result<lofte_proto::people::Person, ClientError> {
        let body = serde_json::json!({"name": name, "orgs": orgs, "plans": plans});
        let req = self.http.put(format!("{}/v1/people/{id}", self.base)).header(ON_BEHALF_OF, coordinator.to_string());
        Ok(self.answer(req.json(&body)).await?.0)
    }

    /// Erases a person on behalf of `coordinator` (as [`LedgerClient::add_person_for`]).
    pub async fn erase_person_for(
        &self,
        coordinator: uuid::Uuid,
        id: uuid::Uuid,
    ) -> Result<lofte_proto::people::Person, ClientError> {
        let req =
            self.http.delete(format!("{}/v1/people/{id}", self.base)).header(ON_BEHALF_OF, coordinator.to_string());
        Ok(self.answer(req).await?.0)
    }

    /// Sends `req`: its answer as a `T` with the status, or the problem it is.
    async fn answer<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<(T, StatusCode), ClientError> {
        let resp = req.send().await.map_err(|e| self.unreachable(&e))?;
        let status = resp.status();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(Problem::of(status.as_u16(), &body).into());
        }
        let t = serde_json::from_value(body)
            .map_err(|e| ClientError::Unexpected { base: self.base.clone(), why: e.to_string() })?;
        Ok((t, status))
    }

    /// Who the client's token is: its role and, for a reporter, its organisation.
    pub async fn whoami(&self) -> Result<lofte_service::auth::WhoAmI, ClientError> {
        let body = self.get(&format!("{}/v1/whoami", self.base)).await?;
        serde_json::from_value(body)
            .map_err(|e| ClientError::Unexpected { base: self.base.clone(), why: e.to_string() })
    }

    async fn get(&self, url: &str) -> Result<Value, ClientError> {
        let resp = self.http.get(url).send().await.map_err(|e| self.unreachable(&e))?;
        let status = resp.status();
        let body: Value = resp
            .json()
            .await
            .map_err(|e| ClientError::Unexpected { base: self.base.clone(), why: format!("not JSON: {e}") })?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(Problem::of(status.as_u16(), &body).into())
        }
    }

    fn unreachable(&self, e: &reqwest::Error) -> ClientError {
        let why = if e.is_connect() {
            "connection refused (is lofte-ledger running?)".to_owned()
        } else if e.is_timeout() {
            "no answer in time".to_owned()
        } else {
            e.to_string()
        };
        ClientError::Unreachable { base: self.base.clone(), why }
    }
}
