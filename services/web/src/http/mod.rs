//! The routes, what every handler can reach ([`AppState`]), and what every answer carries: the
//! security headers (a Content-Security-Policy without `unsafe-inline`, no framing, no sniffing,
//! no referrer — a sign-in link's secret is in its path), and cookies (`HttpOnly`,
//! `SameSite=Lax`, `Secure` when the public URL is https).
//!
//! Every form carries a token (CSRF): a signed-in person's forms the session's, the sign-in forms
//! a random one also set as the `lofte_pre` cookie (double submit). A POST without it, or with
//! another's, is `403` and does nothing.

pub mod access;
mod amend;
mod audit;
mod coord;
mod home;
mod log;
mod public;
mod signin;
mod submit;

use std::sync::Arc;

use axum::{
    extract::Request,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use lofte_mail::Mailer;

use crate::{backend::Backend, limits::Limits, settings::Settings, store::Store};

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub store: Store,
    pub backend: Backend,
    pub mailer: Mailer,
    pub limits: Arc<Limits>,
}

/// The session cookie and the sign-in forms' cookie.
pub const SESSION: &str = "lofte_session";
pub const PRE: &str = "lofte_pre";

const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home::start))
        .route("/att-gora", get(home::todo))
        .route("/logga-in", get(signin::form).post(signin::request))
        .route("/logga-in/{secret}", get(signin::confirm).post(signin::sign_in))
        .route("/logga-ut", post(signin::sign_out))
        .route("/plan/{plan}/aktivitet/{activity}", get(log::activity))
        .route("/plan/{plan}/aktivitet/{activity}/logga/{kind}", get(log::form).post(log::record))
        .route("/plan/{plan}/aktivitet/{activity}/registrerat/{id}", get(log::recorded))
        .route("/plan/{plan}/aktivitet/{activity}/lamna/{tertial}", get(submit::page).post(submit::submit))
        .route("/plan/{plan}/aktivitet/{activity}/andra/{id}", get(amend::correct_form).post(amend::correct))
        .route("/plan/{plan}/aktivitet/{activity}/ta-bort/{id}", get(amend::retract_form).post(amend::retract))
        .merge(public::routes())
        .merge(coord::routes())
        .merge(audit::routes())
        .route("/static/lofte.css", get(stylesheet))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    for (k, v) in [
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        h.insert(k, HeaderValue::from_static(v));
    }
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    resp
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/lofte.css"),
    )
        .into_response()
}

async fn not_found() -> Response {
    let body = crate::html::page(
        &crate::html::Shell { title: "Sidan finns inte", ..Default::default() },
        maud::html! { h1 { "Sidan finns inte" } p { a href="/" { "Till startsidan" } } },
    );
    (StatusCode::NOT_FOUND, body).into_response()
}

/// A cookie's value from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: `max_age` seconds (0: remove it).
pub fn set_cookie(s: &Settings, name: &str, value: &str, max_age: u64) -> HeaderValue {
    let secure = if s.secure_cookies() { "; Secure" } else { "" };
    let v = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static(""))
}

/// Whether two tokens are equal, in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A posted form's nonce (`_once`), once its token (`_csrf`) is the session's and the nonce
/// well-formed; `403` otherwise (nothing is done). Every signed-in form is checked here.
#[allow(clippy::result_large_err)]
pub fn checked(
    who: &crate::html::Who,
    values: &std::collections::BTreeMap<String, String>,
) -> Result<String, Response> {
    let once = values.get("_once").filter(|o| o.len() == 64 && o.bytes().all(|b| b.is_ascii_hexdigit()));
    match (values.get("_csrf").is_some_and(|t| same(t, &who.csrf)), once) {
        (true, Some(once)) => Ok(once.clone()),
        _ => Err(forbidden()),
    }
}

/// `403`: a form without its token, or with another's. Nothing was done.
pub fn forbidden() -> Response {
    let body = crate::html::page(
        &crate::html::Shell { title: "Förbjudet", ..Default::default() },
        maud::html! {
            h1 { "Formuläret kunde inte skickas" }
            p { "Sidan var för gammal eller kom inte från Lofte. Ingenting sparades. Gå tillbaka, ladda om sidan och försök igen." }
        },
    );
    (StatusCode::FORBIDDEN, body).into_response()
}

/// `503`: another service cannot be reached now.
pub fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::warn!(error = %e, "a page could not be made");
    let body = crate::html::page(
        &crate::html::Shell { title: "Tillfälligt fel", ..Default::default() },
        maud::html! { h1 { "Lofte svarar inte just nu" } p { "Försök igen om en stund." } },
    );
    (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_secure_when_the_public_url_is_https() {
        let https = Settings { public_url: "https://lofte.kommunen.example".into(), ..Settings::default() };
        let c = set_cookie(&https, SESSION, "abc", 60);
        let c = c.to_str().unwrap_or_default();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.ends_with("; Secure"), "{c}");
        let plain = set_cookie(&Settings::default(), SESSION, "abc", 60);
        assert!(!plain.to_str().unwrap_or_default().contains("Secure"));
    }
}
