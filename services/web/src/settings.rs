//! The web application's settings: the `[web]` table of `deploy/config/lofte.toml`,
//! `LOFTE__WEB__…` variables, and flags.

use std::{net::SocketAddr, path::PathBuf};

use lofte_mail::Smtp;
use lofte_service::secret::Secret;
use serde::{Deserialize, Serialize};

/// Everything `lofte-web` can be told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub listen: SocketAddr,
    /// Where people reach it: the links in mails point here; `https://…` makes cookies `Secure`.
    pub public_url: String,
    /// Sessions and sign-in links (hashed), in sled.
    pub data_dir: PathBuf,
    pub ledger_url: String,
    pub projector_url: String,
    /// The notifier: coordinators' "Påminn nu" asks it to send (it owns mail and reminders,
    /// ADR 0021).
    pub notifier_url: String,
    /// The web application's own token: a `service` token with `delegate = true` (ADR 0019),
    /// for the ledger and the projector. Unset: they run open (development and tests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    /// The mail server for sign-in links; without a host, mails are files in `mail_dir`.
    pub smtp: Smtp,
    pub mail_dir: PathBuf,
    /// The sender of sign-in mails.
    pub from: String,
    /// How long a sign-in link is valid.
    pub link_minutes: u64,
    /// A session ends after this long without a request.
    pub idle_minutes: u64,
    /// Sign-in links mailed per address per hour, at most.
    pub links_per_address: u32,
    /// Sign-in requests per client (IP address) per hour, at most.
    pub requests_per_client: u32,
    /// Days after a tertial's last day a follow-up is due when the plan sets no deadline (keep it
    /// equal to the notifier's `[notifier.reminders] default_due_after_days`).
    pub default_due_after_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 7440)),
            public_url: "http://127.0.0.1:7440".into(),
            data_dir: PathBuf::from("var/web"),
            ledger_url: "http://127.0.0.1:7410".into(),
            projector_url: "http://127.0.0.1:7420".into(),
            notifier_url: "http://127.0.0.1:7430".into(),
            token: None,
            smtp: Smtp::default(),
            mail_dir: PathBuf::from("var/mail"),
            from: "Lofte <lofte@localhost>".into(),
            link_minutes: 15,
            idle_minutes: 8 * 60,
            links_per_address: 5,
            requests_per_client: 30,
            default_due_after_days: lofte_proto::calendar::ReminderPolicy::default().default_due_after_days,
        }
    }
}

impl Settings {
    /// Defaults, then the `[web]` table of `file`, then `LOFTE__WEB__…`.
    pub fn load(file: Option<&std::path::Path>) -> Result<Settings, lofte_service::config::ConfigError> {
        lofte_service::config::load("web", file)
    }

    /// Whether cookies must be `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_documented_defaults_are_the_defaults() {
        let file = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/config/lofte.toml"));
        assert_eq!(Settings::load(Some(file)).unwrap(), Settings::default());
    }

    #[test]
    fn the_token_is_not_printed() {
        let s = Settings { token: Some(Secret("lofte_hemlig".into())), ..Settings::default() };
        assert!(!format!("{s:?}").contains("hemlig"));
    }
}
