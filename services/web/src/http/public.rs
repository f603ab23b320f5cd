//! The public pages, no sign-in (signed in, the header shows who): the plans with an approved
//! follow-up, each plan's follow-up as approved with downloads, and the events behind each approved
//! cell. Everything is read from the projector as the public reads it (`backend/public.rs`), so
//! nothing unapproved can show here; a bad plan, tertial, activity or file is a `404` in words.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use lofte_proto::{
    ids::{ActivityId, PlanId},
    tertial::Tertial,
};
use serde_json::Value;

use super::{access, unavailable, AppState};
use crate::html::{
    public::{
        self as pages,
        download::{self, Format},
        table::{self, Listed},
        why,
    },
    words::tertial_cap,
    Who,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rapporter", get(home))
        .route("/rapporter/{plan}", get(report))
        .route("/rapporter/{plan}/{file}", get(file))
        .route("/rapporter/{plan}/underlag/{tertial}/{activity}", get(underlag))
}

/// Who is signed in, for the header (`None`: no one; `Err`: the directory cannot be read now).
async fn who(st: &AppState, headers: &HeaderMap) -> Result<Option<Who>, Response> {
    Ok(access::signed(st, headers).await?.map(|s| s.who))
}

fn not_found(who: Option<&Who>, why: &str) -> Response {
    (StatusCode::NOT_FOUND, pages::not_found(who, why)).into_response()
}

/// `GET /rapporter` (and `/` for someone not signed in): the plans with an approved follow-up.
pub async fn home(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let who = match who(&st, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    match st.backend.public_plans().await {
        Ok(plans) => {
            let listed: Vec<Listed> = plans.iter().filter_map(Listed::from_json).collect();
            pages::list(who.as_ref(), &listed).into_response()
        }
        Err(e) => unavailable(e),
    }
}

/// A plan's listing and the approved reports its columns are read from; or the answer instead.
async fn load(st: &AppState, who: Option<&Who>, plan: &str) -> Result<(Listed, BTreeMap<Tertial, Value>), Response> {
    let gone = || not_found(who, "Det finns ingen godkänd uppföljning med den adressen.");
    if PlanId::new(plan).is_err() {
        return Err(gone());
    }
    let plans = st.backend.public_plans().await.map_err(unavailable)?;
    let listed = plans.iter().filter_map(Listed::from_json).find(|p| p.plan == plan).ok_or_else(gone)?;
    let mut reports = BTreeMap::new();
    for source in table::sources(&listed.approved).into_values() {
        if reports.contains_key(&source) {
            continue;
        }
        let r = st.backend.approved_report(plan, &source.to_string()).await.map_err(unavailable)?;
        reports.insert(source, r.ok_or_else(gone)?);
    }
    Ok((listed, reports))
}

/// `GET /rapporter/{plan}`: the follow-up as approved.
pub async fn report(State(st): State<AppState>, headers: HeaderMap, Path(plan): Path<String>) -> Response {
    let who = match who(&st, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    match load(&st, who.as_ref(), &plan).await {
        Ok((listed, reports)) => pages::report(who.as_ref(), &table::build(&listed, &reports)).into_response(),
        Err(r) => r,
    }
}

/// `GET /rapporter/{plan}/rapport.md|csv|json`: the same follow-up as a file.
pub async fn file(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((plan, file)): Path<(String, String)>,
) -> Response {
    let who = match who(&st, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let Some(format) = Format::of_file(&file) else {
        return not_found(
            who.as_ref(),
            "Uppföljningen finns att ladda ner som rapport.md, rapport.csv och rapport.json.",
        );
    };
    let (listed, reports) = match load(&st, who.as_ref(), &plan).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let body = download::render(&table::build(&listed, &reports), format);
    // The plan id is a slug (checked by `load`): safe in a header.
    let name = format!("attachment; filename=\"{plan}-uppfoljning.{}\"", format.extension());
    let disposition = HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(format.content_type())),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// `GET /rapporter/{plan}/underlag/{tertial}/{activity}`: the events behind an approved cell.
pub async fn underlag(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((plan, tertial, activity)): Path<(String, String, String)>,
) -> Response {
    let who = match who(&st, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let who = who.as_ref();
    let (Ok(t), Ok(_)) = (tertial.parse::<Tertial>(), ActivityId::new(&activity)) else {
        return not_found(who, "Det finns inget underlag med den adressen.");
    };
    let (listed, reports) = match load(&st, who, &plan).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let tertial = t.to_string();
    let source = table::sources(&listed.approved).get(&t).copied();
    let (Some(source), Some(report)) = (source, source.and_then(|s| reports.get(&s))) else {
        let why = format!("{} är inte godkänd ännu: det finns inget underlag att visa.", tertial_cap(&tertial));
        return not_found(who, &why);
    };
    let summary = &report["summary"];
    let Some(a) = summary["promises"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["activities"].as_array().into_iter().flatten())
        .find(|a| a["id"] == activity.as_str())
    else {
        return not_found(who, "Planen har ingen aktivitet med den adressen.");
    };
    let prov = match st.backend.approved_provenance(&plan, &source.to_string(), &activity).await {
        Ok(Some(p)) => p,
        Ok(None) => return not_found(who, "Det finns inget underlag med den adressen."),
        Err(e) => return unavailable(e),
    };
    let figures = prov["tertials"].as_array().into_iter().flatten().find(|x| x["tertial"] == tertial.as_str());
    let cell = &a["cells"][tertial.as_str()];
    let names = why::Names(summary);
    let w = pages::WhyPage {
        plan: &plan,
        report_title: &table::build(&listed, &reports).title,
        activity: a["title"].as_str().unwrap_or_default(),
        tertial: &tertial,
        approved: listed.approved.get(&source).copied().unwrap_or_default(),
        source: &source.to_string(),
    };
    let figures = why::figures(figures.map_or(&Value::Null, |f| &f["figures"]), cell, &names);
    pages::why(who, &w, &figures, &why::retracted(cell, &names)).into_response()
}
