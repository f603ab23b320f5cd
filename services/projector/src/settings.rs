//! The projector's settings, layered like the ledger's: defaults (documented in
//! `deploy/config/lofte.toml`) → the `[projector]` table of a config file →
//! `LOFTE__PROJECTOR__…` environment variables → command-line flags.

use std::{collections::BTreeMap, net::SocketAddr, path::PathBuf};

use lofte_service::nats::{NatsConnection, LOCAL_URL};
use serde::{Deserialize, Serialize};

/// Everything the projector can be told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to serve HTTP on.
    pub listen: SocketAddr,
    /// Where the sled database of views lives.
    pub data_dir: PathBuf,
    /// The NATS servers (`url`, a comma-separated list for a cluster), credentials and TLS.
    pub nats: NatsConnection,
    /// The stream the ledgers publish into.
    pub stream: String,
    /// The durable consumer's name.
    pub consumer: String,
    /// Each ledger's base URL, by ledger id, for back-filling a gap in the stream.
    pub ledgers: BTreeMap<String, String>,
    /// Most messages applied (and flushed) together (a rebuild's replay: four times as many).
    pub batch: usize,
    /// How long JetStream waits for an acknowledgement before redelivering: after a crash, how
    /// long the restarted projector waits for the messages its predecessor had not acknowledged.
    pub ack_wait_secs: u64,
    /// sled's page cache, in bytes.
    pub cache_bytes: u64,
    /// A `service` token to read the ledgers' logs with (back-fill), when they require tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger_token: Option<lofte_service::auth::Secret>,
    /// Bearer tokens and rate limits for this projector's own routes.
    pub auth: lofte_service::auth::AuthSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 7420)),
            data_dir: PathBuf::from("var/projector"),
            nats: NatsConnection::new(LOCAL_URL),
            stream: "LOFTE".into(),
            consumer: "projector".into(),
            ledgers: BTreeMap::from([("local".to_owned(), "http://127.0.0.1:7410".to_owned())]),
            batch: 512,
            ack_wait_secs: 5,
            cache_bytes: 128 * 1024 * 1024,
            ledger_token: None,
            auth: lofte_service::auth::AuthSettings::default(),
        }
    }
}

/// Why settings could not be loaded.
pub type SettingsError = lofte_service::config::ConfigError;

impl Settings {
    /// Loads defaults, then `file`'s `[projector]` table (if any), then `LOFTE__PROJECTOR__*` from
    /// the environment.
    pub fn load(file: Option<&std::path::Path>) -> Result<Settings, SettingsError> {
        lofte_service::config::load("projector", file)
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
