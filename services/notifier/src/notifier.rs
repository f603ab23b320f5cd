//! One tick of the notifier: what is due today (the schedule), composed, sent with a few quick
//! retries, and recorded. Each send is first kept in the notifier's own sled state (so it is never
//! sent again, even if the ledger is away), then recorded through the ledger as `reminder_sent`
//! with an idempotency key derived from the occasion. A mail that keeps failing is retried on later
//! ticks; after `max_attempts` a `reminder_failed` event is recorded once.
//!
//! Ticks run one at a time. Posted ticks and the periodic one may be asked for at once, and a
//! tick decides what is already sent before it sends; so each holds one turn across deciding,
//! sending and keeping, and the next sees what it kept.
//!
//! The one window that cannot be closed over SMTP: a crash after the server accepted a mail and
//! before the local record. The restarted notifier sends it again — with the same Message-ID,
//! derived from recipient, occasion, plan and tertial, so mail clients and servers that
//! deduplicate by Message-ID show it once, and any reader can see it is the same mail. The file
//! transport has no such window: a mail's file is named by its Message-ID and never written twice.

use std::{collections::BTreeSet, time::Duration};

use jiff::civil::Date;
use lofte_projector::views::Views;
use lofte_proto::{envelope::Envelope, ids::PlanId, plan::PlanBook};
use serde_json::json;

use crate::{
    compose::{escalation, reminder, Links},
    mailer::Mailer,
    message::build,
    schedule::{due_today, Due, SentKey},
    settings::Settings,
};

/// What a tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TickReport {
    /// The local business date it ran for.
    pub today: Date,
    pub sent: usize,
    pub failed: usize,
    pub recorded: usize,
}

/// The notifier's working parts.
#[derive(Debug)]
pub struct Notifier {
    pub settings: Settings,
    pub views: Views,
    pub mailer: Mailer,
    pub state: sled::Tree,
    pub http: reqwest::Client,
    /// Held by the running tick, from deciding what is due until what it sent is kept.
    turn: tokio::sync::Mutex<()>,
}

fn key(k: &SentKey) -> String {
    format!("{}|{}|{}|{}", k.0, k.1, k.2, k.3)
}

fn parse_key(s: &str) -> Option<SentKey> {
    let mut p = s.splitn(4, '|');
    Some((
        p.next()?.parse().ok()?,
        p.next()?.parse().ok()?,
        p.next()?.to_owned(),
        lofte_proto::text::Email::new(p.next()?).ok()?,
    ))
}

impl Notifier {
    pub fn new(settings: Settings, views: Views, mailer: Mailer, state: sled::Tree, http: reqwest::Client) -> Self {
        Notifier { settings, views, mailer, state, http, turn: tokio::sync::Mutex::new(()) }
    }

    /// Sends and records what is due, once it is this tick's turn, on the day `today` gives then
    /// (so a tick that waited never runs for a day older than the clock's).
    pub async fn tick(&self, today: impl FnOnce() -> Date) -> Result<TickReport, String> {
        let _turn = self.turn.lock().await;
        self.tick_in_turn(today()).await
    }

    fn events(&self) -> Result<Vec<Envelope>, String> {
        let mut all = vec![];
        for plan in self.views.plans().map_err(|e| e.to_string())? {
            all.extend(self.views.events(&plan).map_err(|e| e.to_string())?);
        }
        Ok(all)
    }

    /// Sends and records what is due on `today`; only while holding the turn.
    async fn tick_in_turn(&self, today: Date) -> Result<TickReport, String> {
        let mut report = TickReport { today, ..TickReport::default() };
        let events = self.events()?;
        let mut book = PlanBook::default();
        for e in &events {
            if e.kind().is_plan_change() {
                book.apply(&e.plan, &e.event, e.recorded_at);
            }
        }
        let actor_of = |plan: &PlanId| {
            book.get(plan)
                .and_then(|s| s.coordinators.first().map(|c| c.org.clone()).or_else(|| s.actors.keys().next().cloned()))
        };
        // Sends kept locally but not yet in the ledger: record them now.
        for item in self.state.scan_prefix(b"s/") {
            let (k, v) = item.map_err(|e| e.to_string())?;
            if v.first() == Some(&0) {
                let text = String::from_utf8_lossy(&k[2..]).into_owned();
                let kept = String::from_utf8_lossy(&v[1..]).into_owned();
                let (msg_id, acts) = kept.split_once('\n').unwrap_or((kept.as_str(), ""));
                let acts: Vec<String> = acts.split(',').filter(|a| !a.is_empty()).map(str::to_owned).collect();
                if let Some(sk) = parse_key(&text) {
                    if let Some(actor) = actor_of(&sk.0) {
                        if self.record(&sk, &actor, "reminder_sent", msg_id, &acts).await.is_ok() {
                            self.state.insert(&k, &[1u8][..]).map_err(|e| e.to_string())?;
                            report.recorded += 1;
                        }
                    }
                }
            }
        }
        let kept: BTreeSet<SentKey> = self
            .state
            .scan_prefix(b"s/")
            .filter_map(|r| r.ok())
            .filter_map(|(k, _)| parse_key(&String::from_utf8_lossy(&k[2..])))
            .collect();
        let links = |plan: &PlanId| Links {
            projector: self.settings.projector_url.clone(),
            contact: book
                .get(plan)
                .and_then(|s| s.coordinators.first())
                .map_or_else(|| "samordnaren".to_owned(), |c| format!("{} <{}>", c.name, c.email)),
        };
        for due in due_today(&events, today, &self.settings.reminders, &kept) {
            let Some(first) = due.items.first() else { continue };
            let composed = if due.occasion.is_escalation() {
                escalation(&due.to, due.occasion, &due.items, &links(&first.plan))
            } else {
                reminder(&due.to, due.occasion, &due.items, &links(&first.plan))
            };
            let keys = keys_of(&due);
            let msg = build(&composed, &self.settings.from).map_err(|e| e.to_string())?;
            match self.send_with_retries(msg).await {
                Ok(()) => {
                    report.sent += 1;
                    for k in &keys {
                        // Kept first (durably), so a crash from here on never sends it again.
                        let acts = activities_of(&due, k).join(",");
                        let v = [&[0u8][..], composed.message_id.as_bytes(), b"\n", acts.as_bytes()].concat();
                        self.state.insert(format!("s/{}", key(k)), v).map_err(|e| e.to_string())?;
                    }
                    self.state.flush_async().await.map_err(|e| e.to_string())?;
                    for k in &keys {
                        let Some(actor) = actor_of(&k.0) else { continue };
                        let acts = activities_of(&due, k);
                        if self.record(k, &actor, "reminder_sent", &composed.message_id, &acts).await.is_ok() {
                            self.state.insert(format!("s/{}", key(k)), &[1u8][..]).map_err(|e| e.to_string())?;
                            report.recorded += 1;
                        }
                    }
                }
                Err(e) => {
                    report.failed += 1;
                    tracing::warn!(to = %due.to, occasion = %due.occasion.id(), error = %e, "mail not delivered; will retry");
                    for k in &keys {
                        let n = self.bump_attempts(k)?;
                        if n == self.settings.max_attempts {
                            if let Some(actor) = actor_of(&k.0) {
                                let _ = self.record(k, &actor, "reminder_failed", &e, &[]).await;
                            }
                            // Tell the plan's coordinators, once, when mail can be sent again.
                            for c in book.get(&k.0).map(|s| s.coordinators.clone()).unwrap_or_default() {
                                let note = format!("n/{}|{}", key(k), c.email);
                                self.state.insert(note, e.as_bytes()).map_err(|e| e.to_string())?;
                            }
                        }
                    }
                }
            }
        }
        report.sent += self.send_failure_notes().await?;
        Ok(report)
    }

    /// Sends the notes about mails that failed `max_attempts` times, each once.
    async fn send_failure_notes(&self) -> Result<usize, String> {
        let mut sent = 0;
        for item in self.state.scan_prefix(b"n/") {
            let (k, v) = item.map_err(|e| e.to_string())?;
            let text = String::from_utf8_lossy(&k[2..]).into_owned();
            let Some((about, coordinator)) = text.rsplit_once('|') else { continue };
            let (Some(sk), Ok(to)) = (parse_key(about), lofte_proto::text::Email::new(coordinator)) else { continue };
            let composed =
                crate::compose::failure_note(&to, &sk, &String::from_utf8_lossy(&v), self.settings.max_attempts);
            let msg = build(&composed, &self.settings.from).map_err(|e| e.to_string())?;
            if self.mailer.send(msg).await.is_ok() {
                self.state.remove(&k).map_err(|e| e.to_string())?;
                sent += 1;
            }
        }
        Ok(sent)
    }

    async fn send_with_retries(&self, msg: lettre::Message) -> Result<(), String> {
        let mut backoff = lofte_service::retry::Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        let mut last = String::new();
        for _ in 0..3 {
            match self.mailer.send(msg.clone()).await {
                Ok(()) => return Ok(()),
                Err(e) => last = e,
            }
            tokio::time::sleep(backoff.pause()).await;
        }
        Err(last)
    }

    fn bump_attempts(&self, k: &SentKey) -> Result<u32, String> {
        let name = format!("a/{}", key(k));
        let n = self
            .state
            .get(&name)
            .map_err(|e| e.to_string())?
            .and_then(|v| v.as_ref().try_into().ok())
            .map_or(0, u32::from_be_bytes)
            + 1;
        self.state.insert(name, &n.to_be_bytes()[..]).map_err(|e| e.to_string())?;
        Ok(n)
    }

    /// Records `kind` for `k` through the ledger, idempotently.
    async fn record(
        &self,
        k: &SentKey,
        actor: &lofte_proto::ids::OrgId,
        kind: &str,
        detail: &str,
        activities: &[String],
    ) -> Result<(), String> {
        let data = if kind == "reminder_sent" {
            json!({"tertial": k.1, "occasion": k.2, "recipient": k.3, "message_id": detail, "activities": activities})
        } else {
            let error: String = detail.chars().filter(|c| !c.is_control()).take(300).collect();
            json!({"tertial": k.1, "occasion": k.2, "recipient": k.3, "attempts": self.settings.max_attempts, "error": error})
        };
        let body = json!({"plan": k.0, "actor": actor, "kind": kind, "data": data});
        let resp = self
            .http
            .post(format!("{}/v1/events", self.settings.ledger_url.trim_end_matches('/')))
            .header("Idempotency-Key", format!("{kind}:{}", key(k)))
            .json(&body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(format!("the ledger answered {}: {}", resp.status(), resp.text().await.unwrap_or_default()))
        }
    }
}

/// The activities a mail listed for one (plan, tertial).
fn activities_of(due: &Due, k: &SentKey) -> Vec<String> {
    let mut a: Vec<String> =
        due.items.iter().filter(|i| i.plan == k.0 && i.tertial == k.1).map(|i| i.activity.to_string()).collect();
    a.sort();
    a.dedup();
    a
}

fn keys_of(due: &Due) -> Vec<SentKey> {
    let mut keys: Vec<SentKey> =
        due.items.iter().map(|i| (i.plan.clone(), i.tertial, due.occasion.id(), due.to.clone())).collect();
    keys.sort();
    keys.dedup();
    keys
}
