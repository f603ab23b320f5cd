//! A manual reminder ("Påminn nu", ADR 0021) under the ticks' once-only machinery: in the tick's
//! turn (so never at once with a tick or another request), what is owed is decided, every mail
//! whose keys were not kept yet is sent, kept durably, then recorded as `reminder_sent` — the
//! same path as a scheduled reminder's, under an occasion of the request's own
//! ([`remind::occasion_for`]). The same idempotency key asked again finds its keys kept and
//! sends nothing; what failed to go is sent when the same key is asked again.

use jiff::civil::Date;
use lofte_proto::{ids::PlanId, Tertial};
use serde::Serialize;
use uuid::Uuid;

use super::{Notifier, TickError, TRIES_PER_TICK};
use crate::{
    compose::Links,
    message::build,
    remind::{self, Planned},
    store::Sent,
};

/// Why a manual reminder was not sent.
#[derive(Debug, thiserror::Error)]
pub enum RemindError {
    #[error("no plan {0}")]
    NoPlan(String),
    /// The person asked for is not a coordinator of the plan in the directory.
    #[error("person {0} is not a coordinator of this plan")]
    NotCoordinator(Uuid),
    #[error(transparent)]
    Tick(#[from] TickError),
}

/// What a manual reminder did (or, previewed, would do) for one reporter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Previewed: a mail would go.
    Would,
    Sent,
    /// Sent earlier for the same request: not again.
    Already,
    /// Not delivered; asking again with the same key tries again.
    Failed,
}

/// One reporter a manual reminder is for.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ToReporter {
    #[schema(value_type = String, format = Uuid)]
    pub person: Uuid,
    /// The organisations whose follow-ups the mail lists.
    #[schema(value_type = Vec<String>)]
    pub orgs: Vec<String>,
    /// The tertials it is about.
    #[schema(value_type = Vec<String>)]
    pub tertials: Vec<Tertial>,
    pub outcome: Outcome,
}

/// One follow-up owed now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OwedNow {
    #[schema(value_type = String)]
    pub tertial: Tertial,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    #[schema(value_type = String)]
    pub org: String,
    pub org_name: String,
    #[schema(value_type = String)]
    pub activity: String,
    pub activity_title: String,
}

/// A manual reminder, previewed or done.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reminded {
    #[schema(value_type = String)]
    pub plan: PlanId,
    #[schema(value_type = String, format = Date)]
    pub today: Date,
    /// The request's occasion, as recorded in `reminder_sent` (none when previewed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occasion: Option<String>,
    pub owed: Vec<OwedNow>,
    pub reporters: Vec<ToReporter>,
}

impl Notifier {
    /// Reminds the reporters of `plan` who owe a follow-up on the day `today` gives, once per
    /// `key`; without a key, says what it would do and sends nothing. `by`: the coordinator
    /// asking through a delegate token, checked against the directory.
    pub async fn remind(
        &self,
        plan: &PlanId,
        key: Option<&str>,
        by: Option<Uuid>,
        today: impl FnOnce() -> Date,
    ) -> Result<Reminded, RemindError> {
        let _turn = self.turn.lock().await;
        if !self.follow.rebuilt_within(super::REBUILD_WAIT).await {
            return Err(TickError::Rebuilding.into());
        }
        let today = today();
        let plans = self.plans(today)?;
        let Some(now) = plans.get(plan) else { return Err(RemindError::NoPlan(plan.to_string())) };
        let people = self.people().await?;
        if let Some(by) = by {
            if !people.coordinators(plan, &now.state).iter().any(|c| c.person == by) {
                return Err(RemindError::NotCoordinator(by));
            }
        }
        let (owed, planned) = remind::owed_now(plan, now, &people, today, &self.settings.reminders);
        let owed = owed
            .into_iter()
            .map(|o| OwedNow {
                tertial: o.tertial,
                due: o.due,
                org: o.org.to_string(),
                org_name: o.org_name,
                activity: o.activity.to_string(),
                activity_title: o.activity_title,
            })
            .collect();
        let occasion = key.map(remind::occasion_for);
        let mut done = Reminded { plan: plan.clone(), today, occasion: occasion.clone(), owed, reporters: vec![] };
        let Some(occasion) = occasion else {
            done.reporters = planned.iter().map(|p| reporter(p, Outcome::Would)).collect();
            return Ok(done);
        };
        let book = super::plan_book(&plans);
        let mut kept = self.store.sent_keys().map_err(TickError::from)?;
        kept.extend(now.sent.iter().cloned());
        let links = Links::for_plan(
            plan,
            Some(&now.state),
            &people,
            &self.settings.projector_url,
            self.settings.web_url.as_deref(),
        );
        for p in &planned {
            let keys = p.keys(&occasion);
            if keys.iter().all(|k| kept.contains(k)) {
                done.reporters.push(reporter(p, Outcome::Already));
                continue;
            }
            let composed = remind::compose(p, &occasion, today, &links);
            let msg = build(&composed, &self.settings.from).map_err(TickError::from)?;
            if let Err(e) = self.mailer.send_with_retries(&msg, TRIES_PER_TICK).await {
                tracing::warn!(to = %p.to.person, %occasion, error = %e, "manual reminder not delivered");
                done.reporters.push(reporter(p, Outcome::Failed));
                continue;
            }
            // Kept durably before it is recorded: never sent again for this request.
            let sends: Vec<_> = keys
                .iter()
                .map(|k| {
                    let s = Sent {
                        message_id: composed.message_id.clone(),
                        activities: p.activities_for(k),
                        recorded: false,
                    };
                    (k, s)
                })
                .collect();
            for (k, s) in &sends {
                self.store.keep(k, s).map_err(TickError::from)?;
            }
            self.store.flush().await.map_err(TickError::from)?;
            for (k, s) in sends {
                self.record(&book, k, s).await?;
            }
            done.reporters.push(reporter(p, Outcome::Sent));
        }
        Ok(done)
    }
}

fn reporter(p: &Planned, outcome: Outcome) -> ToReporter {
    let mut orgs: Vec<String> = p.items.iter().map(|i| i.org.to_string()).collect();
    orgs.sort();
    orgs.dedup();
    let mut tertials: Vec<Tertial> = p.items.iter().map(|i| i.tertial).collect();
    tertials.sort();
    tertials.dedup();
    ToReporter { person: p.to.person, orgs, tertials, outcome }
}
