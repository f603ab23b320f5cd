//! `GET /v1/plans/{plan}/provenance`: the events behind each figure of an activity's cells. A
//! reader of the plan gets them as asked (walking the log, ADR 0018); the public gets an approved
//! tertial's as of its latest approval, without authors — kept by the answer, which stays the
//! same until something recorded by then arrives (ADR 0022). `limit` lists only the newest
//! events per figure, with how many there are (a count may have 20,000 behind it).

use axum::{
    extract::{rejection::QueryRejection, Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use lofte_proto::{
    envelope::Envelope,
    fold::{measure_events, ActivitySummary, PlanSummary},
    ids::ActivityId,
};
use lofte_service::{auth::Principal, Problem, ProblemDoc};
use serde_json::{json, Value};

use super::{
    access,
    plans::{as_of_key, bad, current, events_of, fold, only_tertial, parse, public_moment, query, stand},
    plans::{Parsed, PlanQuery},
    AppState,
};

/// The events behind each figure of an activity's cells, with their ids and content.
#[utoipa::path(get, path = "/v1/plans/{plan}/provenance", params(("plan" = String, Path, example = "jonkoping-2022"), PlanQuery), responses(
    (status = 200, description = "Each figure, how many events are behind it (`total`) and those listed"),
    (status = 404, description = "No such plan or activity", body = ProblemDoc, content_type = "application/problem+json"),
    (status = 422, description = "Bad query", body = ProblemDoc, content_type = "application/problem+json")))]
pub async fn provenance(
    State(st): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(plan): Path<String>,
    q: Result<Query<PlanQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let q = query(q)?;
    let p = parse(&plan, &q)?;
    let activity = q.activity.as_deref().ok_or_else(|| bad("activity", "name the activity: ?activity=ID"))?;
    let activity = ActivityId::new(activity).map_err(|e| bad("activity", e.to_string()))?;
    // The public reads an approved tertial's figures as of its latest approval, without authors;
    // so does a reporter of another plan.
    let mut refused = None;
    if !access::public(&who, q.approved) {
        let events = events_of(&st, &p.plan).await?;
        match access::member(&who, fold(&p, &events)) {
            Ok(s) => {
                let s = only_tertial(s, p.tertial)?;
                return Ok(json_answer(&figures(&p, &s, &events, &activity, false, q.limit)?));
            }
            Err(r) if r.status() == StatusCode::FORBIDDEN => refused = Some(r),
            Err(e) => return Err(e),
        }
    }
    let now =
        current(&st, &Parsed { as_of: None, plan: p.plan.clone(), tertial: p.tertial }, stand(&st, &p.plan)?).await;
    let at = public_moment(&who, &p, &now).map_err(|e| refused.unwrap_or(e))?;
    let key = as_of_key(&st, &p.plan, at).await?.map(|k| {
        let t = p.tertial.map_or_else(String::new, |t| t.to_string());
        format!("provenance.{k}.{activity}.{t}.{}", q.limit.map_or_else(String::new, |l| l.to_string()))
    });
    if let Some(bytes) = key.as_ref().and_then(|k| st.cache.report(k)) {
        return Ok(json_bytes(bytes));
    }
    let p = Parsed { as_of: Some(at), ..p };
    let events = events_of(&st, &p.plan).await?;
    // The public reads what the approved report of the tertial shows: every tertial approved by then.
    let s = fold(&p, &events)?;
    let s = match p.tertial {
        Some(t) => access::approved_only(s, t),
        None => s,
    };
    let body = figures(&p, &s, &events, &activity, true, q.limit)?;
    let bytes: std::sync::Arc<[u8]> = serde_json::to_vec(&body).map_err(Problem::internal)?.into();
    if let Some(k) = key {
        st.cache.keep_report(k, bytes.clone());
    }
    Ok(json_bytes(bytes))
}

fn json_bytes(bytes: std::sync::Arc<[u8]>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], bytes.to_vec()).into_response()
}

fn json_answer(v: &Value) -> Response {
    json_bytes(serde_json::to_vec(v).unwrap_or_default().into())
}

/// The answer: per tertial of the activity in `s`, each figure, how many events are behind it and
/// (the newest `limit` of) them, as the public sees them if `public`.
fn figures(
    p: &Parsed,
    s: &PlanSummary,
    events: &[Envelope],
    activity: &ActivityId,
    public: bool,
    limit: Option<usize>,
) -> Result<Value, Problem> {
    let a: &ActivitySummary = s
        .promises
        .iter()
        .flat_map(|p| &p.activities)
        .find(|a| &a.id == activity)
        .ok_or_else(|| Problem::not_found(format!("no activity {activity} in plan {}", s.plan)))?;
    let by_id: std::collections::HashMap<uuid::Uuid, &Envelope> = events.iter().map(|e| (e.id, e)).collect();
    let show =
        |e: &Envelope| if public { access::public_event(e) } else { serde_json::to_value(e).unwrap_or(Value::Null) };
    let measures = measure_events(&p.plan, events, p.as_of);
    let mut tertials = vec![];
    for (t, cell) in &a.cells {
        let mut figures = vec![];
        for (what, ids) in cell.provenance(measures.get(&(a.id.clone(), *t))) {
            let total = ids.len();
            let ids = &ids[total.saturating_sub(limit.unwrap_or(total))..];
            let events: Vec<Value> = ids.iter().filter_map(|id| by_id.get(id)).map(|e| show(e)).collect();
            figures.push(json!({"figure": what, "total": total, "event_ids": ids, "events": events}));
        }
        tertials.push(json!({"tertial": t, "figures": figures}));
    }
    Ok(json!({"plan": s.plan, "activity": a.id, "title": a.title, "tertials": tertials}))
}
