//! Who may write and read what in the ledger. The principal comes from `lofte_service::auth` (a
//! bearer token looked up by its hash); these are the ledger's rules for it:
//!
//! - reporters record occurrences, notes, submissions, corrections and retractions, only for
//!   their own organisation (and, by the plan rules, only in activities it takes part in); they
//!   read single events their organisation recorded (to correct them), not the raw log;
//! - coordinators record plan changes, deadlines and approvals, and read everything;
//! - auditors read everything and record nothing; services record reminders and read the log;
//! - a delegate token (the web application's) records on behalf of a person of the directory, as
//!   that person's role and organisations allow (ADR 0019);
//! - anonymous requests get nothing here (401).

use lofte_proto::{
    auth::Role,
    people::{Person, PersonRole},
    Command,
};
use lofte_service::auth::{forbidden, Principal};

use crate::problem::Problem;

/// Before looking at a body: anonymous and auditor requests cannot record anything.
pub fn may_append(p: &Principal) -> Result<(), Problem> {
    p.authenticated()?;
    match p.role() {
        Some(Role::Auditor) => Err(forbidden("an auditor token reads; it records nothing")),
        _ => Ok(()),
    }
}

/// Whether `p` may record `cmd`; if so, the author to record.
pub fn author(p: &Principal, cmd: &Command) -> Result<String, Problem> {
    match p {
        Principal::Open => Ok(cmd.actor.to_string()),
        Principal::Anonymous => {
            p.authenticated()?;
            Ok(String::new())
        }
        Principal::Token(t) => {
            let kind = cmd.event.kind();
            if !t.role.may_record(kind) {
                return Err(forbidden(format!("a {} token may not record {kind}", t.role)).field("kind"));
            }
            if let Some(org) = &t.org {
                if *org != cmd.actor {
                    return Err(forbidden(format!("a reporter token for {org} records only for {org}")).field("actor"));
                }
            }
            Ok(t.author())
        }
    }
}

/// The header a delegate token names the person it records for with (ADR 0019).
pub const ON_BEHALF_OF: &str = "Lofte-On-Behalf-Of";

/// Whether `p` may record `cmd` on behalf of `person` (looked up in the directory by the id the
/// request named; `None`: not there); if so, the author to record: the person by opaque id, and
/// the delegate token it came through (`person:<id>:via:<token id>`). Only a delegate token (the
/// web application's) may ask; the person's role then decides, as a token of that role for the
/// organisation recorded for would — and the person must act for that organisation in that plan.
pub fn author_for_person(p: &Principal, person: Option<&Person>, cmd: &Command) -> Result<String, Problem> {
    let via = match p {
        Principal::Token(t) if t.delegate => t.id.clone(),
        Principal::Open => "open".to_owned(),
        Principal::Token(t) => {
            return Err(forbidden(format!(
                "a {} token without delegation may not record on behalf of a person",
                t.role
            ))
            .field(ON_BEHALF_OF))
        }
        Principal::Anonymous => {
            p.authenticated()?;
            String::new()
        }
    };
    let Some(person) = person.filter(|p| p.erased_at.is_none()) else {
        return Err(forbidden("no such person in the directory").field(ON_BEHALF_OF));
    };
    let role = match person.role {
        PersonRole::Reporter => Role::Reporter,
        PersonRole::Coordinator => Role::Coordinator,
        PersonRole::Auditor => Role::Auditor,
    };
    let kind = cmd.event.kind();
    if !role.may_record(kind) {
        return Err(forbidden(format!("a {role} may not record {kind}")).field("kind"));
    }
    if !person.acts_for(&cmd.actor, &cmd.plan) {
        return Err(
            forbidden(format!("this person does not act for {} in plan {}", cmd.actor, cmd.plan)).field("actor")
        );
    }
    Ok(format!("person:{}:via:{via}", person.id))
}

/// Reading the raw log (`GET /v1/events`, `/v1/verify`).
pub fn may_read_log(p: &Principal) -> Result<(), Problem> {
    p.require(&[Role::Coordinator, Role::Auditor, Role::Service], "read the raw log")
}

/// Reading one event: everything for those who read everything; a reporter only what its
/// organisation recorded. The refusal is the same whether the event exists or not.
pub fn may_read_event(p: &Principal, recorded_by: Option<&str>) -> Result<(), Problem> {
    p.authenticated()?;
    if p.reads_everything() {
        return Ok(());
    }
    match p {
        Principal::Token(t) if t.org.as_ref().is_some_and(|o| recorded_by == Some(o.as_str())) => Ok(()),
        _ => Err(forbidden("a reporter token reads only the events its organisation recorded")),
    }
}

/// Operations (`POST /v1/admin/republish`).
pub fn may_operate(p: &Principal) -> Result<(), Problem> {
    p.require(&[Role::Coordinator], "run ledger operations")
}
