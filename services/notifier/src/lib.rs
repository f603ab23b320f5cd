//! # lofte-notifier
//!
//! Reminds the reporters who still owe a tertial's follow-up, and escalates to the plan's
//! coordinators after the due date. So far: composing the mails ([`compose`], pure: Swedish plain
//! text and HTML, a Message-ID derived from the occasion) and building them for lettre
//! ([`message`]). The calendar is `lofte_proto::calendar`; who owes what comes from the fold.

pub mod app;
pub mod compose;
pub mod http;
pub mod mailer;
pub mod message;
pub mod notifier;
pub mod schedule;
pub mod settings;
pub mod swedish;
