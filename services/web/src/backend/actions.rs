//! What the coordinators' actions (Påminn nu, importing a plan, the people directory) ask of the
//! other services: the notifier sends reminders now (it owns mail and their recording, ADR 0021);
//! the ledger records a plan's events and changes the directory, each on behalf of the
//! coordinator signed in (ADR 0019).

use reqwest::Method;
use serde_json::Value;
use uuid::Uuid;

use super::{Backend, BackendError};

/// The header naming the person a delegate token acts for (ADR 0019).
const ON_BEHALF_OF: &str = "Lofte-On-Behalf-Of";

impl Backend {
    /// Who owes a follow-up of `plan` now and which reporters a reminder now would reach, as the
    /// notifier says, asked for `coordinator`.
    pub async fn remind_preview(&self, plan: &str, coordinator: Uuid) -> Result<Value, BackendError> {
        self.ask_notifier(Method::GET, plan, coordinator, None).await
    }

    /// Reminds them now, once per form: the notifier's idempotency key is the coordinator and the
    /// form's nonce `once`, so a double click — or going back and sending again — sends once.
    pub async fn remind_now(&self, plan: &str, coordinator: Uuid, once: &str) -> Result<Value, BackendError> {
        self.ask_notifier(Method::POST, plan, coordinator, Some(&format!("web-{coordinator}-{once}"))).await
    }

    async fn ask_notifier(
        &self,
        method: Method,
        plan: &str,
        coordinator: Uuid,
        key: Option<&str>,
    ) -> Result<Value, BackendError> {
        let url = format!("{}/v1/plans/{plan}/remind", self.notifier);
        let fail = |status: Option<u16>, why: String| BackendError::Notifier { url: url.clone(), status, why };
        // Sending waits for a running tick and for the mails: longer than a read.
        let mut req = self
            .http
            .request(method, &url)
            .header(ON_BEHALF_OF, coordinator.to_string())
            .timeout(std::time::Duration::from_secs(60));
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        let r = req.send().await.map_err(|e| fail(None, e.to_string()))?;
        let status = r.status();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            let why = body["detail"].as_str().map_or_else(|| format!("answered {status}"), str::to_owned);
            return Err(fail(Some(status.as_u16()), why));
        }
        Ok(body)
    }
}
