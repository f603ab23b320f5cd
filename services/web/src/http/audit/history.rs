//! `GET /granska`: Händelsehistorik, from the index of the log kept in memory and brought forward
//! when read (ADR 0020), filtered and paged by seq.

use std::collections::BTreeMap;

use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};

use super::{auditor, Authors};
use crate::{
    history::{
        filter::{self, Cursor, FIELDS, PAGE},
        kind_name, when,
    },
    html::{
        audit::{
            history::{page_for, Listing, Shown},
            query,
        },
        words,
    },
    http::{unavailable, AppState},
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/granska", get(list))
}

async fn list(State(st): State<AppState>, Query(q): Query<BTreeMap<String, String>>, headers: HeaderMap) -> Response {
    let signed = match auditor(&st, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let authors = Authors::of(&st).await;
    let h = match st.backend.history().await {
        Ok(h) => h,
        Err(e) => return unavailable(e),
    };
    let values: BTreeMap<String, String> =
        q.iter().filter(|(k, _)| FIELDS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    let parsed = filter::parse(&q, &h);
    let errors = parsed.as_ref().err().cloned().unwrap_or_default();
    let one_plan = h.plans().len() <= 1;
    let mut l = Listing {
        values,
        errors: &errors,
        orgs: h.actors().into_iter().map(|o| (o.to_owned(), h.org_name(o).to_owned())).collect(),
        kinds: h.kinds().into_iter().map(|k| (k.as_str().to_owned(), kind_name(k).to_owned())).collect(),
        activities: h
            .activities()
            .into_iter()
            .map(|(p, a, t)| (format!("{p}/{a}"), if one_plan { t.to_owned() } else { format!("{t} ({p})") }))
            .collect(),
        authors: h.authors().into_iter().map(|a| (a.to_owned(), authors.name(a))).collect(),
        plans: h.plans().into_iter().map(str::to_owned).collect(),
        ..Listing::default()
    };
    let Ok(f) = parsed else {
        return (StatusCode::UNPROCESSABLE_ENTITY, page_for(&signed.who, &l)).into_response();
    };
    let p = filter::page(&h, &f, Cursor::of(&q), PAGE);
    let link = |k: &str, seq: u64| {
        let mut pairs: Vec<(&str, &str)> = l.values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let seq = seq.to_string();
        pairs.push((k, &seq));
        format!("/granska{}", query(&pairs))
    };
    l.newer = p.newer.map(|s| link("efter", s));
    l.older = p.older.map(|s| link("fore", s));
    l.total = p.total;
    l.filtered = !f.is_empty();
    l.rows = p
        .rows
        .iter()
        .map(|r| Shown {
            seq: r.seq,
            id: r.id.to_string(),
            at: when::shown(r.recorded_at),
            kind: kind_name(r.kind),
            summary: r.summary.to_string(),
            plan: r.plan.to_string(),
            activity: match (&r.activity, r.tertial) {
                (Some(a), Some(t)) => format!("{} · {}", title(&h, &r.plan, a), words::tertial(&t.to_string())),
                (Some(a), None) => title(&h, &r.plan, a),
                (None, Some(t)) => words::tertial_cap(&t.to_string()),
                (None, None) => String::new(),
            },
            org: h.org_name(&r.actor).to_owned(),
            author: authors.name(&r.author),
        })
        .collect();
    page_for(&signed.who, &l).into_response()
}

fn title(h: &crate::history::History, plan: &str, activity: &str) -> String {
    match h.title(plan, activity) {
        "" => activity.to_owned(),
        // A title that is a sentence ends in a full stop; the tertial follows it here.
        t => t.trim_end_matches('.').to_owned(),
    }
}
