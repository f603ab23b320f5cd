//! The ledger's settings: typed, layered. Defaults (documented in `deploy/config/lofte.toml`,
//! checked by a test) → a TOML config file (its `[ledger]` table) → `LOFTE__LEDGER__…`
//! environment variables → command-line flags.

use std::{net::SocketAddr, path::PathBuf};

use lofte_proto::ids::LedgerId;
use lofte_service::nats::NatsConnection;
use serde::{Deserialize, Serialize};

/// Everything the ledger can be told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// This ledger's id; each ledger owns its log, its sequence and its chain.
    pub ledger_id: LedgerId,
    /// Address to serve HTTP on.
    pub listen: SocketAddr,
    /// Where the sled database lives.
    pub data_dir: PathBuf,
    /// Largest accepted request body, in bytes (larger: 413).
    pub max_body_bytes: usize,
    /// Most appends written and flushed as one group commit.
    pub max_batch: usize,
    /// Most appends waiting for the writer; beyond it clients get 503 and retry.
    pub queue_depth: usize,
    /// Most events one `GET /v1/events` page returns.
    pub max_page: usize,
    /// sled's page cache, in bytes.
    pub cache_bytes: u64,
    /// Publishing the log to NATS JetStream.
    pub nats: NatsSettings,
    /// Bearer tokens and rate limits.
    pub auth: lofte_service::auth::AuthSettings,
    /// `--restore-from-stream`: an empty data directory is filled from the stream's copy of this
    /// ledger's log. Only a flag, never a setting: left in a file it would turn a mistyped path
    /// into a silent restore.
    #[serde(skip)]
    pub restore_from_stream: bool,
}

/// When a `201` is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckMode {
    /// After the local flush (the event will be published).
    Local,
    /// After the local flush and JetStream's acknowledgement; `503` if that takes too long.
    Replicated,
}

/// Publishing to NATS JetStream (the outbox).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NatsSettings {
    /// The servers (`url`; unset: nothing is published), credentials and TLS: the keys every
    /// service's `nats` table shares, in the same table as the stream settings below.
    #[serde(flatten)]
    pub connection: NatsConnection,
    /// The JetStream stream every ledger publishes into.
    pub stream: String,
    /// Stream replicas (1 on a laptop, 3 in production).
    pub replicas: usize,
    /// How long JetStream remembers `Nats-Msg-Id`s; a restarted ledger's re-sends within it are
    /// dropped as duplicates.
    pub duplicate_window_secs: u64,
    /// Most events published before their acknowledgements are awaited.
    pub ack_window: usize,
    /// When a `201` is sent: `local` or `replicated`.
    pub ack_mode: AckMode,
    /// In `replicated` mode, how long an append waits for JetStream before `503`.
    pub replicated_timeout_ms: u64,
    /// The longest pause between retries after a NATS error.
    pub retry_max_ms: u64,
}

impl Default for NatsSettings {
    fn default() -> Self {
        Self {
            connection: NatsConnection::default(),
            stream: lofte_proto::subject::STREAM.to_owned(),
            replicas: 1,
            duplicate_window_secs: 600,
            ack_window: 512,
            ack_mode: AckMode::Local,
            replicated_timeout_ms: 5000,
            retry_max_ms: 5000,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            ledger_id: LedgerId::new("local").expect("a valid slug"),
            listen: SocketAddr::from(([127, 0, 0, 1], 7410)),
            data_dir: PathBuf::from("var/ledger"),
            max_body_bytes: 64 * 1024,
            max_batch: 4096,
            queue_depth: 65_536,
            max_page: 1000,
            cache_bytes: 256 * 1024 * 1024,
            nats: NatsSettings::default(),
            auth: lofte_service::auth::AuthSettings::default(),
            restore_from_stream: false,
        }
    }
}

/// Why settings could not be loaded.
pub type SettingsError = lofte_service::config::ConfigError;

impl Settings {
    /// Loads defaults, then `file`'s `[ledger]` table (if any), then `LOFTE__LEDGER__*` from
    /// the environment.
    pub fn load(file: Option<&std::path::Path>) -> Result<Settings, SettingsError> {
        lofte_service::config::load("ledger", file)
    }
}
