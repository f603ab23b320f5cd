//! `GET /granska/plan/{plan}/underlag/{activity}` (`?per=` as known at a moment): the events
//! behind each figure of the activity's cells (the projector's provenance), each linking to its
//! event page.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, Query, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use uuid::Uuid;

use super::{asof::not_found, auditor, event_of};
use crate::{
    backend::BackendError,
    history::when::{self, End},
    html::audit::trail::{self, Figures},
    http::{unavailable, AppState},
};

/// Events listed per figure at most (a count's figure may stand on thousands).
const LISTED: usize = 200;

pub fn routes() -> Router<AppState> {
    Router::new().route("/granska/plan/{plan}/underlag/{activity}", get(provenance))
}

async fn provenance(
    State(st): State<AppState>,
    Path((plan, activity)): Path<(String, String)>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let signed = match auditor(&st, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let at = q.get("per").and_then(|p| when::parse(p, End::After)).map(|t| t - jiff::SignedDuration::from_nanos(1));
    let v = match st.backend.provenance_at(&plan, &activity, at).await {
        Ok(v) => v,
        Err(BackendError::Projector { .. }) => return not_found(),
        Err(e) => return unavailable(e),
    };
    let plans = st.backend.plans().await.unwrap_or_default();
    let h = match st.backend.history().await {
        Ok(h) => h,
        Err(e) => return unavailable(e),
    };
    let tertials: Vec<Figures> = v["tertials"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| Figures {
            tertial: t["tertial"].as_str().unwrap_or_default().to_owned(),
            figures: t["figures"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    let ids: Vec<Uuid> = f["event_ids"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|i| i.as_str()?.parse().ok())
                        .collect();
                    let listed = ids.iter().take(LISTED).filter_map(|id| h.get(id).map(event_of)).collect();
                    (f["figure"].as_str().unwrap_or_default().to_owned(), listed, ids.len().saturating_sub(LISTED))
                })
                .collect(),
        })
        .collect();
    let title = v["title"].as_str().unwrap_or(&activity).to_owned();
    let per = at.map(when::exact);
    trail::provenance(&signed.who, &plan, &title, per.as_deref(), &tertials, &plans).into_response()
}
