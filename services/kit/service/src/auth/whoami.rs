//! `GET /v1/whoami`: who a token is — its id, role and organisation — so that a client (the CLI,
//! the web application) can default to the organisation a reporter reports for. Every service
//! answers it; it never shows the token or its hash.

use axum::{response::IntoResponse, Extension, Json};
use lofte_proto::{auth::Role, ids::OrgId};
use serde::{Deserialize, Serialize};

use super::Principal;

/// Who the request's token is.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WhoAmI {
    /// A valid token was sent.
    pub authenticated: bool,
    /// The service runs without tokens: everything is allowed (development only).
    pub open: bool,
    /// The token's public id, recorded as the author of what it writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "reporter")]
    pub role: Option<Role>,
    /// The organisation a reporter reports for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "polisen")]
    pub org: Option<OrgId>,
    /// Who holds it, as the tokens file says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl WhoAmI {
    pub fn of(p: &Principal) -> WhoAmI {
        let none = |open| WhoAmI { authenticated: false, open, token: None, role: None, org: None, name: None };
        match p {
            Principal::Open => none(true),
            Principal::Anonymous => none(false),
            Principal::Token(t) => WhoAmI {
                authenticated: true,
                open: false,
                token: Some(t.id.clone()),
                role: Some(t.role),
                org: t.org.clone(),
                name: t.name.clone(),
            },
        }
    }
}

/// Who the bearer token is (anonymous without one).
#[utoipa::path(get, path = "/v1/whoami", responses((status = 200, description = "Who the token is", body = WhoAmI)))]
pub async fn whoami(Extension(p): Extension<Principal>) -> impl IntoResponse {
    Json(WhoAmI::of(&p))
}

/// The OpenAPI part every service's document gets.
#[derive(Debug, utoipa::OpenApi)]
#[openapi(paths(whoami), components(schemas(WhoAmI)))]
pub struct WhoAmIDoc;
