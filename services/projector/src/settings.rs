//! The projector's settings, layered like the ledger's: defaults (documented in
//! `deploy/config/lofte.toml`) → the `[projector]` table of a config file →
//! `LOFTE__PROJECTOR__…` environment variables → command-line flags.

use std::{collections::BTreeMap, net::SocketAddr, path::PathBuf};

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use serde::{Deserialize, Serialize};

/// Everything the projector can be told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to serve HTTP on.
    pub listen: SocketAddr,
    /// Where the sled database of views lives.
    pub data_dir: PathBuf,
    /// The NATS server (a comma-separated list for a cluster).
    pub nats_url: String,
    /// The stream the ledgers publish into.
    pub stream: String,
    /// The durable consumer's name.
    pub consumer: String,
    /// Each ledger's base URL, by ledger id, for back-filling a gap in the stream.
    pub ledgers: BTreeMap<String, String>,
    /// Most messages applied (and flushed) together.
    pub batch: usize,
    /// How long JetStream waits for an acknowledgement before redelivering: after a crash, how
    /// long the restarted projector waits for the messages its predecessor had not acknowledged.
    pub ack_wait_secs: u64,
    /// sled's page cache, in bytes.
    pub cache_bytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 7420)),
            data_dir: PathBuf::from("var/projector"),
            nats_url: "nats://127.0.0.1:4222".into(),
            stream: "LOFTE".into(),
            consumer: "projector".into(),
            ledgers: BTreeMap::from([("local".to_owned(), "http://127.0.0.1:7410".to_owned())]),
            batch: 512,
            ack_wait_secs: 5,
            cache_bytes: 128 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Root {
    #[serde(default)]
    projector: Settings,
}

/// Why settings could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct SettingsError(#[from] Box<figment::Error>);

impl Settings {
    /// Loads defaults, then `file` (if any), then `LOFTE__PROJECTOR__*` from the environment.
    pub fn load(file: Option<&std::path::Path>) -> Result<Settings, SettingsError> {
        let mut fig = Figment::from(Serialized::defaults(Root::default()));
        if let Some(f) = file {
            if !f.exists() {
                let msg = format!("config file {} does not exist", f.display());
                return Err(SettingsError(Box::new(figment::Error::from(msg))));
            }
            fig = fig.merge(Toml::file(f));
        }
        fig = fig.merge(Env::prefixed("LOFTE__").split("__"));
        // The ledger's table is another service's business: ignore it here.
        let root: Root = fig.focus("projector").extract().map(|projector| Root { projector }).map_err(Box::new)?;
        Ok(root.projector)
    }
}
