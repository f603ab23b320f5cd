//! How to reach the mail server: `[<service>.smtp]` in `deploy/config/lofte.toml`.

use std::path::PathBuf;

use lofte_service::secret::Secret;
use serde::{Deserialize, Serialize};

/// How to reach the mail server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Tls {
    /// Plain SMTP (a local relay or a test server only).
    None,
    /// SMTP upgraded with STARTTLS (port 587).
    Starttls,
    /// SMTP over TLS from the start (port 465).
    Tls,
}

/// The mail server; without a host, mails are written as files into `mail_dir`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Smtp {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub port: u16,
    pub tls: Tls,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    /// A CA certificate (PEM) to trust besides the system's, e.g. a municipality's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    pub timeout_secs: u64,
}

impl Default for Smtp {
    fn default() -> Self {
        Self {
            host: None,
            port: 587,
            tls: Tls::Starttls,
            username: None,
            password: None,
            ca_file: None,
            timeout_secs: 10,
        }
    }
}
