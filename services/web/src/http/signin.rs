//! Signing in with a mailed link, and out. Asking for a link answers the same page whether the
//! address is known or not, and mails (in the background, so the answer takes as long either
//! way) only to an address the directory knows, within the limits per address and per client.

use std::{net::SocketAddr, time::Duration};

use axum::{
    extract::{ConnectInfo, Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use jiff::Timestamp;
use lettre::{message::Mailbox, Message};
use lofte_proto::text::Email;
use serde::Deserialize;

use super::{cookie, forbidden, same, set_cookie, unavailable, AppState, PRE, SESSION};
use crate::{html::signin, store};

/// The sign-in forms' token: the `lofte_pre` cookie, made when missing.
fn pre_token(headers: &HeaderMap) -> (String, bool) {
    match cookie(headers, PRE) {
        Some(v) if v.len() == 64 => (v.to_owned(), false),
        _ => (store::secret(), true),
    }
}

fn with_pre(st: &AppState, token: &str, fresh: bool, body: impl IntoResponse) -> Response {
    let mut resp = body.into_response();
    if fresh {
        resp.headers_mut().append(header::SET_COOKIE, set_cookie(&st.settings, PRE, token, 3600));
    }
    resp
}

fn pre_ok(headers: &HeaderMap, sent: &str) -> bool {
    cookie(headers, PRE).is_some_and(|c| same(c, sent))
}

/// `GET /logga-in`.
pub async fn form(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let (token, fresh) = pre_token(&headers);
    with_pre(&st, &token, fresh, signin::form(&token, "", None))
}

#[derive(Debug, Deserialize)]
pub struct Ask {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    epost: String,
}

/// `POST /logga-in`: a link to a known address.
pub async fn request(
    State(st): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(ask): Form<Ask>,
) -> Response {
    if !pre_ok(&headers, &ask._csrf) {
        return forbidden();
    }
    let typed = ask.epost.trim();
    let error = if typed.is_empty() {
        Some("Skriv din e-postadress")
    } else if Email::new(typed).is_err() {
        Some("Skriv e-postadressen i rätt format, till exempel namn@kommun.se")
    } else {
        None
    };
    if let Some(e) = error {
        return (StatusCode::UNPROCESSABLE_ENTITY, signin::form(&ask._csrf, typed, Some(e))).into_response();
    }
    let address = typed.to_lowercase();
    let now = std::time::Instant::now();
    let within = st.limits.allow(&format!("client:{}", client.ip()), st.settings.requests_per_client, now)
        && st.limits.allow(&format!("address:{address}"), st.settings.links_per_address, now);
    if within {
        let st = st.clone();
        tokio::spawn(async move {
            if let Err(e) = send_link(&st, &address).await {
                tracing::warn!(error = %e, "a sign-in link could not be sent");
            }
        });
    } else {
        tracing::info!(client = %client.ip(), "sign-in requests over the limit; no mail sent");
    }
    signin::check_mail().into_response()
}

/// Mails a sign-in link if the directory knows `address`.
async fn send_link(st: &AppState, address: &str) -> anyhow::Result<()> {
    let people = st.backend.people().await?;
    let Some(person) = people
        .iter()
        .find(|p| p.erased_at.is_none() && p.email.as_ref().is_some_and(|e| e.as_str().to_lowercase() == address))
    else {
        return Ok(());
    };
    let ttl = Duration::from_secs(60 * st.settings.link_minutes);
    let secret = st.store.new_link(person.id, Timestamp::now(), ttl).await?;
    let url = format!("{}/logga-in/{secret}", st.settings.public_url.trim_end_matches('/'));
    let greeting = person.name.as_ref().map_or_else(|| "Hej!".to_owned(), |n| format!("Hej {n}!"));
    let text = format!(
        "{greeting}\n\nKlicka på länken för att logga in i Lofte:\n\n{url}\n\nLänken gäller i {} minuter och kan bara \
         användas en gång. Bad du inte om den kan du bortse från det här mejlet.\n",
        st.settings.link_minutes
    );
    let from: Mailbox = st.settings.from.parse()?;
    let to: Mailbox = address.parse()?;
    let msg = Message::builder()
        .from(from)
        .to(to)
        .subject("Logga in i Lofte")
        .message_id(Some(format!("<inloggning-{}@lofte>", uuid::Uuid::now_v7())))
        .date_now()
        .body(text)?;
    st.mailer.send_with_retries(&msg, 3).await?;
    Ok(())
}

/// `GET /logga-in/{secret}`: a button, so that a scanner following the link does not use it.
pub async fn confirm(State(st): State<AppState>, Path(secret): Path<String>, headers: HeaderMap) -> Response {
    match st.store.link_valid(&secret, Timestamp::now()) {
        Ok(true) => {
            let (token, fresh) = pre_token(&headers);
            with_pre(&st, &token, fresh, signin::confirm(&secret, &token))
        }
        Ok(false) => (StatusCode::NOT_FOUND, signin::link_gone()).into_response(),
        Err(e) => unavailable(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct Token {
    #[serde(default)]
    _csrf: String,
}

/// `POST /logga-in/{secret}`: the link taken, a session begun.
pub async fn sign_in(
    State(st): State<AppState>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Token>,
) -> Response {
    if !pre_ok(&headers, &f._csrf) {
        return forbidden();
    }
    let now = Timestamp::now();
    let person = match st.store.take_link(&secret, now).await {
        Ok(Some(p)) => p,
        Ok(None) => return (StatusCode::NOT_FOUND, signin::link_gone()).into_response(),
        Err(e) => return unavailable(e),
    };
    match st.backend.person(person).await {
        Ok(Some(_)) => {}
        Ok(None) => return (StatusCode::NOT_FOUND, signin::link_gone()).into_response(),
        Err(e) => return unavailable(e),
    }
    let (cookie_value, _) = match st.store.new_session(person, now).await {
        Ok(s) => s,
        Err(e) => return unavailable(e),
    };
    let mut resp = Redirect::to("/").into_response();
    let idle = 60 * st.settings.idle_minutes;
    resp.headers_mut().append(header::SET_COOKIE, set_cookie(&st.settings, SESSION, &cookie_value, idle));
    resp.headers_mut().append(header::SET_COOKIE, set_cookie(&st.settings, PRE, "", 0));
    resp
}

/// `POST /logga-ut`.
pub async fn sign_out(State(st): State<AppState>, headers: HeaderMap, Form(f): Form<Token>) -> Response {
    let Some((cookie_value, session)) = super::home::session(&st, &headers) else {
        return Redirect::to("/logga-in").into_response();
    };
    if !same(&session.csrf, &f._csrf) {
        return forbidden();
    }
    if let Err(e) = st.store.end_session(&cookie_value).await {
        return unavailable(e);
    }
    let mut resp = Redirect::to("/logga-in").into_response();
    resp.headers_mut().append(header::SET_COOKIE, set_cookie(&st.settings, SESSION, "", 0));
    resp
}
