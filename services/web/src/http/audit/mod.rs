//! The auditors' pages (an auditor entry in the directory for the signed-in address): the
//! history of the log, one event and its corrections, a plan's report with the events behind each
//! cell — as of a moment, and what changed between two — and the ledger's chain check with the
//! export. Everything is a GET: an auditor reads, never writes.

mod asof;
mod event;
mod history;
mod provenance;
mod verify;

use std::collections::HashMap;

use axum::{http::HeaderMap, response::Response, Router};
use lofte_proto::people::{Person, PersonRole};
use uuid::Uuid;

use super::{access::Signed, AppState};
use crate::{
    history::{kind_name, when, History, Row},
    html::audit::trail,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(history::routes())
        .merge(event::routes())
        .merge(asof::routes())
        .merge(provenance::routes())
        .merge(verify::routes())
}

/// The auditor signed in, or the answer instead (to sign-in; `403` for another role).
async fn auditor(st: &AppState, headers: &HeaderMap) -> Result<Signed, Response> {
    super::access::require(st, headers, PersonRole::Auditor).await.map(|(s, _)| s)
}

/// Who the log's authors are, in words: a person of the directory by name (and the way in), a
/// token by its name.
#[derive(Debug, Default)]
struct Authors(HashMap<Uuid, String>);

impl Authors {
    async fn of(st: &AppState) -> Authors {
        let people: Vec<Person> = st.backend.people().await.unwrap_or_default();
        Authors(
            people
                .into_iter()
                .map(|p| {
                    let name = match (&p.name, &p.email, p.erased_at) {
                        (_, _, Some(_)) => "borttagen person".to_owned(),
                        (Some(n), _, _) => n.to_string(),
                        (None, Some(e), _) => e.to_string(),
                        (None, None, _) => p.described(),
                    };
                    (p.id, name)
                })
                .collect(),
        )
    }

    /// `person:<id>:via:<token>` → "Greta Granskare via lofte-web"; anything else as it is.
    fn name(&self, author: &str) -> String {
        let Some(rest) = author.strip_prefix("person:") else { return author.to_owned() };
        let (id, via) = rest.split_once(":via:").unwrap_or((rest, ""));
        let who =
            id.parse::<Uuid>().ok().and_then(|id| self.0.get(&id).cloned()).unwrap_or_else(|| "okänd person".into());
        if via.is_empty() {
            who
        } else {
            format!("{who} via {via}")
        }
    }
}

/// A row of the history as a linked event.
fn event_of(r: &Row) -> trail::Event {
    trail::Event {
        id: r.id.to_string(),
        seq: r.seq,
        kind: kind_name(r.kind),
        at: when::shown(r.recorded_at),
        summary: r.summary.to_string(),
    }
}

/// The events of the history `keep` keeps, as linked events, in seq order.
fn events_of(h: &History, keep: impl Fn(&Row) -> bool) -> Vec<trail::Event> {
    h.rows().iter().filter(|r| keep(r)).map(event_of).collect()
}
