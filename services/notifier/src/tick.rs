//! One tick of the notifier, which only orchestrates: bring each plan's kept fold forward from the
//! views ([`schedule::plan_now`]); record what was kept but is not in the ledger yet
//! ([`record`]); for each mail due today ([`schedule`]), compose it ([`compose`]), send it with a
//! few quick retries ([`mailer`]), keep it ([`store`]) and record it; count what failed
//! ([`failures`]).
//!
//! A send is kept, durably, before it is recorded, so it is never sent again even if the ledger is
//! away. Ticks run one at a time: posted ticks and the periodic one may be asked for at once, and
//! a tick decides what is already sent before it sends; so each holds one turn across deciding,
//! sending and keeping, and the next sees what it kept.
//!
//! The one window that cannot be closed over SMTP: a crash after the server accepted a mail and
//! before it is kept. The restarted notifier sends it again — with the same Message-ID, derived
//! from recipient, occasion, plan and tertial, so mail clients and servers that deduplicate by
//! Message-ID show it once, and any reader can see it is the same mail. The file transport has no
//! such window: a mail's file is named by its Message-ID and never written twice.
//!
//! [`schedule`]: crate::schedule
//! [`schedule::plan_now`]: crate::schedule::plan_now
//! [`record`]: crate::record
//! [`compose`]: crate::compose
//! [`mailer`]: crate::mailer
//! [`store`]: crate::store
//! [`failures`]: crate::failures

mod manual;

pub use manual::{Outcome, OwedNow, RemindError, Reminded, ToReporter};

use jiff::civil::Date;
use lofte_follow::{FollowHandle, KeptFolds, RebuildError, Views};
use lofte_proto::plan::PlanBook;

use crate::{
    compose::{escalation, reminder, Links},
    error::TickError,
    failures::Failures,
    key::SentKey,
    mailer::Mailer,
    message::build,
    people::People,
    record::{actor_for, Recorder},
    schedule::{due_today, plan_book, plan_now, Due, Plans},
    settings::Settings,
    store::{Sent, Store},
};

/// How long a tick waits for a rebuild under way to end before it gives up (`rebuilding`).
const REBUILD_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Tries per mail within one tick; later ticks try again.
const TRIES_PER_TICK: u32 = 3;

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
    settings: Settings,
    views: Views,
    /// Each plan's fold, brought forward from the views at every tick (ADR 0018).
    kept: KeptFolds,
    store: Store,
    mailer: Mailer,
    recorder: Recorder,
    /// The follower of the stream: whether the views are being rebuilt.
    follow: FollowHandle,
    /// The people directory as last read from the ledger.
    last_people: tokio::sync::Mutex<Option<People>>,
    /// Held by the running tick, from deciding what is due until what it sent is kept.
    turn: tokio::sync::Mutex<()>,
}

impl Notifier {
    pub fn new(
        settings: Settings,
        views: Views,
        store: Store,
        mailer: Mailer,
        recorder: Recorder,
        follow: FollowHandle,
    ) -> Self {
        Notifier {
            settings,
            kept: KeptFolds::new(views.clone()),
            views,
            store,
            mailer,
            recorder,
            follow,
            last_people: tokio::sync::Mutex::new(None),
            turn: tokio::sync::Mutex::new(()),
        }
    }

    /// Sends and records what is due, once it is this tick's turn, on the day `today` gives then
    /// (so a tick that waited never runs for a day older than the clock's). Not while the views
    /// are being rebuilt: with part of the history, a follow-up reported long ago looks due.
    pub async fn tick(&self, today: impl FnOnce() -> Date) -> Result<TickReport, TickError> {
        let _turn = self.turn.lock().await;
        // A rebuild of a year's log takes well under a second: wait for it, a little.
        if !self.follow.rebuilt_within(REBUILD_WAIT).await {
            return Err(TickError::Rebuilding);
        }
        self.tick_in_turn(today()).await
    }

    /// Drops the views and replays the stream, between ticks: a running tick ends first, and no
    /// tick runs until the views hold the whole stream again.
    pub async fn rebuild(&self) -> Result<(), RebuildError> {
        let _turn = self.turn.lock().await;
        self.follow.rebuild().await
    }

    /// Sends and records what is due on `today`; only while holding the turn.
    async fn tick_in_turn(&self, today: Date) -> Result<TickReport, TickError> {
        let mut report = TickReport { today, ..TickReport::default() };
        let plans = self.plans(today)?;
        let book = plan_book(&plans);
        let people = self.people().await?;
        for (key, sent) in self.store.unrecorded()? {
            report.recorded += usize::from(self.record(&book, &key, sent).await?);
        }
        let kept = self.store.sent_keys()?;
        for due in due_today(&plans, &people, today, &self.settings.reminders, &kept) {
            let Some(first) = due.items.first() else { continue };
            let links = Links::for_plan(
                &first.plan,
                book.get(&first.plan),
                &people,
                &self.settings.projector_url,
                self.settings.web_url.as_deref(),
            );
            let composed = if due.occasion.is_escalation() {
                escalation(&due.to, due.occasion, &due.items, &links)
            } else {
                reminder(&due.to, due.occasion, &due.items, &links)
            };
            let msg = build(&composed, &self.settings.from)?;
            let keys = due.keys();
            match self.mailer.send_with_retries(&msg, TRIES_PER_TICK).await {
                Ok(()) => {
                    report.sent += 1;
                    report.recorded += self.keep_and_record(&book, &due, &keys, &composed.message_id).await?;
                }
                Err(e) => {
                    report.failed += 1;
                    tracing::warn!(to = %due.to.person, occasion = %due.occasion.id(), error = %e, "mail not delivered; will retry");
                    self.failures().undelivered(&book, &people, &keys, &e.to_string()).await?;
                }
            }
        }
        report.sent += self.failures().send_notes(&people).await?;
        Ok(report)
    }

    /// Who gets mail, read from the directory at every tick (an erased person gets none from the
    /// next tick on). While the ledger cannot be reached, the last directory read is used, so mail
    /// still goes out; before any has been read, the tick fails and the next one tries again.
    async fn people(&self) -> Result<People, TickError> {
        let read = self.recorder.people().await;
        let mut last = self.last_people.lock().await;
        match read {
            Ok(p) => {
                *last = Some(p.clone());
                Ok(p)
            }
            Err(e) => match last.as_ref() {
                Some(p) => {
                    tracing::warn!(error = %e, "the people directory cannot be read; using the last one read");
                    Ok(p.clone())
                }
                None => Err(TickError::People(e)),
            },
        }
    }

    /// Every plan in the views, from its kept fold (brought forward from what the views took
    /// since the last tick: a tick costs what the plans' sizes cost, not their history).
    fn plans(&self, today: Date) -> Result<Plans, TickError> {
        let mut plans = Plans::new();
        for plan in self.views.plans()? {
            if let Some(now) = self.kept.with(&plan, |f| plan_now(f, today))? {
                plans.insert(plan, now);
            }
        }
        Ok(plans)
    }

    /// Keeps the mail `message_id` sent for each of `keys` — durably first, so a crash from here
    /// on never sends it again — then records them; returns how many were recorded.
    async fn keep_and_record(
        &self,
        book: &PlanBook,
        due: &Due,
        keys: &[SentKey],
        message_id: &str,
    ) -> Result<usize, TickError> {
        let sends: Vec<(&SentKey, Sent)> = keys
            .iter()
            .map(|k| {
                (k, Sent { message_id: message_id.to_owned(), activities: due.activities_for(k), recorded: false })
            })
            .collect();
        for (key, sent) in &sends {
            self.store.keep(key, sent)?;
        }
        self.store.flush().await?;
        let mut recorded = 0;
        for (key, sent) in sends {
            recorded += usize::from(self.record(book, key, sent).await?);
        }
        Ok(recorded)
    }

    /// Records a kept send as `reminder_sent` and marks it recorded; whether it was. A ledger that
    /// is away is tried again on the next tick.
    async fn record(&self, book: &PlanBook, key: &SentKey, sent: Sent) -> Result<bool, TickError> {
        let Some(actor) = actor_for(book, &key.plan) else { return Ok(false) };
        match self.recorder.sent(key, &actor, &sent.message_id, &sent.activities).await {
            Ok(()) => {
                self.store.keep(key, &Sent { recorded: true, ..sent })?;
                Ok(true)
            }
            Err(e) => {
                tracing::warn!(%key, error = %e, "reminder_sent not recorded yet; will retry");
                Ok(false)
            }
        }
    }

    fn failures(&self) -> Failures<'_> {
        Failures {
            store: &self.store,
            recorder: &self.recorder,
            mailer: &self.mailer,
            from: &self.settings.from,
            max_attempts: self.settings.max_attempts,
        }
    }
}
