//! The ledger's settings: typed, layered. Defaults (documented in `deploy/config/lofte.toml`,
//! checked by a test) → a TOML config file (its `[ledger]` table) → `LOFTE__LEDGER__…`
//! environment variables → command-line flags.

use std::{net::SocketAddr, path::PathBuf};

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use lofte_proto::ids::LedgerId;
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
        }
    }
}

/// The root of the shared config file: one table per service.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Root {
    #[serde(default)]
    ledger: Settings,
}

/// Why settings could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct SettingsError(#[from] Box<figment::Error>);

impl Settings {
    /// Loads defaults, then `file` (if any), then `LOFTE__LEDGER__*` from the environment.
    pub fn load(file: Option<&std::path::Path>) -> Result<Settings, SettingsError> {
        let mut fig = Figment::from(Serialized::defaults(Root::default()));
        if let Some(f) = file {
            if !f.exists() {
                return Err(SettingsError(Box::new(figment::Error::from(format!(
                    "config file {} does not exist",
                    f.display()
                )))));
            }
            fig = fig.merge(Toml::file(f));
        }
        fig = fig.merge(Env::prefixed("LOFTE__").split("__"));
        let root: Root = fig.extract().map_err(Box::new)?;
        Ok(root.ledger)
    }
}
