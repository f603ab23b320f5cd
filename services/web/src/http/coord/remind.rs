//! `/samordna/{plan}/paminn`: "Påminn nu" (ADR 0021). The page asks the notifier who owes a
//! follow-up now and who a reminder would reach; the button asks it to send, on behalf of the
//! coordinator, once per form: the notifier's idempotency key is the coordinator and the form's
//! nonce, so a double click sends one mail per reporter. The notifier sends, keeps and records
//! them (`reminder_sent`) like its scheduled reminders, under the request's own occasion.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Form, Router,
};
use lofte_proto::people::Person;
use serde_json::Value;

use super::overview::{checked, context, not_found, Coord};
use crate::{
    backend::BackendError,
    html::coord::remind::{page_for, OwedTertial, Recipient, Remind},
    http::{forbidden, unavailable, AppState},
    overview, store,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/samordna/{plan}/paminn", get(form).post(send))
}

/// What the notifier said, as the page shows it: the tertials owed (in order) with each
/// organisation's activities, and the reporters (named from the directory) with their outcome.
pub fn view(answer: &Value, people: &[Person]) -> (Vec<OwedTertial>, Vec<Recipient>) {
    let today = answer["today"].as_str().and_then(|d| d.parse::<jiff::civil::Date>().ok());
    let mut owed: Vec<OwedTertial> = vec![];
    let mut org_names: BTreeMap<String, String> = BTreeMap::new();
    for o in answer["owed"].as_array().into_iter().flatten() {
        let s = |k: &str| o[k].as_str().unwrap_or_default().to_owned();
        org_names.insert(s("org"), s("org_name"));
        let tertial = s("tertial");
        let at = match owed.iter().position(|t| t.tertial == tertial) {
            Some(i) => i,
            None => {
                let due = o["due"].as_str().and_then(|d| d.parse::<jiff::civil::Date>().ok());
                owed.push(OwedTertial {
                    tertial: tertial.clone(),
                    due: due.map_or_else(|| s("due"), overview::swedish_date),
                    passed: due.zip(today).is_some_and(|(d, t)| d < t),
                    orgs: vec![],
                });
                owed.len() - 1
            }
        };
        let orgs = &mut owed[at].orgs;
        match orgs.iter_mut().find(|(n, _)| *n == s("org_name")) {
            Some((_, acts)) => acts.push(s("activity_title")),
            None => orgs.push((s("org_name"), vec![s("activity_title")])),
        }
    }
    owed.sort_by(|a, b| a.tertial.cmp(&b.tertial));
    let recipients = answer["reporters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let p = people.iter().find(|p| r["person"] == p.id.to_string());
            let name = p.and_then(|p| p.name.as_ref()).map(ToString::to_string);
            let address =
                p.and_then(|p| p.email.as_ref()).map_or_else(|| "en rapportör".to_owned(), ToString::to_string);
            let orgs: Vec<String> = r["orgs"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| o.as_str())
                .map(|o| org_names.get(o).cloned().unwrap_or_else(|| o.to_owned()))
                .collect();
            Recipient {
                name,
                address,
                orgs: orgs.join(", "),
                outcome: r["outcome"].as_str().unwrap_or_default().to_owned(),
            }
        })
        .collect();
    (owed, recipients)
}

/// The page for `answer`; `done`: after sending.
async fn show(st: &AppState, c: &Coord, answer: &Value, once: &str, done: bool, error: Option<&str>) -> Response {
    let people = match st.backend.people().await {
        Ok(p) => p,
        Err(e) => return unavailable(e),
    };
    let (owed, recipients) = view(answer, &people);
    let r = Remind { plan: c.plan(), plan_title: c.title(), owed: &owed, recipients: &recipients, once, done, error };
    let status = if error.is_some() { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    (status, page_for(&c.who, &r)).into_response()
}

/// The notifier's refusal as the page's answer: `403` when it says the person is no coordinator
/// of the plan; unreachable otherwise.
fn refused(e: BackendError) -> Response {
    match e {
        BackendError::Notifier { status: Some(403), .. } => forbidden(),
        BackendError::Notifier { status: Some(404), .. } => not_found(),
        e => unavailable(e),
    }
}

/// `GET /samordna/{plan}/paminn`.
async fn form(State(st): State<AppState>, Path(plan): Path<String>, headers: HeaderMap) -> Response {
    let c = match context(&st, &headers, &plan).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match st.backend.remind_preview(&plan, c.person.id).await {
        Ok(answer) => show(&st, &c, &answer, &store::secret(), false, None).await,
        Err(e) => refused(e),
    }
}

/// `POST /samordna/{plan}/paminn`.
async fn send(
    State(st): State<AppState>,
    Path(plan): Path<String>,
    headers: HeaderMap,
    Form(values): Form<BTreeMap<String, String>>,
) -> Response {
    let c = match context(&st, &headers, &plan).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let once = match checked(&c.who, &values) {
        Ok(o) => o,
        Err(r) => return r,
    };
    match st.backend.remind_now(&plan, c.person.id, &once).await {
        Ok(answer) => {
            let failed =
                answer["reporters"].as_array().into_iter().flatten().filter(|r| r["outcome"] == "failed").count();
            let error = (failed > 0).then(|| {
                format!("{failed} e-brev kunde inte skickas just nu. Försök igen: de som redan fått påminnelsen får den inte en gång till.")
            });
            show(&st, &c, &answer, &once, true, error.as_deref()).await
        }
        Err(e) => refused(e),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::view;

    #[test]
    fn the_notifiers_answer_is_grouped_by_tertial_and_organisation_and_people_are_named() {
        let id = uuid::Uuid::from_u128(7);
        let people: Vec<lofte_proto::people::Person> = serde_json::from_value(json!([
            {"id": id, "role": "reporter", "orgs": ["polisen"], "name": "Kim <Polis>", "email": "kim@polisen.example"}
        ]))
        .unwrap();
        let owed = |t: &str, due: &str, org: &str, name: &str, act: &str| json!({"tertial": t, "due": due, "org": org, "org_name": name, "activity": act, "activity_title": act});
        let answer = json!({
            "today": "2022-09-20",
            "owed": [
                owed("2022-T2", "2022-09-15", "polisen", "Polisen", "Trygghetsvandring"),
                owed("2022-T1", "2022-05-16", "polisen", "Polisen", "Fotpatrullering"),
                owed("2022-T1", "2022-05-16", "polisen", "Polisen", "Dialog"),
                owed("2022-T3", "2023-01-16", "kommunen", "Kommunen", "Dialog"),
            ],
            "reporters": [{"person": id, "orgs": ["polisen"], "tertials": ["2022-T1"], "outcome": "sent"},
                          {"person": uuid::Uuid::from_u128(8), "orgs": ["kommunen"], "tertials": [], "outcome": "already"}]
        });
        let (owed, recipients) = view(&answer, &people);
        assert_eq!(owed.iter().map(|t| t.tertial.as_str()).collect::<Vec<_>>(), ["2022-T1", "2022-T2", "2022-T3"]);
        assert_eq!(owed[0].due, "16 maj 2022");
        assert!(owed[0].passed && !owed[2].passed);
        assert_eq!(owed[0].orgs, vec![("Polisen".to_owned(), vec!["Fotpatrullering".to_owned(), "Dialog".to_owned()])]);
        assert_eq!(recipients[0].name.as_deref(), Some("Kim <Polis>"));
        assert_eq!(recipients[0].address, "kim@polisen.example");
        assert_eq!((recipients[0].orgs.as_str(), recipients[0].outcome.as_str()), ("Polisen", "sent"));
        assert_eq!((recipients[1].name.as_ref(), recipients[1].address.as_str()), (None, "en rapportör"));
    }
}
