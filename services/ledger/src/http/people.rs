//! The people directory over HTTP (ADR 0017): `GET|POST /v1/people`, `GET|DELETE
//! /v1/people/{id}`, `GET /v1/people/changes`. Coordinators add and erase; coordinators, auditors
//! and services (the notifier looks addresses up) read. Nothing here is in the chain.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Extension, Json,
};
use jiff::Timestamp;
use lofte_proto::{
    auth::Role,
    people::{NewPerson, Person, PersonChange},
};
use lofte_service::auth::Principal;
use uuid::Uuid;

use super::routes::AppState;
use crate::{people::DirectoryError, problem::Problem, problem::ProblemDoc};

const READERS: &[Role] = &[Role::Coordinator, Role::Auditor, Role::Service];

fn problem(e: DirectoryError) -> Problem {
    match e {
        DirectoryError::NotFound(_) => Problem::new(StatusCode::NOT_FOUND, "no-such-person", e.to_string()),
        other => Problem::internal(other),
    }
}

fn author(who: &Principal) -> String {
    match who {
        Principal::Token(t) => t.author(),
        _ => "open".to_owned(),
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
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    who.require(&[Role::Coordinator], "change the people directory")?;
    let body = body.map_err(|r| Problem::new(r.status(), "bad-body", r.body_text()))?;
    let new = NewPerson::parse(&body)
        .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-person", e.message).field(e.field))?;
    let (p, created) = st.people.add(new, &author(&who), Timestamp::now()).await.map_err(problem)?;
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
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    who.require(&[Role::Coordinator], "change the people directory")?;
    let id = person_id(&id)?;
    Ok(Json(st.people.erase(&id, &author(&who), Timestamp::now()).await.map_err(problem)?).into_response())
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
