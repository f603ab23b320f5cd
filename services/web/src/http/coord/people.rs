//! `/samordna/personer`: the people directory (ADR 0017) for coordinators — the list, adding a
//! person, changing one (name, organisations, plans) and erasing one after a page saying what
//! that means. Each change goes to the ledger on behalf of the coordinator signed in (its delegate
//! token naming them, ADR 0019); the ledger audits it as theirs. The form is checked first with
//! the ledger's own rules (`people_form`), and what the ledger refuses (`422` naming a field,
//! `409` for an erased person) is said at the form's field; nothing is written then.
//!
//! Every POST carries the session's token and a nonce (`403` otherwise, nothing written). The
//! ledger's operations are idempotent themselves — the same address and role added again is the
//! same person, a change sets the values given, erasing twice erases once — so a double click
//! changes nothing more. Success answers `303` to the list, which says what was done.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Form, Router,
};
use lofte_ledger_client::ClientError;
use lofte_proto::people::{Person, PersonRole};
use uuid::Uuid;

use super::overview::{checked, not_found};
use crate::{
    html::{coord::people as page, Who},
    http::{access, forbidden, unavailable, AppState},
    people_form::{self as form, role_word, Errors, Known, Posted},
    store,
};

const LIST: &str = "/samordna/personer";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(LIST, get(list))
        .route("/samordna/personer/ny", get(add_form).post(add))
        .route("/samordna/personer/{id}/andra", get(change_form).post(change))
        .route("/samordna/personer/{id}/ta-bort", get(erase_form).post(erase))
}

/// The coordinator signed in, the directory and the choices.
struct Ctx {
    who: Who,
    me: Person,
    people: Vec<Person>,
    known: Known,
}

impl Ctx {
    /// The person with `id` (erased or not).
    fn person(&self, id: &str) -> Option<&Person> {
        let id: Uuid = id.parse().ok()?;
        self.people.iter().find(|p| p.id == id)
    }
}

#[allow(clippy::result_large_err)]
async fn ctx(st: &AppState, headers: &HeaderMap) -> Result<Ctx, Response> {
    let (s, me) = access::require(st, headers, PersonRole::Coordinator).await?;
    let people = st.backend.people().await.map_err(unavailable)?;
    let known = st.backend.known().await.map_err(unavailable)?;
    Ok(Ctx { who: s.who, me, people, known })
}

/// The posted form and its nonce, once its token is the session's and the nonce well-formed;
/// `403` otherwise.
#[allow(clippy::result_large_err)]
fn posted(who: &Who, values: &[(String, String)]) -> Result<(Posted, String), Response> {
    let map: BTreeMap<String, String> =
        values.iter().filter(|(k, _)| k.starts_with('_')).map(|(k, v)| (k.clone(), v.clone())).collect();
    checked(who, &map).map(|once| (Posted::read(values), once))
}

fn refused(errors: Errors, markup: impl FnOnce(&Errors) -> maud::Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, markup(&errors)).into_response()
}

/// What the list says after a change (`?tillagd=`, `?fanns=`, `?andrad=`, `?borttagen=`: an id).
fn notice(c: &Ctx, q: &BTreeMap<String, String>) -> Option<String> {
    let (what, id) = q.iter().next()?;
    let p = c.person(id)?;
    let role = role_word(p.role);
    Some(match what.as_str() {
        "tillagd" => format!("{} är tillagd som {role}.", page::label(p)),
        "fanns" => format!("{} fanns redan som {role}: det du angav är tillagt.", page::label(p)),
        "andrad" => format!("Ändringarna för {} är sparade.", page::label(p)),
        "borttagen" => {
            format!("Personen är borttagen: namn och e-postadress är raderade. Kvar står {}.", p.described())
        }
        _ => return None,
    })
}

/// `GET /samordna/personer`.
async fn list(State(st): State<AppState>, headers: HeaderMap, Query(q): Query<BTreeMap<String, String>>) -> Response {
    match ctx(&st, &headers).await {
        Ok(c) => page::list(&c.who, &c.known, &c.people, c.me.id, notice(&c, &q).as_deref()).into_response(),
        Err(r) => r,
    }
}

/// `GET /samordna/personer/ny`.
async fn add_form(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match ctx(&st, &headers).await {
        Ok(c) => page::add(&c.who, &c.known, &Posted::default(), &store::secret(), &vec![]).into_response(),
        Err(r) => r,
    }
}

/// The ledger's refusal of a form: at its field (`422`), or the answer instead.
#[allow(clippy::result_large_err)]
fn ledger_refused(e: ClientError) -> Result<(String, String), Response> {
    match e {
        ClientError::Refused(p) if p.status == 422 => Ok(form::ledger_error(p.field.as_deref(), &p.detail)),
        ClientError::Refused(p) if p.status == 409 => {
            Ok((form::NAME.to_owned(), "Personen är borttagen och kan inte ändras längre.".to_owned()))
        }
        ClientError::Refused(p) if p.status == 404 => Err(not_found()),
        ClientError::Refused(p) if p.status == 403 => Err(forbidden()),
        e => Err(unavailable(e)),
    }
}

/// `POST /samordna/personer/ny`.
async fn add(State(st): State<AppState>, headers: HeaderMap, Form(values): Form<Vec<(String, String)>>) -> Response {
    let c = match ctx(&st, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (f, once) = match posted(&c.who, &values) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let new = match form::check_new(&f, &c.known) {
        Ok(n) => n,
        Err(errors) => return refused(errors, |e| page::add(&c.who, &c.known, &f, &once, e)),
    };
    match st.backend.ledger.add_person_for(c.me.id, &new).await {
        Ok((p, created)) => {
            Redirect::to(&format!("{LIST}?{}={}", if created { "tillagd" } else { "fanns" }, p.id)).into_response()
        }
        Err(e) => match ledger_refused(e) {
            Ok(error) => refused(vec![error], |e| page::add(&c.who, &c.known, &f, &once, e)),
            Err(r) => r,
        },
    }
}

/// `GET /samordna/personer/{id}/andra`.
async fn change_form(State(st): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let c = match ctx(&st, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match c.person(&id).filter(|p| p.erased_at.is_none()) {
        Some(p) => {
            let known = c.known.clone().with(p);
            page::change(&c.who, &known, p, &Posted::of(p), &store::secret(), &vec![]).into_response()
        }
        None => not_found(),
    }
}

/// `POST /samordna/personer/{id}/andra`.
async fn change(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(values): Form<Vec<(String, String)>>,
) -> Response {
    let c = match ctx(&st, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (f, once) = match posted(&c.who, &values) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(p) = c.person(&id) else { return not_found() };
    let known = c.known.clone().with(p);
    let to = match form::check_change(&f, &known) {
        Ok(t) => t,
        Err(errors) => return refused(errors, |e| page::change(&c.who, &known, p, &f, &once, e)),
    };
    let name = to.name.as_ref().map(|n| n.as_str());
    match st.backend.ledger.change_person_for(c.me.id, p.id, name, &to.orgs, &to.plans).await {
        Ok(p) => Redirect::to(&format!("{LIST}?andrad={}", p.id)).into_response(),
        Err(e) => match ledger_refused(e) {
            Ok(error) => refused(vec![error], |e| page::change(&c.who, &known, p, &f, &once, e)),
            Err(r) => r,
        },
    }
}

/// `GET /samordna/personer/{id}/ta-bort`.
async fn erase_form(State(st): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let c = match ctx(&st, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match c.person(&id).filter(|p| p.erased_at.is_none()) {
        Some(p) => page::erase(&c.who, &c.known, p, &store::secret(), None).into_response(),
        None => not_found(),
    }
}

/// `POST /samordna/personer/{id}/ta-bort`.
async fn erase(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(values): Form<Vec<(String, String)>>,
) -> Response {
    let c = match ctx(&st, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(r) = posted(&c.who, &values) {
        return r;
    }
    let Some(p) = c.person(&id) else { return not_found() };
    if p.id == c.me.id {
        let once = store::secret();
        let why = "Du kan inte ta bort dig själv. Be en annan samordnare göra det.";
        return (StatusCode::UNPROCESSABLE_ENTITY, page::erase(&c.who, &c.known, p, &once, Some(why))).into_response();
    }
    match st.backend.ledger.erase_person_for(c.me.id, p.id).await {
        Ok(p) => Redirect::to(&format!("{LIST}?borttagen={}", p.id)).into_response(),
        Err(ClientError::Refused(p)) if p.status == 404 => not_found(),
        Err(ClientError::Refused(p)) if p.status == 403 => forbidden(),
        Err(e) => unavailable(e),
    }
}
