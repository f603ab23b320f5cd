//! `/samordna`: the plans a coordinator coordinates; `/samordna/{plan}`: Översikt of one. Also
//! what approving and setting due dates share: the coordinator and the plan ([`context`]), and
//! the check of a posted form ([`checked`]).

use std::{collections::BTreeMap, time::Duration};

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use jiff::Timestamp;
use lofte_ledger_client::Appended;
use lofte_proto::{date::local_date, people::Person, people::PersonRole, tertial::Tertial};
use serde_json::Value;

use crate::{
    backend::BackendError,
    html::{self, coord::overview as page, words, Who},
    http::{access, unavailable, AppState},
    overview,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/samordna", get(plans)).route("/samordna/{plan}", get(plan))
}

/// A coordinator and a plan they coordinate.
pub(super) struct Coord {
    pub who: Who,
    pub person: Person,
    pub summary: Value,
    /// The organisation they record for in the plan ([`overview::actor`]).
    pub actor: String,
}

impl Coord {
    pub fn plan(&self) -> &str {
        self.summary["plan"].as_str().unwrap_or_default()
    }

    pub fn title(&self) -> &str {
        self.summary["title"].as_str().unwrap_or_default()
    }

    /// `tertial` if it is one of the plan's.
    pub fn tertial(&self, tertial: &str) -> Option<Tertial> {
        overview::tertials(&self.summary).into_iter().find(|t| t.to_string() == tertial)
    }
}

/// "Sidan finns inte" for a coordinator: a plan they do not coordinate, a tertial not the plan's.
pub(super) fn not_found() -> Response {
    let body = html::page(
        &html::Shell { title: "Sidan finns inte", ..Default::default() },
        maud::html! { h1 { "Sidan finns inte" } p { a href="/samordna" { "Till Översikt" } } },
    );
    (StatusCode::NOT_FOUND, body).into_response()
}

/// The coordinator signed in and the plan `plan`, or the answer instead: to sign-in, `403`
/// without a coordinator entry, `404` for a plan they do not coordinate.
pub(super) async fn context(st: &AppState, headers: &HeaderMap, plan: &str) -> Result<Coord, Response> {
    let (signed, person) = access::require(st, headers, PersonRole::Coordinator).await?;
    let summary = match st.backend.summary(plan).await {
        Ok(s) => s,
        Err(BackendError::Projector { .. }) => return Err(not_found()),
        Err(e) => return Err(unavailable(e)),
    };
    match overview::actor(&person, &summary).filter(|_| overview::coordinates(&person, &summary)) {
        Some(actor) => Ok(Coord { who: signed.who, person, summary, actor }),
        None => Err(not_found()),
    }
}

pub(super) use crate::http::checked;

/// After recording: waits briefly for the projector to take it in, so Översikt shows it.
pub(super) async fn settle(st: &AppState, plan: &str, appended: &Appended) {
    if let Some(seq) = appended.event()["seq"].as_u64() {
        st.backend.caught_up(plan, seq, Duration::from_secs(3)).await;
    }
}

/// `GET /samordna`.
async fn plans(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let (signed, person) = match access::require(&st, &headers, PersonRole::Coordinator).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match st.backend.coordinated(&person).await {
        Ok(summaries) => {
            let listed: Vec<(String, String)> = summaries
                .iter()
                .map(|s| {
                    (
                        s["plan"].as_str().unwrap_or_default().to_owned(),
                        s["title"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            page::plans(&signed.who, &listed).into_response()
        }
        Err(e) => unavailable(e),
    }
}

/// `GET /samordna/{plan}` (`?godkand=T`, `?sista-dag=T`: what was just done).
async fn plan(
    State(st): State<AppState>,
    Path(plan): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let c = match context(&st, &headers, &plan).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let today = local_date(Timestamp::now());
    let o = overview::overview(&c.summary, today, st.settings.default_due_after_days);
    let notice = match (q.get("godkand"), q.get("sista-dag")) {
        (Some(t), _) if c.tertial(t).is_some() => {
            let again =
                if q.contains_key("igen") { " Det var redan gjort – det godkändes bara en gång." } else { "" };
            Some(format!("{} är godkänd.{again}", words::tertial_cap(t)))
        }
        (_, Some(t)) if c.tertial(t).is_some() => {
            let due = o.tertials.iter().find(|x| x.id == *t).map(|x| overview::swedish_date(x.due));
            Some(format!("Sista dag för {} är sparad: {}.", words::tertial(t), due.unwrap_or_default()))
        }
        _ => None,
    };
    page::overview(&c.who, &o, notice.as_deref()).into_response()
}
