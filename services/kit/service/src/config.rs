//! Layered settings for every service: built-in defaults (documented in
//! `deploy/config/lofte.toml`) → the service's table of a TOML config file → `LOFTE__<SERVICE>__…`
//! environment variables. Command-line flags are applied by each binary on top.

use std::path::Path;

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use serde::{de::DeserializeOwned, Serialize};

/// Why settings could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(#[from] Box<figment::Error>);

/// Loads the `[section]` table of `file` (if given) and `LOFTE__<SECTION>__*` over `T::default()`.
pub fn load<T: Serialize + DeserializeOwned + Default>(section: &str, file: Option<&Path>) -> Result<T, ConfigError> {
    let mut fig = Figment::from(Serialized::defaults(T::default()).key(section));
    if let Some(f) = file {
        if !f.exists() {
            return Err(ConfigError(Box::new(figment::Error::from(format!(
                "config file {} does not exist",
                f.display()
            )))));
        }
        fig = fig.merge(Toml::file(f));
    }
    fig = fig.merge(Env::prefixed("LOFTE__").split("__"));
    fig.focus(section).extract().map_err(|e| ConfigError(Box::new(e)))
}
