//! Who may open a page. The public pages need no one; every other page needs a session and the
//! directory entry of the page's role (reporter, coordinator, auditor) for the signed-in address.
//! Without a session: to the sign-in page. Signed in without that role: `403`, in words.

use axum::{
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use lofte_proto::people::{Person, PersonRole};

use super::{home::session, unavailable, AppState};
use crate::html::{self, Who};

/// Someone signed in: how the header shows them and every directory entry of their address.
#[derive(Debug, Clone)]
pub struct Signed {
    pub who: Who,
    pub entries: Vec<Person>,
}

impl Signed {
    /// Their entry in `role`, if they have one.
    pub fn entry(&self, role: PersonRole) -> Option<&Person> {
        self.entries.iter().find(|p| p.role == role)
    }
}

/// The person signed in, if any (`Err`: the directory cannot be read now).
pub async fn signed(st: &AppState, headers: &HeaderMap) -> Result<Option<Signed>, Response> {
    let Some((_, session)) = session(st, headers) else { return Ok(None) };
    let entries = st.backend.entries(session.person).await.map_err(unavailable)?;
    let Some(first) = entries.first() else { return Ok(None) };
    let mut who = Who::of(first, session.csrf);
    who.roles = entries.iter().map(|p| p.role).collect();
    who.roles.sort();
    who.roles.dedup();
    Ok(Some(Signed { who, entries }))
}

/// The person signed in and their entry in `role`; or the answer instead: to sign-in without a
/// session, `403` without the role.
pub async fn require(st: &AppState, headers: &HeaderMap, role: PersonRole) -> Result<(Signed, Person), Response> {
    let Some(s) = signed(st, headers).await? else { return Err(Redirect::to("/logga-in").into_response()) };
    match s.entry(role).cloned() {
        Some(p) => Ok((s, p)),
        None => Err(not_yours(&s.who, role)),
    }
}

/// `403`: a page for another role.
pub fn not_yours(who: &Who, role: PersonRole) -> Response {
    let what = match role {
        PersonRole::Reporter => "rapportörer",
        PersonRole::Coordinator => "samordnare",
        PersonRole::Auditor => "granskare",
    };
    let body = html::page(
        &html::Shell { title: "Ingen behörighet", who: Some(who), ..Default::default() },
        maud::html! {
            h1 { "Ingen behörighet" }
            p { "Den här sidan är för " (what) ". Din e-postadress finns inte i Lofte som det." }
            p { a href="/" { "Till startsidan" } }
        },
    );
    (StatusCode::FORBIDDEN, body).into_response()
}
