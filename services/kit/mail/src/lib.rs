//! # lofte-mail
//!
//! Sending mail as Lofte's services do (the notifier's reminders, the web application's sign-in
//! links): [`Mailer`] over SMTP with lettre (STARTTLS required, TLS from the start, or plain for a
//! local relay; credentials, a timeout, a private CA), or, without an SMTP host, `.eml` files
//! written exactly once ([`files`]); [`Smtp`] is what a service is told.

pub mod files;
pub mod mailer;
pub mod settings;

pub use files::{FileMailError, MailFiles};
pub use mailer::{Mailer, MailerError, SendError};
pub use settings::{Smtp, Tls};
