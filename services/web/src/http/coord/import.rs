//! `/samordna/importera`: importing a plan file. The coordinator uploads the file (multipart);
//! it is checked as `lofte plan import --dry-run` checks it (`lofte_proto::planfile`), and what is
//! wrong is shown with its line and field, or what importing would record. Nothing is recorded
//! until they confirm: the confirm form carries the text (hex) and a seal binding it to the
//! session (SHA-256 of the session's form token and the text), and the text is checked again.
//! Confirmed, the plan's events are recorded on the coordinator's behalf with the CLI's
//! content-derived idempotency keys (confirming twice records once) and its people are put into
//! the directory on their behalf.
//!
//! Who may import: a coordinator not limited to some plans (or limited to plans that include the
//! new plan's id) and who acts for one of the plan's coordinating organisations — the ledger's
//! own rule for recording `plan_adopted` on a person's behalf (`Person::acts_for`), said first.

use std::collections::BTreeMap;

use axum::{
    extract::{Multipart, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Form, Router,
};
use lofte_ledger_client::ClientError;
use lofte_proto::{
    ids::OrgId,
    people::{Person, PersonRole},
    planfile::{self, PlanFile, PlanFileError},
};
use sha2::{Digest, Sha256};

use super::overview::checked;
use crate::{
    backend::BackendError,
    html::{
        coord::import::{done, preview, upload, Counts, Preview, Problem},
        Who,
    },
    http::{access, forbidden, unavailable, AppState},
    store,
};

/// The largest plan file taken.
const MAX_BYTES: usize = 512 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/samordna/importera", get(form).post(check))
        .route("/samordna/importera/bekrafta", post(confirm))
}

/// The seal of `text` for the session whose form token is `csrf`.
pub fn seal(csrf: &str, text: &str) -> String {
    hex::encode(Sha256::digest(format!("lofte-plan-import\0{csrf}\0{text}")))
}

/// The 1-based line where `place` (`activities[3].lead`, `plan.id`, `actors`) is in `text`: the
/// array table's `[[…]]` header counted, then the key under it; the nearest found otherwise.
pub fn line_of(text: &str, place: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let (mut from, mut found, mut path) = (0usize, None, String::new());
    for seg in place.split('.') {
        let (name, index) = match seg.split_once('[') {
            Some((n, i)) => (n, i.trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        let table = if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
        let is_header = |l: &str, t: &str| l.trim() == format!("[[{t}]]") || l.trim() == format!("[{t}]");
        let headers: Vec<usize> = (from..lines.len()).filter(|i| is_header(lines[*i], &table)).collect();
        if let Some(&at) = headers.get(index.unwrap_or(0)) {
            (from, found, path) = (at + 1, Some(at), table);
            continue;
        }
        // A key of the current table, before the next header.
        let key =
            (from..lines.len()).take_while(|i| found.is_none() || !lines[*i].trim_start().starts_with('[')).find(|i| {
                let l = lines[*i].trim_start();
                l.strip_prefix(name).is_some_and(|r| r.trim_start().starts_with('='))
            });
        if let Some(at) = key {
            found = Some(at);
        }
        break;
    }
    found.map(|i| i + 1)
}

/// What is wrong with a plan file, in Swedish, with the line and field where known.
pub fn problem(text: &str, e: &PlanFileError) -> Problem {
    use PlanFileError as E;
    let place = e.place().map(str::to_owned);
    let line = match e {
        E::Syntax(t) => t.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        _ => place.as_deref().and_then(|p| line_of(text, p)),
    };
    let message = match e {
        E::Syntax(t) => format!("inte en giltig planfil: {}", t.message()),
        E::DuplicateId { id, .. } => format!("id \"{id}\" finns redan"),
        E::Repeated { id, .. } => format!("\"{id}\" står två gånger"),
        E::UnknownOrganisation { id, .. } => format!("okänd organisation \"{id}\" (den finns inte bland [[actors]])"),
        E::UnknownPromise { id, .. } => format!("okänt löfte \"{id}\" (det finns inte bland [[promises]])"),
        E::UnknownArea { id, .. } => format!("okänt område \"{id}\" (det finns inte bland [[areas]])"),
        E::AreaNotInActivity { id, .. } => format!("området \"{id}\" hör inte till aktiviteten"),
        E::Goal { .. } => "ange precis ett av at_least, exactly eller every".to_owned(),
        E::OutsidePeriod { tertial, period, .. } => format!("tertial {tertial} ligger utanför planens period {period}"),
        E::Invalid { reason, .. } => format!("ogiltigt: {reason}"),
    };
    Problem { line, field: place, message }
}

/// The organisation `coordinator` would record the plan for: the first of the plan's
/// coordinating organisations they act for in it; `None`: they may not import it.
pub fn importer_actor(coordinator: &Person, plan: &PlanFile) -> Option<OrgId> {
    let a = plan.adopted();
    a.coordinators.iter().map(|c| c.org.clone()).find(|o| coordinator.acts_for(o, plan.plan_id()))
}

fn said(message: impl Into<String>) -> Vec<Problem> {
    vec![Problem { line: None, field: None, message: message.into() }]
}

/// The checks before recording: the file, that the plan is new, that this coordinator may.
/// `Ok`: the plan and the organisation recorded for; `Err`: the problems, or the answer instead.
async fn checked_plan(
    st: &AppState,
    person: &Person,
    text: &str,
) -> Result<(PlanFile, OrgId), Result<Vec<Problem>, Box<Response>>> {
    let plan = planfile::parse(text).map_err(|e| Ok(vec![problem(text, &e)]))?;
    match st.backend.summary(plan.plan_id().as_str()).await {
        Ok(_) => {
            return Err(Ok(vec![Problem {
                line: line_of(text, "plan.id"),
                field: Some("plan.id".into()),
                message: format!("det finns redan en plan \"{}\" i Lofte; en antagen plan ändras med ändringshändelser, inte genom att importeras igen", plan.plan_id()),
            }]))
        }
        Err(BackendError::Projector { .. }) => {}
        Err(e) => return Err(Err(Box::new(unavailable(e)))),
    }
    let Some(actor) = importer_actor(person, &plan) else {
        let orgs: Vec<&str> = plan.adopted().coordinators.iter().map(|c| c.org.as_str()).collect();
        return Err(Ok(said(format!(
            "Du kan inte importera den här planen: den som importerar ska vara samordnare för en av planens samordnande organisationer ({}) och inte begränsad till andra planer.",
            orgs.join(", ")
        ))));
    };
    Ok((plan, actor))
}

fn show_upload(who: &Who, once: &str, name: Option<&str>, problems: &[Problem]) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, upload(who, once, name, problems)).into_response()
}

/// `GET /samordna/importera`.
async fn form(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match access::require(&st, &headers, PersonRole::Coordinator).await {
        Ok((s, _)) => upload(&s.who, &store::secret(), None, &[]).into_response(),
        Err(r) => r,
    }
}

/// `POST /samordna/importera` (multipart): checks the file; records nothing.
async fn check(State(st): State<AppState>, headers: HeaderMap, mut multipart: Multipart) -> Response {
    let (s, person) = match access::require(&st, &headers, PersonRole::Coordinator).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(f)) => {
                let name = f.name().unwrap_or_default().to_owned();
                let file_name = f.file_name().map(str::to_owned);
                let Ok(bytes) = f.bytes().await else { return forbidden() };
                match name.as_str() {
                    "plan" => file = Some((file_name.unwrap_or_default(), bytes.to_vec())),
                    _ => {
                        values.insert(name, String::from_utf8_lossy(&bytes).into_owned());
                    }
                }
            }
            Ok(None) => break,
            Err(_) => return forbidden(),
        }
    }
    let once = match checked(&s.who, &values) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let (name, bytes) = match file {
        Some((n, b)) if !b.is_empty() => (n, b),
        _ => return show_upload(&s.who, &once, None, &said("Välj en planfil")),
    };
    let name = Some(name.as_str()).filter(|n| !n.is_empty());
    if bytes.len() > MAX_BYTES {
        return show_upload(&s.who, &once, name, &said("Planfilen är för stor: högst 512 kB"));
    }
    let Ok(text) = String::from_utf8(bytes) else {
        return show_upload(&s.who, &once, name, &said("Planfilen är inte text i UTF-8"));
    };
    match checked_plan(&st, &person, &text).await {
        Ok((plan, actor)) => {
            let a = plan.adopted();
            let org_name =
                |o: &OrgId| a.actors.iter().find(|x| &x.id == o).map_or(o.to_string(), |x| x.name.to_string());
            let p = Preview {
                plan: plan.plan_id().to_string(),
                title: a.title.to_string(),
                period: a.period.to_string(),
                orgs: a.actors.iter().map(|x| x.name.to_string()).collect(),
                activities: plan.activities().len(),
                events: plan.events().len(),
                people: plan.people().len(),
                actor: org_name(&actor),
                seal: seal(&s.who.csrf, &text),
                text_hex: hex::encode(text.as_bytes()),
            };
            preview(&s.who, &once, &p).into_response()
        }
        Err(Ok(problems)) => show_upload(&s.who, &once, name, &problems),
        Err(Err(r)) => *r,
    }
}

/// `POST /samordna/importera/bekrafta`: checks the text again and records it.
async fn confirm(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(values): Form<BTreeMap<String, String>>,
) -> Response {
    let (s, person) = match access::require(&st, &headers, PersonRole::Coordinator).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let once = match checked(&s.who, &values) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let text = values.get("text").and_then(|h| hex::decode(h).ok()).and_then(|b| String::from_utf8(b).ok());
    let Some(text) = text.filter(|t| values.get("seal").is_some_and(|v| crate::http::same(v, &seal(&s.who.csrf, t))))
    else {
        return forbidden();
    };
    let (plan, actor) = match checked_plan(&st, &person, &text).await {
        Ok(x) => x,
        // Imported already — by this form's first click, or before: said, nothing recorded again.
        Err(Ok(problems)) if problems.iter().any(|p| p.field.as_deref() == Some("plan.id")) => {
            match planfile::parse(&text) {
                Ok(plan) => match importer_actor(&person, &plan) {
                    Some(actor) => return record(&st, &s.who, &person, &plan, &actor).await,
                    None => return show_upload(&s.who, &once, None, &problems),
                },
                Err(_) => return show_upload(&s.who, &once, None, &problems),
            }
        }
        Err(Ok(problems)) => return show_upload(&s.who, &once, None, &problems),
        Err(Err(r)) => return *r,
    };
    record(&st, &s.who, &person, &plan, &actor).await
}

async fn record(st: &AppState, who: &Who, person: &Person, plan: &PlanFile, actor: &OrgId) -> Response {
    match st.backend.import_plan(person.id, plan, actor).await {
        Ok(i) => {
            let c = Counts { created: i.created, existing: i.existing, people: i.people, people_added: i.people_added };
            done(who, plan.plan_id().as_str(), plan.adopted().title.as_str(), &c).into_response()
        }
        Err(ClientError::Refused(p)) if p.status == 403 => forbidden(),
        Err(ClientError::Refused(p)) if p.status == 409 || p.status == 422 => show_upload(
            who,
            &store::secret(),
            None,
            &said(format!("Lofte kunde inte registrera planen: {} (det som redan registrerats finns kvar; importera samma fil igen när felet är åtgärdat)", p.detail)),
        ),
        Err(e) => unavailable(e),
    }
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
