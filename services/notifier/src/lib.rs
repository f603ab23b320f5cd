//! # lofte-notifier
//!
//! Reminds the reporters who still owe a tertial's follow-up, and escalates to the plan's
//! coordinators after the due date; each mail goes once and is recorded in the ledger.
//!
//! - [`schedule`] (pure): what is due today, from the log — the calendar is
//!   `lofte_proto::calendar`, who owes what comes from the shared fold — skipping every
//!   [`key::SentKey`] already sent.
//! - [`compose`] (pure): the mails in Swedish, plain text and HTML, with a Message-ID derived from
//!   the occasion ([`swedish`]: dates as Swedes write them); [`message`] builds them for lettre.
//! - [`mailer`]: sending over SMTP, or as files written exactly once ([`mail_files`]) — the
//!   `lofte-mail` kit, shared with the web application.
//! - [`store`]: what the notifier keeps of its own in sled — sends, attempts, notes owed.
//! - [`record`]: `reminder_sent` and `reminder_failed` through the ledger, as typed events.
//! - [`failures`]: attempts counted, and the coordinators told after `max_attempts`.
//! - [`remind`] (pure): a coordinator's "Påminn nu" — what is owed now, the request's own
//!   occasion, the mail; sent by [`tick::Notifier::remind`] under the ticks' machinery (ADR 0021).
//! - [`tick`]: one tick, one at a time — decide, send, keep, record — orchestrating the above.
//! - [`app`] follows the stream into its views and ticks on the [`clock`]; [`http`] serves
//!   `POST /v1/tick`; [`settings`] and [`error`] are what it is told and why it stops.
//!
//! Why each mail goes at most once, and the one window left over SMTP: ADR 0007.

pub mod app;
pub mod clock;
pub mod compose;
pub mod error;
pub mod failures;
pub mod http;
pub mod key;
pub mod message;
pub mod people;
pub mod record;
pub mod remind;
pub mod schedule;
pub mod settings;
pub mod store;
pub mod swedish;
pub mod tick;

pub use app::App;
pub use error::{AppError, TickError};
/// Sending (shared with the web application): the `lofte-mail` kit.
pub use lofte_mail::{files as mail_files, mailer};
