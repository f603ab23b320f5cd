//! Who may read what from the projector:
//!
//! - coordinators, auditors and services read every plan; reporters read the plans their
//!   organisation takes part in;
//! - anyone, without a token, reads the *approved* report of a tertial and the events behind its
//!   figures (`provenance`), as of the tertial's latest approval: the tertials up to it that were
//!   approved by then, nothing of one that was not, events without their author or idempotency
//!   key. What is recorded for a tertial after its approval — a late amendment — shows once the
//!   tertial is approved again, or in a later tertial's approved report. A reader with a token
//!   asks for the same with `approved=true`;
//! - a refusal reads the same whether the plan exists or not.

use std::collections::BTreeMap;

use jiff::Timestamp;
use lofte_proto::{envelope::Envelope, fold::PlanSummary, tertial::Tertial};
use lofte_service::{
    auth::{forbidden, unauthorized, Principal},
    Problem,
};
use serde_json::{json, Value};

/// Whether `who` may read `plan`'s views; `folded` is the plan as folded (or why not: 404).
pub fn member(who: &Principal, folded: Result<PlanSummary, Problem>) -> Result<PlanSummary, Problem> {
    match who {
        Principal::Anonymous => {
            Err(unauthorized("this needs a bearer token; without one only approved reports are public"))
        }
        p if p.reads_everything() => folded,
        Principal::Token(t) => match (folded, &t.org) {
            (Ok(s), Some(org)) if s.organisations.contains_key(org) => Ok(s),
            (_, org) => Err(forbidden(format!(
                "a reporter token for {} reads only the plans its organisation takes part in",
                org.as_ref().map_or("?", |o| o.as_str())
            ))),
        },
        _ => folded,
    }
}

/// Whether a read is the public one: without a token always, with one when asked (`approved=true`).
pub fn public(who: &Principal, asked: Option<bool>) -> bool {
    matches!(who, Principal::Anonymous) || asked == Some(true)
}

/// For a public read: the moment the tertial's report was last approved (`approved`: when each
/// tertial was, as the fold keeps it: `last_approved`), to serve it as of then. Otherwise the refusal `member` gives.
pub fn public_report(
    who: &Principal,
    approved: &BTreeMap<Tertial, Timestamp>,
    tertial: Option<Tertial>,
    as_of: Option<Timestamp>,
) -> Result<Timestamp, Problem> {
    let approved = tertial.and_then(|t| approved.get(&t).copied());
    match (approved, as_of) {
        (Some(at), None) => Ok(at),
        _ => match who {
            Principal::Anonymous => Err(unauthorized(
                "without a token only approved reports are public: ask for an approved tertial (?tertial=2022-T1), without as_of",
            )),
            Principal::Token(t) if t.org.is_some() => Err(forbidden("a reporter token reads only the plans its organisation takes part in; other plans' approved reports are public")),
            _ => Err(Problem::not_found("as approved, only an approved tertial is served (?tertial=2022-T1, without as_of)")),
        },
    }
}

/// The summary as the public reads it: only the cells (and target progress) of tertials up to
/// `upto` that are approved in it; nothing of a tertial not yet approved.
pub fn approved_only(mut s: PlanSummary, upto: Tertial) -> PlanSummary {
    let approved: Vec<Tertial> = s.approved.keys().copied().filter(|t| *t <= upto).collect();
    for a in s.promises.iter_mut().flat_map(|p| p.activities.iter_mut()) {
        a.cells.retain(|t, _| approved.contains(t));
        for tp in &mut a.targets {
            tp.by_tertial.retain(|t, _| approved.contains(t));
        }
    }
    s
}

/// An event as the public sees it: what was recorded, for which organisation, and when — not who
/// sent it (`author`), nor the idempotency key (it may name a person) or the links between
/// requests.
pub fn public_event(e: &Envelope) -> Value {
    let event = serde_json::to_value(&e.event).unwrap_or(Value::Null);
    json!({"id": e.id, "recorded_at": e.recorded_at, "plan": e.plan, "actor": e.actor,
        "kind": event["kind"], "data": event["data"]})
}
