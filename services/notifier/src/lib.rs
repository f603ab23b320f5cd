//! # lofte-notifier
//!
//! Reminds the reporters who still owe a tertial's follow-up, and escalates to the plan's
//! coordinators after the due date. What is due is computed from the log ([`schedule`], pure; the
//! calendar is `lofte_proto::calendar`, who owes what comes from the shared fold); the mails are
//! composed in Swedish ([`compose`], pure: plain text and HTML, a Message-ID derived from the
//! occasion), built for lettre ([`message`]) and sent over SMTP or written as files exactly once
//! ([`mailer`], [`mail_files`]). A tick ([`notifier`]) decides, sends, keeps and records, one tick
//! at a time; [`app`] follows the stream and ticks, [`http`] serves `POST /v1/tick`.

pub mod app;
pub mod compose;
pub mod http;
pub mod mail_files;
pub mod mailer;
pub mod message;
pub mod notifier;
pub mod schedule;
pub mod settings;
pub mod swedish;
