//! Recording through the ledger: `reminder_sent` and `reminder_failed`, built as `lofte_proto`'s
//! typed events and appended with the one ledger client (`lofte-ledger-client`) under an
//! idempotency key derived from the [`SentKey`], so recording twice returns the original event.
//!
//! They are recorded on behalf of the plan's first coordinator organisation ([`actor_for`]): a
//! stand-in until the notifier has a `service` principal of its own (issue 7).

use lofte_ledger_client::{ClientError, LedgerClient};
use lofte_proto::{
    command::new_event,
    event::{ReminderFailed, ReminderSent},
    ids::{ActivityId, OrgId, PlanId, SlugError, TargetId},
    plan::PlanBook,
    text::{Line, TextError},
    Event,
};

use crate::key::SentKey;

/// Why an event was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The ledger could not be reached, or refused (its problem, typed).
    #[error(transparent)]
    Ledger(#[from] ClientError),
    #[error("the occasion {occasion:?} is not an id: {source}")]
    Occasion { occasion: String, source: SlugError },
    #[error("a text of the event: {0}")]
    Text(#[from] TextError),
}

/// The organisation a plan's reminders are recorded for: its first coordinator's, or else its
/// first actor.
pub fn actor_for(book: &PlanBook, plan: &PlanId) -> Option<OrgId> {
    let state = book.get(plan)?;
    state.coordinators.first().map(|c| c.org.clone()).or_else(|| state.actors.keys().next().cloned())
}

/// Appends the notifier's events to one ledger.
#[derive(Debug, Clone)]
pub struct Recorder {
    ledger: LedgerClient,
}

impl Recorder {
    /// Records into the ledger at `ledger_url`, sending `token` (a `service` token) if set.
    pub fn new(ledger_url: &str, token: Option<&lofte_service::auth::Secret>) -> Result<Recorder, reqwest::Error> {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(v) = token.and_then(lofte_service::auth::Secret::bearer) {
            headers.insert(reqwest::header::AUTHORIZATION, v);
        }
        let http = reqwest::Client::builder().default_headers(headers).build()?;
        // A tick does not wait for a busy ledger: what is not recorded now is on the next tick.
        let ledger = LedgerClient::new(ledger_url, http).retry_for(std::time::Duration::ZERO);
        Ok(Recorder { ledger })
    }

    /// The people directory, as the ledger has it now.
    pub async fn people(&self) -> Result<crate::people::People, ClientError> {
        Ok(crate::people::People(self.ledger.people().await?))
    }

    /// Records that the mail `message_id` listing `activities` went out for `key`.
    pub async fn sent(
        &self,
        key: &SentKey,
        actor: &OrgId,
        message_id: &str,
        activities: &[ActivityId],
    ) -> Result<(), RecordError> {
        self.append(key, actor, &sent_event(key, message_id, activities)?).await
    }

    /// Records that the mail for `key` failed `attempts` times, the last with `error`.
    pub async fn failed(&self, key: &SentKey, actor: &OrgId, attempts: u32, error: &str) -> Result<(), RecordError> {
        self.append(key, actor, &failed_event(key, attempts, error)?).await
    }

    async fn append(&self, key: &SentKey, actor: &OrgId, event: &Event) -> Result<(), RecordError> {
        let idempotency = format!("{}:{key}", event.kind());
        self.ledger.append(&new_event(&key.plan, actor, event), &idempotency).await?;
        Ok(())
    }
}

/// `reminder_sent` for `key`.
fn sent_event(key: &SentKey, message_id: &str, activities: &[ActivityId]) -> Result<Event, RecordError> {
    Ok(Event::ReminderSent(ReminderSent {
        tertial: key.tertial,
        occasion: occasion(key)?,
        person: key.person,
        message_id: Line::new(message_id)?,
        activities: activities.to_vec(),
    }))
}

/// `reminder_failed` for `key`, with the last error made one printable line.
fn failed_event(key: &SentKey, attempts: u32, error: &str) -> Result<Event, RecordError> {
    Ok(Event::ReminderFailed(ReminderFailed {
        tertial: key.tertial,
        occasion: occasion(key)?,
        person: key.person,
        attempts,
        error: error_line(error)?,
    }))
}

fn occasion(key: &SentKey) -> Result<TargetId, RecordError> {
    TargetId::new(key.occasion.as_str())
        .map_err(|source| RecordError::Occasion { occasion: key.occasion.clone(), source })
}

/// An error as one printable line of at most [`Line::MAX`] characters.
fn error_line(error: &str) -> Result<Line, TextError> {
    let printable: String = error.chars().filter(|c| !c.is_control()).take(Line::MAX).collect();
    Line::new(printable).or_else(|_| Line::new("the mail could not be delivered"))
}

#[cfg(test)]
mod tests {
    use lofte_proto::command::parse_command;

    use super::*;

    fn key() -> SentKey {
        SentKey {
            plan: "jonkoping-2022".parse().unwrap(),
            tertial: "2022-T1".parse().unwrap(),
            occasion: "due-14".into(),
            person: uuid::Uuid::from_u128(7),
        }
    }

    /// What the ledger parses is the event built: the body of `POST /v1/events`.
    fn as_the_ledger_reads_it(event: &Event) -> Event {
        let actor = "kommunen".parse().unwrap();
        let body = serde_json::to_vec(&new_event(&key().plan, &actor, event)).unwrap();
        parse_command(&body).unwrap().event
    }

    #[test]
    fn reminder_sent_is_what_the_ledger_reads() {
        let e = sent_event(&key(), "<due-14.abc@lofte>", &["est".parse().unwrap()]).unwrap();
        assert_eq!(as_the_ledger_reads_it(&e), e);
        assert!(matches!(
            sent_event(&SentKey { occasion: "Due 14".into(), ..key() }, "<x@lofte>", &[]),
            Err(RecordError::Occasion { .. })
        ));
    }

    #[test]
    fn reminder_failed_carries_the_error_as_one_printable_line() {
        let long = format!("SMTP: 550\r\nmailbox unavailable {}", "x".repeat(400));
        let e = failed_event(&key(), 5, &long).unwrap();
        assert_eq!(as_the_ledger_reads_it(&e), e);
        let Event::ReminderFailed(f) = &e else { panic!("{e:?}") };
        assert!(f.error.as_str().starts_with("SMTP: 550mailbox unavailable"), "{}", f.error);
        assert_eq!(f.error.as_str().chars().count(), Line::MAX);
        let Event::ReminderFailed(blank) = failed_event(&key(), 5, "\r\n").unwrap() else { panic!() };
        assert_eq!(blank.error.as_str(), "the mail could not be delivered");
    }
}
