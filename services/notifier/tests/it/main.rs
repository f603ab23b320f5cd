//! The notifier's mails: composed in Swedish from the facts, and delivered by lettre over SMTP to
//! a real SMTP server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod compose;
mod concurrent;
mod crash;
mod e2e;
mod erased;
mod failures;
mod file_crash;
mod ledger_away;
mod mail_files;
mod rebuild;
mod remind;
mod schedule;
mod settings;
mod stack;
mod tls;
mod year;
