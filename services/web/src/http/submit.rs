//! Submitting a tertial's follow-up for an activity (`follow_up_submitted`), on behalf of the
//! person, once per form (the same nonce as the forms for logging).

use std::collections::BTreeMap;

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use lofte_ledger_client::ClientError;
use serde_json::json;

use super::{
    log::{context, not_found, posted, Posted},
    unavailable, AppState,
};
use crate::{html, store, todo};

/// `GET /plan/{plan}/aktivitet/{activity}/lamna/{tertial}`.
pub async fn page(
    State(st): State<AppState>,
    Path((plan, activity, tertial)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let (who, _, c, a) = match context(&st, &headers, &plan, &activity).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if !c.tertials.contains(&tertial) {
        return not_found();
    }
    let cell = &a["cells"][tertial.as_str()];
    let submitted: Vec<String> =
        c.orgs.iter().filter(|(o, _)| cell["submitted"].get(o.as_str()).is_some()).map(|(_, n)| n.clone()).collect();
    html::submit::page_for(&who, &c, &tertial, &todo::logged(cell), &submitted, &store::secret()).into_response()
}

/// `POST /plan/{plan}/aktivitet/{activity}/lamna/{tertial}`.
pub async fn submit(
    State(st): State<AppState>,
    Path((plan, activity, tertial)): Path<(String, String, String)>,
    headers: HeaderMap,
    Form(values): Form<BTreeMap<String, String>>,
) -> Response {
    let Posted { person, c, once, .. } = match posted(&st, &headers, &plan, &activity, &values).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !c.tertials.contains(&tertial) {
        return not_found();
    }
    let actor = match values.get("organisation") {
        Some(o) if c.orgs.iter().any(|(id, _)| id == o) => o.clone(),
        Some(_) => return super::forbidden(),
        None => c.orgs[0].0.clone(),
    };
    let data = json!({"activity": activity, "tertial": tertial});
    match st.backend.record_for(person.id, &plan, &actor, "follow_up_submitted", data, &once).await {
        Ok(_) => Redirect::to(&format!("{}?lamnad={tertial}", c.base())).into_response(),
        Err(ClientError::Refused(p)) if p.status == 403 => super::forbidden(),
        Err(e) => unavailable(e),
    }
}
