//! The people directory over HTTP (ADR 0017): `GET|POST /v1/people`, `GET|PUT|DELETE
//! /v1/people/{id}`, `GET /v1/people/changes`. Coordinators add, change and erase — with their
//! own token, or through a delegate token (the web application's) naming a coordinator of the
//! directory with `Lofte-On-Behalf-Of`, recorded as `person:<id>:via:<token id>` (ADR 0019);
//! coordinators, auditors and services (the notifier looks addresses up) read. Nothing here is
//! in the chain.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension, Json,
};
use jiff::Timestamp;
use lofte_proto::{
    auth::Role,
    people::{NewPerson, Person, PersonChange, PersonRole},
};
use lofte_service::auth::{forbidden, Principal};
use uuid::Uuid;

use super::routes::AppState;
use crate::{
    people::{Changed, DirectoryError},
    principal::ON_BEHALF_OF,
    problem::Problem,
    problem::ProblemDoc,
};

const READERS: &[Role] = &[Role::Coordinator, Role::Auditor, Role::Service];

fn problem(e: DirectoryError) -> Problem {
    match e {
        DirectoryError::NotFound(_) => Problem::new(StatusCode::NOT_FOUND, "no-such-person", e.to_string()),
        DirectoryError::Erased(_) => Problem::new(StatusCode::CONFLICT, "erased", e.to_string()),
        other => Problem::internal(other),
    }
}

fn author(who: &Principal) -> String {
    match who {
        Principal::Token(t) => t.author(),
        _ => "open".to_owned(),
    }
}

/// Who changes the directory, as its audit record names them: a coordinator token itself, or —
/// through a delegate token naming a person with `Lofte-On-Behalf-Of` — a coordinator of the
/// directory, `person:<id>:via:<token id>`. Anyone else: `401`/`403`, nothing written.
fn changer(st: &AppState, who: &Principal, headers: &HeaderMap) -> Result<String, Problem> {
    let Some(named) = headers.get(ON_BEHALF_OF) else {
        who.require(&[Role::Coordinator], "change the people directory")?;
        return Ok(author(who));
    };
    let via = match who {
        Principal::Token(t) if t.delegate => t.id.clone(),
        Principal::Open => "open".to_owned(),
        Principal::Token(t) => {
            return Err(forbidden(format!("a {} token without delegation may not act on behalf of a person", t.role))
                .field(ON_BEHALF_OF))
        }
        Principal::Anonymous => {
            who.authenticated()?;
            String::new()
        }
    };
    let id: Uuid = named.to_str().ok().and_then(|v| v.trim().parse().ok()).ok_or_else(|| {
        Problem::new(StatusCode::BAD_REQUEST, "bad-header", "Lofte-On-Behalf-Of: a person's id (a UUID)")
            .field(ON_BEHALF_OF)
    })?;
    match st.people.get(&id).map_err(problem)? {
        Some(p) if p.erased_at.is_none() && p.role == PersonRole::Coordinator => Ok(format!("person:{id}:via:{via}")),
        _ => Err(forbidden("only a coordinator of the directory changes it").field(ON_BEHALF_OF)),
    }
}

fn person_id(id: &str) -> Result<Uuid, Problem> {
    id.parse().map_err(|_| Problem::new(StatusCode::NOT_FOUND, "no-such-person", format!("no person {id}")))
}

/// Everyone in the directory (erased people without name and address).
#[utoipa::path(get, path = "/v1/people", responses(
    (status = 200, description = "The directory", body = Vec<Person>),
    (status = 403, description = "Not a coordinator, auditor or service", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn list(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>) -> Result<Response, Problem> {
    who.require(READERS, "read the people directory")?;
    Ok(Json(st.people.list().map_err(problem)?).into_response())
}

/// One person.
#[utoipa::path(get, path = "/v1/people/{id}", params(("id" = String, Path, description = "The person's id")), responses(
    (status = 200, description = "The person", body = Person),
    (status = 404, description = "No such person", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn get(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    who.require(READERS, "read the people directory")?;
    let id = person_id(&id)?;
    let p = st.people.get(&id).map_err(problem)?.ok_or_else(|| problem(DirectoryError::NotFound(id)))?;
    Ok(Json(p).into_response())
}

/// Adds a person: a reporter for organisations, or a coordinator. The same address and role again
/// is the same person: `200`, with what the request adds (organisations, plans, a name) merged.
#[utoipa::path(post, path = "/v1/people", request_body = NewPerson, responses(
    (status = 201, description = "Added", body = Person),
    (status = 200, description = "Already there (what the request adds merged)", body = Person),
    (status = 422, description = "Invalid, the field named", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn add(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let by = changer(&st, &who, &headers)?;
    let body = body.map_err(|r| Problem::new(r.status(), "bad-body", r.body_text()))?;
    let new = NewPerson::parse(&body)
        .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-person", e.message).field(e.field))?;
    let (p, created) = st.people.add(new, &by, Timestamp::now()).await.map_err(problem)?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(p)).into_response())
}

/// Erases a person: name and address are gone, here and in the audit record; the id, role and
/// organisations stay, so what mentions them still says "a reporter for Polisen". The log is not
/// touched and still verifies.
#[utoipa::path(delete, path = "/v1/people/{id}", params(("id" = String, Path, description = "The person's id")), responses(
    (status = 200, description = "Erased", body = Person),
    (status = 404, description = "No such person", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn erase(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let by = changer(&st, &who, &headers)?;
    let id = person_id(&id)?;
    Ok(Json(st.people.erase(&id, &by, Timestamp::now()).await.map_err(problem)?).into_response())
}

/// Changes a person: their name, organisations and plans, as given (all of them); the role and
/// address stay. Audited as a change; an erased person cannot be changed (`409`).
#[utoipa::path(put, path = "/v1/people/{id}", params(("id" = String, Path, description = "The person's id")),
    request_body = Changed, responses(
    (status = 200, description = "Changed (or already so)", body = Person),
    (status = 404, description = "No such person", body = ProblemDoc, content_type = "application/problem+json"),
    (status = 409, description = "Erased", body = ProblemDoc, content_type = "application/problem+json"),
    (status = 422, description = "Invalid, the field named", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn change(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let by = changer(&st, &who, &headers)?;
    let id = person_id(&id)?;
    let body = body.map_err(|r| Problem::new(r.status(), "bad-body", r.body_text()))?;
    let to = Changed::parse(&body)
        .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-person", e.message).field(e.field))?;
    Ok(Json(st.people.change(&id, to, &by, Timestamp::now()).await.map_err(problem)?).into_response())
}

/// Who changed whom, when: every addition and erasure; an erased person's values are purged.
#[utoipa::path(get, path = "/v1/people/changes", responses(
    (status = 200, description = "The audit record, oldest first", body = Vec<PersonChange>)))]
pub async fn changes(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
) -> Result<Response, Problem> {
    who.require(&[Role::Coordinator, Role::Auditor], "read the people directory's changes")?;
    Ok(Json(st.people.changes().map_err(problem)?).into_response())
}
