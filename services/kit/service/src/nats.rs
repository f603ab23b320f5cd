//! How every Lofte service, and the CLI, connects to NATS: one settings table — the servers, at
//! most one way to authenticate, TLS — turned into [`async_nats::ConnectOptions`].
//!
//! In each service's config it is the `nats` table (`[ledger.nats]`, `[projector.nats]`,
//! `[notifier.nats]`), so `LOFTE__<SERVICE>__NATS__PASSWORD` and
//! `LOFTE__<SERVICE>__NATS__TLS__CA_FILE` override it like any other key. Passwords and tokens are
//! [`Secret`]s, and user info in a URL is masked, so neither `Debug` nor any error of this module
//! shows them. See docs/adr/0009-nats-credentials-and-tls.md.

use std::{
    fmt,
    path::{Path, PathBuf},
};

use async_nats::ConnectOptions;
use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// The NATS server on this machine, the services' default.
pub const LOCAL_URL: &str = "nats://127.0.0.1:4222";

/// Where the NATS servers are and how to prove who we are to them.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NatsConnection {
    /// The server, or a comma-separated list of a cluster's nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// User and password (both, or neither).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    /// A token, instead of user and password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    /// A NATS `.creds` file (a user JWT and its nkey seed), instead of the two above.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creds_file: Option<PathBuf>,
    pub tls: NatsTls,
}

/// TLS to the NATS servers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NatsTls {
    /// The CA certificate (PEM) the servers' certificates are checked against; it replaces the
    /// system's trust store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// A client certificate and its key (PEM), for servers that verify clients.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    /// Refuse to talk to a server without TLS. Implied by any of the files above.
    pub required: bool,
}

/// Why the NATS settings cannot be used, or the connection failed. Never holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum NatsConnectError {
    #[error("no NATS url is set (nats.url, or --nats-url)")]
    NoUrl,
    #[error("NATS settings: {0}")]
    Conflict(&'static str),
    #[error("NATS settings: nats.{field} = {}: {source}", path.display())]
    File { field: &'static str, path: PathBuf, source: std::io::Error },
    #[error("cannot connect to NATS at {url}: {source}")]
    Connect { url: String, source: async_nats::ConnectError },
}

impl NatsConnection {
    /// The given servers, without credentials.
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: Some(url.into()), ..Self::default() }
    }

    /// With a user and password.
    pub fn with_user(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self.password = Some(Secret(password.into()));
        self
    }

    /// The servers to try, from the comma-separated `url`.
    pub fn servers(&self) -> Vec<String> {
        let url = self.url.as_deref().unwrap_or_default();
        url.split(',').map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned).collect()
    }

    /// `url` for messages: any `user:password@` in it masked.
    pub fn display_url(&self) -> String {
        self.servers().iter().map(|s| mask_user_info(s)).collect::<Vec<_>>().join(",")
    }

    /// Checks the combination: at most one way to authenticate, a user with a password, a client
    /// certificate with its key.
    pub fn validate(&self) -> Result<(), NatsConnectError> {
        let ways = [self.user.is_some() || self.password.is_some(), self.token.is_some(), self.creds_file.is_some()];
        if ways.iter().filter(|w| **w).count() > 1 {
            return Err(NatsConnectError::Conflict("set only one of user and password, token, or creds_file"));
        }
        if self.user.is_some() != self.password.is_some() {
            return Err(NatsConnectError::Conflict("nats.user and nats.password go together"));
        }
        if self.tls.cert_file.is_some() != self.tls.key_file.is_some() {
            return Err(NatsConnectError::Conflict("nats.tls.cert_file and nats.tls.key_file go together"));
        }
        Ok(())
    }

    /// The options for `async_nats`: authentication and TLS. Fails on a bad combination or a
    /// file that cannot be read, so a wrong setting stops the service at start, not in a retry loop.
    pub async fn options(&self) -> Result<ConnectOptions, NatsConnectError> {
        self.validate()?;
        let mut o = ConnectOptions::new();
        if let (Some(user), Some(password)) = (&self.user, &self.password) {
            o = o.user_and_password(user.clone(), password.expose().to_owned());
        }
        if let Some(token) = &self.token {
            o = o.token(token.expose().to_owned());
        }
        if let Some(path) = &self.creds_file {
            o = o.credentials_file(path).await.map_err(|source| file_error("creds_file", path, source))?;
        }
        let tls = &self.tls;
        if let Some(ca) = &tls.ca_file {
            readable("tls.ca_file", ca)?;
            o = o.add_root_certificates(ca.clone());
        }
        if let (Some(cert), Some(key)) = (&tls.cert_file, &tls.key_file) {
            readable("tls.cert_file", cert)?;
            readable("tls.key_file", key)?;
            o = o.add_client_certificate(cert.clone(), key.clone());
        }
        let tls_wanted = tls.required || tls.ca_file.is_some() || tls.cert_file.is_some();
        Ok(o.require_tls(tls_wanted))
    }

    /// Connects once, named `name` on the server (its monitoring shows who is connected).
    pub async fn connect(&self, name: &str) -> Result<async_nats::Client, NatsConnectError> {
        let servers = self.servers();
        if servers.is_empty() {
            return Err(NatsConnectError::NoUrl);
        }
        let options = self.options().await?.name(name);
        options.connect(servers).await.map_err(|source| NatsConnectError::Connect { url: self.display_url(), source })
    }
}

impl fmt::Debug for NatsConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NatsConnection")
            .field("url", &self.url.as_ref().map(|_| self.display_url()))
            .field("user", &self.user)
            .field("password", &self.password)
            .field("token", &self.token)
            .field("creds_file", &self.creds_file)
            .field("tls", &self.tls)
            .finish()
    }
}

fn file_error(field: &'static str, path: &Path, source: std::io::Error) -> NatsConnectError {
    NatsConnectError::File { field, path: path.to_owned(), source }
}

fn readable(field: &'static str, path: &Path) -> Result<(), NatsConnectError> {
    std::fs::File::open(path).map(drop).map_err(|source| file_error(field, path, source))
}

/// `nats://user:secret@host:4222` → `nats://***@host:4222`.
fn mask_user_info(server: &str) -> String {
    let (scheme, rest) = server.split_once("://").map_or(("", server), |(s, r)| (s, r));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) if scheme.is_empty() => format!("***@{}", &rest[at + 1..]),
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => server.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn with_everything() -> NatsConnection {
        NatsConnection {
            url: Some("nats://lofte:url-hemlis@nats-1:4222, nats://nats-2:4222".into()),
            token: Some(Secret("token-hemlis".into())),
            ..NatsConnection::new("").with_user("lofte", "lösen-hemlis")
        }
    }

    #[test]
    fn debug_and_errors_show_no_secret() {
        let c = with_everything();
        let shown = format!("{c:?} {:#?} {}", c, c.validate().unwrap_err());
        assert!(!shown.contains("hemlis"), "{shown}");
        assert!(shown.contains("nats://***@nats-1:4222,nats://nats-2:4222"), "{shown}");
        assert!(shown.contains("lofte"), "the user is not a secret: {shown}");
    }

    #[test]
    fn user_info_in_urls_is_masked() {
        assert_eq!(mask_user_info("tls://a:b@h:1/x@y"), "tls://***@h:1/x@y");
        assert_eq!(mask_user_info("a:b@h:1"), "***@h:1");
        assert_eq!(mask_user_info("nats://h:1"), "nats://h:1");
    }

    #[test]
    fn one_way_to_authenticate_and_pairs_together() {
        let ok = NatsConnection::new(LOCAL_URL).with_user("u", "p");
        assert!(ok.validate().is_ok());
        let mut c = ok.clone();
        c.creds_file = Some("x.creds".into());
        assert!(matches!(c.validate(), Err(NatsConnectError::Conflict(_))));
        let mut c = ok.clone();
        c.password = None;
        assert!(matches!(c.validate(), Err(NatsConnectError::Conflict(_))));
        let mut c = NatsConnection::new(LOCAL_URL);
        c.tls.cert_file = Some("c.pem".into());
        assert!(matches!(c.validate(), Err(NatsConnectError::Conflict(_))));
    }

    #[tokio::test]
    async fn missing_files_are_named_at_start() {
        let mut c = NatsConnection::new(LOCAL_URL);
        c.tls.ca_file = Some("/nonexistent/ca.pem".into());
        let e = c.options().await.unwrap_err();
        assert!(matches!(e, NatsConnectError::File { field: "tls.ca_file", .. }), "{e}");
        let c = NatsConnection { creds_file: Some("/nonexistent/x.creds".into()), ..NatsConnection::new(LOCAL_URL) };
        assert!(matches!(c.options().await, Err(NatsConnectError::File { field: "creds_file", .. })));
        assert!(matches!(NatsConnection::default().connect("t").await, Err(NatsConnectError::NoUrl)));
    }

    #[test]
    fn servers_are_the_comma_separated_list() {
        assert_eq!(with_everything().servers().len(), 2);
        assert!(NatsConnection::default().servers().is_empty());
    }
}
