//! A mail that keeps failing: each failed tick counts an attempt for every key it covers; at
//! `max_attempts` the notifier records `reminder_failed` (once: the idempotency key) and owes the
//! plan's coordinators a note, sent once when mail can be sent again. The mail itself stays due
//! and goes out once the server is back.

use lofte_proto::plan::PlanBook;

use crate::people::People;

use crate::{
    compose::failure_note,
    error::TickError,
    key::SentKey,
    mailer::Mailer,
    message::build,
    record::{actor_for, Recorder},
    store::{Note, Store},
};

/// The parts a tick deals with failures with.
#[derive(Debug, Clone, Copy)]
pub struct Failures<'a> {
    pub store: &'a Store,
    pub recorder: &'a Recorder,
    pub mailer: &'a Mailer,
    /// The sender of the notes.
    pub from: &'a str,
    pub max_attempts: u32,
}

impl Failures<'_> {
    /// Counts a failed attempt for each of `keys`; at `max_attempts`, records it and owes the
    /// coordinators of its plan a note.
    pub async fn undelivered(
        &self,
        book: &PlanBook,
        people: &People,
        keys: &[SentKey],
        error: &str,
    ) -> Result<(), TickError> {
        for key in keys {
            if self.store.count_attempt(key)? != self.max_attempts {
                continue;
            }
            if let Some(actor) = actor_for(book, &key.plan) {
                if let Err(e) = self.recorder.failed(key, &actor, self.max_attempts, error).await {
                    tracing::warn!(%key, error = %e, "reminder_failed not recorded");
                }
            }
            let coordinators = book.get(&key.plan).map(|s| people.coordinators(&key.plan, s)).unwrap_or_default();
            for c in coordinators {
                self.store.owe_note(&Note { about: key.clone(), to: c.person }, error)?;
            }
        }
        Ok(())
    }

    /// Sends the notes owed, each once, to the addresses the directory has now; returns how many
    /// went out. A note about or to someone erased meanwhile is dropped.
    pub async fn send_notes(&self, people: &People) -> Result<usize, TickError> {
        let mut sent = 0;
        for (note, error) in self.store.notes()? {
            let (Some(to), Some(about)) = (people.email(&note.to), people.email(&note.about.person)) else {
                self.store.note_sent(&note)?;
                continue;
            };
            let composed = failure_note(to, &note.about, about, &error, self.max_attempts);
            if self.mailer.send(build(&composed, self.from)?).await.is_ok() {
                self.store.note_sent(&note)?;
                sent += 1;
            }
        }
        Ok(sent)
    }
}
