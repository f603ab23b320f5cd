//! Bearer tokens: the settings, the tokens file (re-read when it changes), the [`Principal`] a
//! request acts as, and the middleware that authenticates and rate-limits every request.

use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime},
};

use axum::{
    extract::{Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use lofte_proto::auth::{Role, TokenEntry, TokenFile};
use serde::{Deserialize, Serialize};

use super::rate::RateLimiter;
use crate::Problem;

/// `[<service>.auth]` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// The tokens file (`lofte token create` writes it). Unset: no authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens_file: Option<PathBuf>,
    /// Allow running without a tokens file (development only).
    pub open: bool,
    /// Requests per second per token (and per anonymous client); 0: no limit.
    pub rate_per_sec: f64,
    /// Requests a token may make at once before the rate applies.
    pub burst: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self { tokens_file: None, open: false, rate_per_sec: 50.0, burst: 200 }
    }
}

/// Why a service cannot authenticate requests.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "no tokens file: set [{service}.auth] tokens_file (create tokens with `lofte token create`), or \
         LOFTE__{}__AUTH__OPEN=true to run without authentication (development only)",
        service.to_uppercase()
    )]
    NoTokensFile { service: String },
    #[error("tokens file {} not found", .0.display())]
    NotFound(PathBuf),
    #[error("{}: {detail}", path.display())]
    Unreadable { path: PathBuf, detail: String },
    /// A binary that cannot start for one of the reasons above.
    #[error("the {service} could not start: {cause}")]
    Start { service: String, cause: Box<AuthError> },
}

impl AuthSettings {
    /// For the binaries, before they serve anything: a `--tokens-file` flag wins over the config,
    /// then [`Self::check_for_service`]; the error says which service could not start.
    pub fn from_flag_for_service(&mut self, flag: Option<PathBuf>, service: &str) -> Result<(), AuthError> {
        if flag.is_some() {
            self.tokens_file = flag;
        }
        self.check_for_service(service)
            .map_err(|e| AuthError::Start { service: service.to_owned(), cause: Box::new(e) })
    }

    /// Refuses to run open unless asked to.
    pub fn check_for_service(&self, service: &str) -> Result<(), AuthError> {
        match (&self.tokens_file, self.open) {
            (None, false) => Err(AuthError::NoTokensFile { service: service.to_owned() }),
            (Some(f), _) if !f.is_file() => Err(AuthError::NotFound(f.clone())),
            _ => Ok(()),
        }
    }
}

/// A secret from the config (a bearer token, a password): see [`crate::secret`].
pub use crate::secret::Secret;

/// Who sent a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// Authentication is off: everything is allowed.
    Open,
    /// No token: public reads only.
    Anonymous,
    /// A valid token.
    Token(TokenEntry),
}

impl Principal {
    /// The role, if authenticated.
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::Token(t) => Some(t.role),
            _ => None,
        }
    }

    /// Whether this principal reads every plan and the raw log.
    pub fn reads_everything(&self) -> bool {
        match self {
            Principal::Open => true,
            Principal::Anonymous => false,
            Principal::Token(t) => t.role.reads_everything(),
        }
    }

    /// 401 for anonymous requests; the others pass.
    pub fn authenticated(&self) -> Result<(), Problem> {
        match self {
            Principal::Anonymous => Err(unauthorized("this needs a bearer token (Authorization: Bearer …)")),
            _ => Ok(()),
        }
    }

    /// Passes when the principal has one of `roles` (or auth is off); 401 or 403 otherwise.
    pub fn require(&self, roles: &[Role], what: &str) -> Result<(), Problem> {
        self.authenticated()?;
        match self.role() {
            None => Ok(()),
            Some(r) if roles.contains(&r) => Ok(()),
            Some(r) => Err(forbidden(format!("a {r} token may not {what}"))),
        }
    }
}

/// 401 with a `WWW-Authenticate: Bearer` challenge.
pub fn unauthorized(detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail).challenge()
}

/// 403.
pub fn forbidden(detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::FORBIDDEN, "forbidden", detail)
}

/// The tokens file, re-read when it changes (checked at most once a second).
#[derive(Debug)]
struct Tokens {
    path: PathBuf,
    file: TokenFile,
    stamp: Option<(SystemTime, u64)>,
    checked: Instant,
}

impl Tokens {
    fn load(path: PathBuf) -> Result<Tokens, AuthError> {
        let mut t = Tokens { path, file: TokenFile::default(), stamp: None, checked: Instant::now() };
        t.reload()?;
        Ok(t)
    }

    fn reload(&mut self) -> Result<(), AuthError> {
        let unreadable = |detail: String| AuthError::Unreadable { path: self.path.clone(), detail };
        let meta = std::fs::metadata(&self.path).map_err(|e| unreadable(e.to_string()))?;
        let stamp = (meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), meta.len());
        if self.stamp != Some(stamp) {
            let text = std::fs::read_to_string(&self.path).map_err(|e| unreadable(e.to_string()))?;
            self.file = TokenFile::parse(&text).map_err(|e| unreadable(e.to_string()))?;
            self.stamp = Some(stamp);
        }
        Ok(())
    }

    fn find(&mut self, token: &str) -> Option<TokenEntry> {
        if self.checked.elapsed() >= Duration::from_secs(1) {
            self.checked = Instant::now();
            if let Err(e) = self.reload() {
                // Keep the last good file; a half-written or broken file must not open the door.
                tracing::error!(error = %e, "cannot re-read the tokens file; keeping the previous one");
            }
        }
        self.file.find(token).cloned()
    }
}

/// A service's authentication: the tokens (none when open) and the rate limiter.
#[derive(Debug)]
pub struct Auth {
    tokens: Option<Mutex<Tokens>>,
    limiter: Mutex<RateLimiter>,
}

impl Auth {
    /// Loads the tokens file, if one is set.
    pub fn new(s: &AuthSettings) -> Result<Arc<Auth>, AuthError> {
        let tokens = match &s.tokens_file {
            Some(p) => Some(Mutex::new(Tokens::load(p.clone())?)),
            None => {
                tracing::warn!("no tokens file: authentication is OFF, every request may do everything");
                None
            }
        };
        Ok(Arc::new(Auth { tokens, limiter: Mutex::new(RateLimiter::new(s.rate_per_sec, s.burst)) }))
    }

    /// The principal a request's headers name.
    pub fn principal(&self, headers: &axum::http::HeaderMap) -> Result<Principal, Problem> {
        let Some(tokens) = &self.tokens else { return Ok(Principal::Open) };
        let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(Principal::Anonymous) };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(|| unauthorized("send the token as Authorization: Bearer <token>"))?;
        let found = tokens.lock().map_err(|_| Problem::internal("tokens lock poisoned"))?.find(token);
        found.map(Principal::Token).ok_or_else(|| unauthorized("unknown or revoked token"))
    }

    fn limit(&self, key: &str) -> Result<(), Problem> {
        let mut l = self.limiter.lock().map_err(|_| Problem::internal("limiter lock poisoned"))?;
        l.take(key, Instant::now()).map_err(|wait| {
            Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", "too many requests; slow down")
                .retry_after(wait)
        })
    }
}

/// Routes anyone may call, without a token or a rate limit: health, readiness, metrics, the API document.
fn is_open_route(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics" | "/openapi.json")
}

/// The middleware: puts the request's [`Principal`] into its extensions, or answers 401 or 429.
pub async fn authenticate(State(auth): State<Arc<Auth>>, mut req: Request, next: Next) -> Response {
    if is_open_route(req.uri().path()) {
        req.extensions_mut().insert(Principal::Open);
        return next.run(req).await;
    }
    let principal = match auth.principal(req.headers()) {
        Ok(p) => p,
        Err(p) => return p.into_response(),
    };
    let key = match &principal {
        Principal::Open => None,
        Principal::Token(t) => Some(t.id.clone()),
        Principal::Anonymous => Some(format!(
            "anonymous:{}",
            req.extensions()
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map_or_else(String::new, |c| c.0.ip().to_string())
        )),
    };
    if let Some(k) = key {
        if let Err(p) = auth.limit(&k) {
            return p.into_response();
        }
    }
    req.extensions_mut().insert(principal);
    next.run(req).await
}
