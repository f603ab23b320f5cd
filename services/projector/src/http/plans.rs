//! `GET /v1/plans`, and per plan: `summary`, `report`, `provenance`, `pending`. A current read
//! takes the plan's kept fold (brought forward from the views, ADR 0018); a read as of a moment
//! folds the plan's events; both are the shared fold, so what is served is exactly what an
//! auditor's replay computes.

use axum::{
    extract::{rejection::QueryRejection, Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Extension, Json,
};
use jiff::Timestamp;
use lofte_proto::{
    date::local_date,
    envelope::Envelope,
    fold::{fold_plan, FoldOptions, PlanSummary},
    ids::PlanId,
    report::{render, Format},
    tertial::Tertial,
};
use lofte_service::{auth::Principal, Problem, ProblemDoc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{access, cache::Stand, AppState};

/// Query parameters the plan routes take.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// A tertial, e.g. `2022-T1`.
    #[param(example = "2022-T1")]
    pub tertial: Option<String>,
    /// Only what was recorded by this moment (RFC 3339, e.g. `2022-05-16T09:00:00Z`).
    #[param(example = "2022-05-16T09:00:00Z")]
    pub as_of: Option<String>,
    /// `md` (default), `html`, `csv` or `json` (report only).
    #[param(example = "md")]
    pub format: Option<String>,
    /// An activity id (provenance only).
    #[param(example = "fotpatrullering")]
    pub activity: Option<String>,
    /// `true`: as the public reads it (implied without a token) — an approved tertial's report or
    /// provenance as of its latest approval, nothing of a tertial not approved, events without
    /// their author (report and provenance only).
    #[param(example = true)]
    pub approved: Option<bool>,
    /// At most this many events per figure, the newest (provenance only); `total` says how many
    /// there are.
    #[param(example = 100)]
    pub limit: Option<usize>,
}

pub(super) fn bad(field: &str, detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-query", detail).field(field)
}

pub(super) struct Parsed {
    pub plan: PlanId,
    pub tertial: Option<Tertial>,
    pub as_of: Option<Timestamp>,
}

pub(super) fn parse(plan: &str, q: &PlanQuery) -> Result<Parsed, Problem> {
    let plan = PlanId::new(plan).map_err(|e| bad("plan", format!("not a plan id: {e}")))?;
    let tertial =
        q.tertial.as_deref().map(str::parse::<Tertial>).transpose().map_err(|e| bad("tertial", e.to_string()))?;
    let as_of = q
        .as_of
        .as_deref()
        .map(str::parse::<Timestamp>)
        .transpose()
        .map_err(|e| bad("as_of", format!("not an RFC 3339 moment: {e}")))?;
    Ok(Parsed { plan, tertial, as_of })
}

pub(super) fn query(q: Result<Query<PlanQuery>, QueryRejection>) -> Result<PlanQuery, Problem> {
    q.map(|Query(q)| q).map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-query", e.body_text()))
}

pub(super) async fn events_of(st: &AppState, plan: &PlanId) -> Result<Vec<Envelope>, Problem> {
    let views = st.views.clone();
    let plan = plan.clone();
    tokio::task::spawn_blocking(move || views.events(&plan))
        .await
        .map_err(Problem::internal)?
        .map_err(Problem::internal)
}

pub(super) fn fold(p: &Parsed, events: &[Envelope]) -> Result<PlanSummary, Problem> {
    let today = local_date(p.as_of.unwrap_or_else(Timestamp::now));
    fold_plan(&p.plan, events, &FoldOptions { as_of: p.as_of, today: Some(today) })
        .ok_or_else(|| Problem::not_found(format!("no plan {} (as of that moment)", p.plan)))
}

/// Where the plan's views stand now, for a current read.
pub(super) fn stand(st: &AppState, plan: &PlanId) -> Result<Stand, Problem> {
    let (generation, version) = st.views.version(plan).map_err(Problem::internal)?;
    Ok(Stand { generation, version, today: local_date(Timestamp::now()) })
}

/// The plan folded: a current read from the cache when nothing was applied to the plan since
/// (and it is the same day); a read `as_of` a moment from the log.
async fn summary_of(st: &AppState, p: &Parsed) -> Result<PlanSummary, Problem> {
    match p.as_of {
        Some(_) => fold(p, &events_of(st, &p.plan).await?),
        None => current(st, p, stand(st, &p.plan)?).await,
    }
}

/// The plan as it stands at `stand` (read before its events, so what is kept under it is never
/// older than it says): the summary kept for it, or one from the plan's kept fold, brought
/// forward from the views first (ADR 0018).
pub(super) async fn current(st: &AppState, p: &Parsed, stand: Stand) -> Result<PlanSummary, Problem> {
    if let Some(s) = st.cache.summary(&p.plan, stand) {
        return Ok((*s).clone());
    }
    let (kept, plan) = (st.kept.clone(), p.plan.clone());
    let s = tokio::task::spawn_blocking(move || kept.with(&plan, |f| f.summary(Some(stand.today))))
        .await
        .map_err(Problem::internal)?
        .map_err(Problem::internal)?
        .ok_or_else(|| Problem::not_found(format!("no plan {}", p.plan)))?;
    st.cache.keep_summary(&p.plan, stand, std::sync::Arc::new(s.clone()));
    Ok(s)
}

/// The plan folded, if `who` may read it.
async fn summary_for(st: &AppState, who: &Principal, p: &Parsed) -> Result<PlanSummary, Problem> {
    access::member(who, summary_of(st, p).await)
}

pub(super) fn only_tertial(mut s: PlanSummary, t: Option<Tertial>) -> Result<PlanSummary, Problem> {
    let Some(t) = t else { return Ok(s) };
    if !s.tertials.contains(&t) {
        return Err(bad("tertial", format!("{t} is not a tertial of plan {}", s.plan)));
    }
    for a in s.promises.iter_mut().flat_map(|p| p.activities.iter_mut()) {
        a.cells.retain(|k, _| *k == t);
        for tp in &mut a.targets {
            tp.by_tertial.retain(|k, _| *k == t);
        }
    }
    Ok(s)
}

/// The plans known, with their titles.
#[utoipa::path(get, path = "/v1/plans", responses((status = 200, description = "Plans")))]
pub async fn list(State(st): State<AppState>, Extension(who): Extension<Principal>) -> Result<Json<Value>, Problem> {
    let plans = st.views.plans().map_err(Problem::internal)?;
    let mut out = vec![];
    for p in plans {
        let parsed = Parsed { plan: p, tertial: None, as_of: None };
        let Ok(s) = summary_of(&st, &parsed).await else { continue };
        // Anyone sees the plans with an approved report; the others only those they may read.
        let visible = !s.approved.is_empty() || access::member(&who, Ok(s.clone())).is_ok();
        if visible {
            out.push(json!({"plan": s.plan, "title": s.title, "municipality": s.municipality, "period": s.period,
                "last_seq": s.last_seq, "tertials": s.tertials, "approved": approved_at(&s)}));
        }
    }
    Ok(Json(json!({ "plans": out })))
}

/// When each approved tertial was last approved (kept by the fold: the log is not read).
fn approved_at(s: &PlanSummary) -> Value {
    s.last_approved
        .iter()
        .map(|(t, at)| (t.to_string(), Value::String(at.to_string())))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// A plan's tertial summary: per activity and tertial the facts and the events behind them, and
/// target progress.
#[utoipa::path(get, path = "/v1/plans/{plan}/summary", params(("plan" = String, Path, example = "jonkoping-2022"), PlanQuery), responses(
    (status = 200, description = "The summary"),
    (status = 404, description = "No such plan", body = ProblemDoc, content_type = "application/problem+json"),
    (status = 422, description = "Bad query", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn summary(
    State(st): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(plan): Path<String>,
    q: Result<Query<PlanQuery>, QueryRejection>,
) -> Result<Json<PlanSummary>, Problem> {
    let p = parse(&plan, &query(q)?)?;
    Ok(Json(only_tertial(summary_for(&st, &who, &p).await?, p.tertial)?))
}

/// The published follow-up: per promise a table Aktivitet | Tertial 1 | Tertial 2 | Tertial 3.
/// Each answer carries an `ETag` (where the plan's views stood, and what was asked); sent back in
/// `If-None-Match`, an unchanged report is `304` without a body.
#[utoipa::path(get, path = "/v1/plans/{plan}/report", params(("plan" = String, Path, example = "jonkoping-2022"), PlanQuery,
        ("If-None-Match" = Option<String>, Header, description = "The ETag of a report already held")), responses(
    (status = 200, description = "The report, as Markdown, HTML, CSV or JSON", headers(("ETag" = String, description = "This answer's version"))),
    (status = 304, description = "Not modified since the ETag sent"),
    (status = 404, description = "No such plan", body = ProblemDoc, content_type = "application/problem+json"),
    (status = 422, description = "Bad query", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn report(
    State(st): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(plan): Path<String>,
    headers: axum::http::HeaderMap,
    q: Result<Query<PlanQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let q = query(q)?;
    let p = parse(&plan, &q)?;
    let format = q.format.as_deref().unwrap_or("md").parse::<Format>().map_err(|e| bad("format", e.to_string()))?;
    let stand = stand(&st, &p.plan)?;
    // Who reads decides what: a reader of the plan the report as asked; anyone else only an
    // approved tertial's report, as approved.
    let now = current(&st, &Parsed { as_of: None, plan: p.plan.clone(), tertial: p.tertial }, stand).await;
    let asked = match access::member(&who, now.clone()) {
        Ok(_) if access::public(&who, q.approved) => Asked::Public(public_moment(&who, &p, &now)?),
        Ok(now) => match p.as_of {
            None => Asked::Current(Box::new(now)),
            Some(_) => Asked::AsOf(p.as_of),
        },
        Err(refused) if matches!(refused.status(), StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => {
            Asked::Public(public_moment(&who, &p, &now).map_err(|_| refused)?)
        }
        Err(e) => return Err(e),
    };
    let (as_of, public) = match &asked {
        Asked::Current(_) => (None, ""),
        Asked::AsOf(at) => (*at, ""),
        Asked::Public(at) => (Some(*at), ".public"),
    };
    let tertial = p.tertial.map_or_else(String::new, |t| t.to_string());
    let ctype = format.content_type().split(';').next().unwrap_or("");
    let etag = match as_of {
        // As approved: unchanged until something recorded by then arrives (ADR 0022).
        Some(at) if !public.is_empty() => {
            as_of_key(&st, &p.plan, at).await?.map(|k| format!("\"{k}.{ctype}.{tertial}.public\""))
        }
        _ => None,
    };
    let etag = etag.unwrap_or_else(|| {
        let at = as_of.map_or_else(String::new, |t| t.as_nanosecond().to_string());
        format!("\"{}.{}.{}.{ctype}.{tertial}.{at}{public}\"", stand.generation, stand.version, stand.today)
    });
    let tagged = |status: StatusCode, body: Option<std::sync::Arc<[u8]>>| {
        let h = [(header::CONTENT_TYPE, format.content_type().to_owned()), (header::ETAG, etag.clone())];
        match body {
            Some(b) => (status, h, b.to_vec()).into_response(),
            None => (status, h).into_response(),
        }
    };
    let held = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).unwrap_or("");
    if held.split(',').any(|t| t.trim() == etag || t.trim() == "*") {
        return Ok(tagged(StatusCode::NOT_MODIFIED, None));
    }
    if let Some(bytes) = st.cache.report(&etag) {
        return Ok(tagged(StatusCode::OK, Some(bytes)));
    }
    let s = match asked {
        Asked::Current(s) => *s,
        Asked::AsOf(at) => summary_of(&st, &Parsed { as_of: at, plan: p.plan.clone(), tertial: p.tertial }).await?,
        Asked::Public(at) => {
            let s = summary_of(&st, &Parsed { as_of: Some(at), plan: p.plan.clone(), tertial: p.tertial }).await?;
            // A public read names an approved tertial (`public_moment`).
            p.tertial.map_or(s.clone(), |t| access::approved_only(s, t))
        }
    };
    if let Some(t) = p.tertial {
        if !s.tertials.contains(&t) {
            return Err(bad("tertial", format!("{t} is not a tertial of plan {}", s.plan)));
        }
    }
    let bytes: std::sync::Arc<[u8]> = render(&s, p.tertial, format).into_bytes().into();
    st.cache.keep_report(etag.clone(), bytes.clone());
    Ok(tagged(StatusCode::OK, Some(bytes)))
}

/// What a report read asks for, once access is decided.
enum Asked {
    /// The current report (the plan as folded now).
    Current(Box<PlanSummary>),
    /// As of the moment asked.
    AsOf(Option<Timestamp>),
    /// As the public reads it: as of the tertial's latest approval, approved tertials only.
    Public(Timestamp),
}

/// For a public read of `p.tertial`: when it was last approved (`now`: the plan as folded now, which
/// keeps it), or the refusal.
pub(super) fn public_moment(
    who: &Principal,
    p: &Parsed,
    now: &Result<PlanSummary, Problem>,
) -> Result<Timestamp, Problem> {
    let none = Default::default();
    access::public_report(who, now.as_ref().map_or(&none, |s| &s.last_approved), p.tertial, p.as_of)
}

/// A key for what a fold of the plan as of `at` (an approval the plan's fold has applied) sees: the
/// fold kept now and how many events it took that were recorded by a moment it had already passed
/// (`PlanFold::backdated_by`, ADR 0022). `None`: the fold has not reached `at`.
pub(super) async fn as_of_key(st: &AppState, plan: &PlanId, at: Timestamp) -> Result<Option<String>, Problem> {
    let (kept, plan) = (st.kept.clone(), plan.clone());
    let key = tokio::task::spawn_blocking(move || {
        kept.with_started(&plan, |started, f| f.backdated_by(at).map(|n| format!("{started}.{n}")))
    })
    .await
    .map_err(Problem::internal)?
    .map_err(Problem::internal)?;
    Ok(key.map(|k| format!("{k}.{}", at.as_nanosecond())))
}

/// Which organisation still owes which activity's follow-up.
#[utoipa::path(get, path = "/v1/plans/{plan}/pending", params(("plan" = String, Path, example = "jonkoping-2022"), PlanQuery), responses(
    (status = 200, description = "Open follow-ups"),
    (status = 404, description = "No such plan", body = ProblemDoc, content_type = "application/problem+json"),
    (status = 422, description = "Bad query", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn pending(
    State(st): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(plan): Path<String>,
    q: Result<Query<PlanQuery>, QueryRejection>,
) -> Result<Json<Value>, Problem> {
    let p = parse(&plan, &query(q)?)?;
    let s = only_tertial(summary_for(&st, &who, &p).await?, p.tertial)?;
    let mut out = vec![];
    for a in s.promises.iter().flat_map(|p| &p.activities) {
        for (t, cell) in &a.cells {
            if !cell.pending.is_empty() && !s.approved.contains_key(t) {
                out.push(json!({"activity": a.id, "title": a.title, "tertial": t, "pending": cell.pending}));
            }
        }
    }
    Ok(Json(json!({"plan": s.plan, "pending": out})))
}
