//! The settings every command runs with, resolved once: flags, then the environment, then the
//! config profile, then the defaults. The HTTP client carries the bearer token, if any.

use anyhow::{anyhow, Context};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};

use crate::{
    cli::GlobalArgs,
    profile::{self, Asked, DEFAULT_LEDGER, DEFAULT_PROJECTOR},
};

/// What every command needs.
#[derive(Debug, Clone)]
pub struct Global {
    pub ledger: String,
    pub projector: String,
    pub json: bool,
    /// The profile in use, if any.
    pub profile: Option<String>,
    /// Where the token came from (`LOFTE_TOKEN` or the profile), if there is one; never the token.
    pub token_source: Option<&'static str>,
    /// An HTTP client sending the token on every request.
    pub http: reqwest::Client,
}

impl Global {
    /// Resolves the command line against the environment and the config profile.
    pub fn resolve(args: &GlobalArgs) -> anyhow::Result<Global> {
        let (p, name) = profile::load(&Asked { config: args.config.clone(), profile: args.profile.clone() })?;
        let env_token = std::env::var("LOFTE_TOKEN").ok().filter(|t| !t.is_empty());
        let (token, token_source) = match (env_token, p.token) {
            (Some(t), _) => (Some(t), Some("LOFTE_TOKEN")),
            (None, Some(t)) => (Some(t), Some("the profile")),
            (None, None) => (None, None),
        };
        let ledger = url("--ledger", args.ledger.clone().or(p.ledger).unwrap_or_else(|| DEFAULT_LEDGER.into()))?;
        let projector =
            url("--projector", args.projector.clone().or(p.projector).unwrap_or_else(|| DEFAULT_PROJECTOR.into()))?;
        Ok(Global { ledger, projector, json: args.json, profile: name, token_source, http: client(token.as_deref())? })
    }

    /// For commands that set their own addresses (`lofte up`), with a token or none.
    pub fn at(ledger: &str, projector: &str, token: Option<&str>) -> anyhow::Result<Global> {
        Ok(Global {
            ledger: url("--ledger", ledger.to_owned())?,
            projector: url("--projector", projector.to_owned())?,
            json: false,
            profile: None,
            token_source: token.map(|_| "lofte up"),
            http: client(token)?,
        })
    }
}

fn url(flag: &str, u: String) -> anyhow::Result<String> {
    if u.starts_with("http://") || u.starts_with("https://") {
        Ok(u.trim_end_matches('/').to_owned())
    } else {
        Err(anyhow!("{flag} must be an http:// or https:// URL, got {u:?}"))
    }
}

fn client(token: Option<&str>) -> anyhow::Result<reqwest::Client> {
    let mut headers = HeaderMap::new();
    if let Some(t) = token {
        let mut v = HeaderValue::from_str(&format!("Bearer {}", t.trim())).map_err(|_| {
            anyhow!("the token contains characters that cannot be sent (check LOFTE_TOKEN or the profile)")
        })?;
        v.set_sensitive(true);
        headers.insert(AUTHORIZATION, v);
    }
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .user_agent(concat!("lofte/", env!("CARGO_PKG_VERSION")))
        .default_headers(headers)
        .build()
        .context("cannot set up HTTP")
}
