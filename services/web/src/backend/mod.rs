//! What the web application asks of the other services, with its own token: the people
//! directory and recording (the ledger, through the one typed client), and the plans' follow-up
//! (the projector's summaries, as JSON). It never opens their stores.

use std::time::Duration;

use lofte_ledger_client::{Appended, ClientError, LedgerClient};
use lofte_proto::{
    people::{Person, PersonRole},
    NewEvent,
};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::settings::Settings;

mod actions;
mod audit;
pub use audit::Report;
mod coord;
mod public;

/// Why a read of another service failed.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(transparent)]
    Ledger(#[from] ClientError),
    #[error("the projector at {url}: {why}")]
    Projector { url: String, why: String },
    /// The notifier could not be reached, or answered `status` (a problem's `detail` in `why`).
    #[error("the notifier at {url}: {why}")]
    Notifier { url: String, status: Option<u16>, why: String },
}

/// The ledger and the projector, as the web application reaches them.
#[derive(Debug, Clone)]
pub struct Backend {
    pub ledger: LedgerClient,
    pub(crate) http: reqwest::Client,
    pub(crate) projector: String,
    /// A client without the web application's token: what the public reads (`public.rs`).
    pub(crate) anonymous: reqwest::Client,
    /// The notifier's base URL ("Påminn nu", ADR 0021).
    pub(crate) notifier: String,
    /// The auditors' index of the log, brought forward when read (`audit.rs`, ADR 0020).
    pub(crate) history: crate::history::Shared,
}

impl Backend {
    pub fn new(s: &Settings) -> Result<Backend, reqwest::Error> {
        let mut headers = HeaderMap::new();
        if let Some(t) = &s.token {
            if let Ok(mut v) = HeaderValue::from_str(&format!("Bearer {}", t.expose())) {
                v.set_sensitive(true);
                headers.insert(AUTHORIZATION, v);
            }
        }
        let http = reqwest::Client::builder().default_headers(headers).timeout(Duration::from_secs(10)).build()?;
        Ok(Backend {
            ledger: LedgerClient::new(&s.ledger_url, http.clone()).retry_for(Duration::from_secs(5)),
            http,
            projector: s.projector_url.trim_end_matches('/').to_owned(),
            anonymous: reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?,
            notifier: s.notifier_url.trim_end_matches('/').to_owned(),
            history: Default::default(),
        })
    }

    /// Everyone in the directory.
    pub async fn people(&self) -> Result<Vec<Person>, BackendError> {
        Ok(self.ledger.people().await?)
    }

    /// The person with `id`, unless erased or gone.
    pub async fn person(&self, id: Uuid) -> Result<Option<Person>, BackendError> {
        Ok(self.people().await?.into_iter().find(|p| p.id == id && p.erased_at.is_none()))
    }

    /// Every live directory entry with the address of the person with `id`, that entry first:
    /// one address may be a reporter, a coordinator and an auditor — one entry each (ADR 0017).
    /// Empty: erased or gone.
    pub async fn entries(&self, id: Uuid) -> Result<Vec<Person>, BackendError> {
        let people = self.people().await?;
        let Some(me) = people.iter().find(|p| p.id == id && p.erased_at.is_none()).cloned() else {
            return Ok(vec![]);
        };
        let others: Vec<Person> = people
            .into_iter()
            .filter(|p| p.id != id && p.erased_at.is_none() && p.email.is_some() && p.email == me.email)
            .collect();
        Ok(std::iter::once(me).chain(others).collect())
    }

    /// Who the person with `id` acts as in `role`: the directory's entry of that role with their
    /// address. `None`: erased, gone, or not in that role.
    pub async fn as_role(&self, id: Uuid, role: PersonRole) -> Result<Option<Person>, BackendError> {
        Ok(self.entries(id).await?.into_iter().find(|p| p.role == role))
    }

    /// Who the person with `id` reports as (see [`Backend::as_role`]).
    pub async fn reporter(&self, id: Uuid) -> Result<Option<Person>, BackendError> {
        self.as_role(id, PersonRole::Reporter).await
    }

    /// Records an event of `kind` with `data` in `plan`, for `actor`, on behalf of `person`, once
    /// per form: the idempotency key is the person and the form's nonce `once`.
    pub async fn record_for(
        &self,
        person: Uuid,
        plan: &str,
        actor: &str,
        kind: &str,
        data: Value,
        once: &str,
    ) -> Result<Appended, ClientError> {
        let new: NewEvent =
            serde_json::from_value(json!({"plan": plan, "actor": actor, "kind": kind, "data": data}))
                .map_err(|e| ClientError::Unexpected { base: self.ledger.url().to_owned(), why: e.to_string() })?;
        self.ledger.append_for(person, &new, &format!("web-{person}-{once}")).await
    }

    /// The ids of the plans the projector knows.
    pub async fn plans(&self) -> Result<Vec<String>, BackendError> {
        let v = self.get("/v1/plans").await?;
        Ok(v["plans"].as_array().into_iter().flatten().filter_map(|p| p["plan"].as_str().map(str::to_owned)).collect())
    }

    /// A plan's current summary.
    pub async fn summary(&self, plan: &str) -> Result<Value, BackendError> {
        self.get(&format!("/v1/plans/{plan}/summary")).await
    }

    /// The events behind each figure of an activity's cells (`…/provenance?activity=`).
    pub async fn provenance(&self, plan: &str, activity: &str) -> Result<Value, BackendError> {
        self.get(&format!("/v1/plans/{plan}/provenance?activity={activity}")).await
    }

    /// A JSON answer of the projector, with the web application's token.
    pub(crate) async fn get(&self, path: &str) -> Result<Value, BackendError> {
        let url = format!("{}{path}", self.projector);
        let fail = |why: String| BackendError::Projector { url: url.clone(), why };
        let r = self.http.get(&url).send().await.map_err(|e| fail(e.to_string()))?;
        if !r.status().is_success() {
            return Err(fail(format!("answered {}", r.status())));
        }
        r.json().await.map_err(|e| fail(e.to_string()))
    }
}
