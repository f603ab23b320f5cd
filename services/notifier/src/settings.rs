//! The notifier's settings: the `[notifier]` table of `deploy/config/lofte.toml` (every default
//! documented there), `LOFTE__NOTIFIER__…` variables, and flags.

use std::{collections::BTreeMap, net::SocketAddr, path::PathBuf};

use lofte_proto::calendar::ReminderPolicy;
use lofte_service::nats::{NatsConnection, LOCAL_URL};
use serde::{Deserialize, Serialize};

/// The mail server's settings, shared with the web application (`lofte-mail`).
pub use lofte_mail::{Smtp, Tls};
/// A password that never shows in logs or error messages.
pub use lofte_service::secret::Secret;

/// Everything the notifier can be told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// The NATS servers, credentials and TLS.
    pub nats: NatsConnection,
    pub stream: String,
    /// Its own durable consumer on the stream.
    pub consumer: String,
    /// Most messages applied (and flushed) together (a rebuild's replay: four times as many).
    pub batch: usize,
    /// How long JetStream waits for an acknowledgement before redelivering.
    pub ack_wait_secs: u64,
    /// sled's page cache for the views, in bytes.
    pub cache_bytes: u64,
    /// Each ledger's base URL, by ledger id, for back-filling a gap in the stream.
    pub ledgers: BTreeMap<String, String>,
    /// The ledger that records `reminder_sent` and `reminder_failed`: with one ledger, the URL in
    /// `ledgers` again (`--ledger-url` sets both); with several, the one the notifier writes to.
    pub ledger_url: String,
    /// The projector's public URL, for links in the mails.
    pub projector_url: String,
    /// The web application's public URL: reminders link to the reporter's "Att göra" there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_url: Option<String>,
    /// The sender, e.g. `Lofte <lofte@kommunen.example>`.
    pub from: String,
    pub smtp: Smtp,
    /// Where mails go as files when no SMTP host is set: `<Message-ID>.eml`, each written once.
    pub mail_dir: PathBuf,
    /// Attempts per mail before it is recorded as failed.
    pub max_attempts: u32,
    /// Seconds between ticks when following the real clock; the first tick is at start-up.
    pub tick_secs: u64,
    pub reminders: ReminderPolicy,
    /// The `service` token it records reminders and reads the ledger's log with, when the
    /// ledger requires tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger_token: Option<lofte_service::auth::Secret>,
    /// Bearer tokens and rate limits for its own routes (`POST /v1/tick`).
    pub auth: lofte_service::auth::AuthSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 7430)),
            data_dir: PathBuf::from("var/notifier"),
            nats: NatsConnection::new(LOCAL_URL),
            stream: "LOFTE".into(),
            consumer: "notifier".into(),
            batch: 256,
            ack_wait_secs: 5,
            cache_bytes: 64 << 20,
            ledgers: BTreeMap::from([("local".to_owned(), "http://127.0.0.1:7410".to_owned())]),
            ledger_url: "http://127.0.0.1:7410".into(),
            projector_url: "http://127.0.0.1:7420".into(),
            web_url: None,
            from: "Lofte <lofte@localhost>".into(),
            smtp: Smtp::default(),
            mail_dir: PathBuf::from("var/mail"),
            max_attempts: 5,
            tick_secs: 60,
            reminders: ReminderPolicy::default(),
            ledger_token: None,
            auth: lofte_service::auth::AuthSettings::default(),
        }
    }
}

impl Settings {
    /// Loads defaults, `file`'s `[notifier]` table and `LOFTE__NOTIFIER__*`.
    pub fn load(file: Option<&std::path::Path>) -> Result<Settings, lofte_service::config::ConfigError> {
        lofte_service::config::load("notifier", file)
    }

    /// How to follow the stream.
    pub fn follow(&self) -> lofte_follow::Settings {
        lofte_follow::Settings {
            nats: self.nats.clone(),
            stream: self.stream.clone(),
            consumer: self.consumer.clone(),
            ledgers: self.ledgers.clone(),
            ledger_token: self.ledger_token.clone(),
            batch: self.batch,
            ack_wait_secs: self.ack_wait_secs,
        }
    }
}
