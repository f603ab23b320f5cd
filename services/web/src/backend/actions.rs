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

/// What importing a plan did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Imported {
    /// Events recorded now, and recorded before (the same file imported again).
    pub created: usize,
    pub existing: usize,
    /// People the plan names, and how many were new to the directory.
    pub people: usize,
    pub people_added: usize,
}

/// The idempotency key of one plan event — the plan and a hash of the event's content, as
/// `lofte plan import` makes it — so importing the same file again, here or with the CLI, or
/// confirming twice, records nothing new.
pub fn plan_event_key(plan: &str, event: &lofte_proto::NewEvent) -> String {
    let v = serde_json::to_value(event).unwrap_or(Value::Null);
    format!("plan-import:{plan}:{}", &lofte_proto::Hash::of(&lofte_proto::chain::canonical(&v)).to_string()[..24])
}

impl Backend {
    /// Records the plan's events in order for `actor`, on behalf of `coordinator` (the ledger
    /// checks they may, ADR 0019), then puts the people it names into the directory on their
    /// behalf. Stops at the first refusal (what was recorded before it stays; importing again
    /// records only the rest).
    pub async fn import_plan(
        &self,
        coordinator: Uuid,
        plan: &lofte_proto::planfile::PlanFile,
        actor: &lofte_proto::ids::OrgId,
    ) -> Result<Imported, lofte_ledger_client::ClientError> {
        use lofte_ledger_client::Appended;
        let id = plan.plan_id();
        let mut done = Imported::default();
        for e in plan.events() {
            let new = lofte_proto::command::new_event(id, actor, &e);
            match self.ledger.append_for(coordinator, &new, &plan_event_key(id.as_str(), &new)).await? {
                Appended::Created(_) => done.created += 1,
                Appended::Existing(_) => done.existing += 1,
            }
        }
        for p in plan.people() {
            done.people += 1;
            done.people_added += usize::from(self.ledger.add_person_for(coordinator, p).await?.1);
        }
        Ok(done)
    }
}

impl Backend {
    /// The organisations and plans the People page offers: what the plans' summaries name.
    pub async fn known(&self) -> Result<crate::people_form::Known, BackendError> {
        let mut summaries = vec![];
        for id in self.plans().await? {
            summaries.push(self.summary(&id).await?);
        }
        Ok(crate::people_form::Known::of(&summaries))
    }
}
