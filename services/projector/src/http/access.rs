//! Who may read what from the projector:
//!
//! - coordinators, auditors and services read every plan; reporters read the plans their
//!   organisation takes part in;
//! - anyone, without a token, reads the *approved* report of a tertial: as it was approved (the
//!   latest approval); late amendments show once the tertial is approved again;
//! - a refusal reads the same whether the plan exists or not.

use jiff::Timestamp;
use lofte_proto::{fold::PlanSummary, tertial::Tertial};
use lofte_service::{
    auth::{forbidden, unauthorized, Principal},
    Problem,
};

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

/// For a reader who may not read the plan itself: the moment the tertial's report was approved,
/// to serve it as of then. Otherwise the refusal `member` gives.
pub fn public_report(
    who: &Principal,
    now: &PlanSummary,
    tertial: Option<Tertial>,
    as_of: Option<Timestamp>,
) -> Result<Timestamp, Problem> {
    let approved = tertial.and_then(|t| now.approved.get(&t).copied());
    match (approved, as_of) {
        (Some(at), None) => Ok(at),
        _ => match who {
            Principal::Anonymous => Err(unauthorized(
                "without a token only approved reports are public: ask for an approved tertial (?tertial=2022-T1), without as_of",
            )),
            _ => Err(forbidden("a reporter token reads only the plans its organisation takes part in; other plans' approved reports are public")),
        },
    }
}
