//! The coordinators' actions through the browser-less client against the real stack (with a real
//! notifier): "Påminn nu" sends one mail per reporter however often the same form is sent, each
//! recorded as `reminder_sent`; importing a plan (`import` below); the people directory
//! (`people` below). A form without the session's token is `403` and does nothing; a reporter who
//! is not a coordinator gets `403` on every page.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::Value;

use super::stack::{log, signed_in, stack, Browser, Page, Stack};

pub const COORDINATOR: &str = "trygghet@jonkoping.example";
pub const REPORTER_ONLY: &str = "omradespolis.raslatt@polisen.example";

/// Manual reminders' Message-IDs begin so (their subject is MIME-encoded).
pub const MANUAL: &str = "<manual.";

/// How many manual reminders each address got (counted by recipient: the mailbox keeps no order).
pub fn manual_mails(s: &Stack) -> BTreeMap<String, usize> {
    let mut n = BTreeMap::new();
    for m in s.smtp.messages() {
        if m.header("Message-ID").is_some_and(|id| id.starts_with(MANUAL)) {
            *n.entry(m.header("To").unwrap()).or_insert(0) += 1;
        }
    }
    n
}

/// The `reminder_sent` events of manual reminders in the ledger.
pub async fn manual_recorded(s: &Stack) -> Vec<Value> {
    log(s)
        .await
        .into_iter()
        .filter(|e| e["kind"] == "reminder_sent")
        .filter(|e| e["data"]["occasion"].as_str().is_some_and(|o| o.starts_with("manual-")))
        .collect()
}

/// The reporters' addresses a page lists (in the list of recipients).
fn listed(p: &Page) -> Vec<String> {
    let Some(at) = p.body.find("<ul class=\"recipients\">") else { return vec![] };
    let list = p.body[at..].split("</ul>").next().unwrap();
    list.split("<span class=\"address\">").skip(1).map(|s| s.split('<').next().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remind_now_sends_once_per_form_and_records_each_mail() {
    let s = stack().await;
    let mut b = signed_in(&s, COORDINATOR).await;
    let url = format!("{}/samordna/jonkoping-2022/paminn", s.web);
    let page = b.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.title(), "Påminn nu – Lofte");
    assert!(page.body.contains("Tertial 1 2022, skulle ha lämnats senast"), "{}", page.body);
    let to = listed(&page);
    assert!(to.contains(&REPORTER_ONLY.to_owned()) && to.len() >= 5, "{to:?}");
    assert!(manual_mails(&s).is_empty(), "showing the page sends nothing");

    // Another session's token: refused, nothing sent.
    let once = page.hidden("_once");
    let bad = b.post(&url, &[("_csrf", "0".repeat(64).as_str()), ("_once", once.as_str())]).await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    assert!(manual_mails(&s).is_empty() && manual_recorded(&s).await.is_empty());

    // A double click: the same form twice.
    let csrf = page.csrf();
    let form = [("_csrf", csrf.as_str()), ("_once", once.as_str())];
    let first = b.post(&url, &form).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.title(), "Påminnelsen är skickad – Lofte");
    assert!(first.body.contains(&format!("Påminnelsen gick i väg till {} rapportörer.", to.len())), "{}", first.body);
    let second = b.post(&url, &form).await;
    assert!(second.body.contains("Påminnelsen var redan skickad"), "{}", second.body);
    let mails = manual_mails(&s);
    for address in &to {
        assert_eq!(mails.get(address), Some(&1), "one mail to {address}: {mails:?}");
    }
    assert_eq!(mails.len(), to.len(), "{mails:?}");
    // One reminder_sent per reporter and tertial owed, all of the one request's occasion.
    let recorded = manual_recorded(&s).await;
    let mut per: BTreeMap<(String, String), usize> = BTreeMap::new();
    for e in &recorded {
        let k = (e["data"]["person"].as_str().unwrap().to_owned(), e["data"]["tertial"].as_str().unwrap().to_owned());
        *per.entry(k).or_insert(0) += 1;
    }
    assert!(per.values().all(|n| *n == 1), "{per:?}");
    let occasions: std::collections::BTreeSet<&str> =
        recorded.iter().map(|e| e["data"]["occasion"].as_str().unwrap()).collect();
    assert_eq!(occasions.len(), 1, "{occasions:?}");
    let people: std::collections::BTreeSet<&str> = per.keys().map(|(p, _)| p.as_str()).collect();
    assert_eq!(people.len(), to.len());

    // A new form is a new reminder.
    let again = b.get(&url).await;
    let form = [("_csrf", csrf.as_str()), ("_once", &again.hidden("_once"))];
    let third = b.post(&url, &form).await;
    assert!(third.body.contains("Påminnelsen gick i väg"), "{}", third.body);
    assert!(manual_mails(&s).values().all(|n| *n == 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_who_is_not_a_coordinator_gets_403_on_every_action() {
    let s = stack().await;
    let mut b = signed_in(&s, REPORTER_ONLY).await;
    for path in ["/samordna/jonkoping-2022/paminn", "/samordna/importera", "/samordna/personer"] {
        let p = b.get(&format!("{}{path}", s.web)).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{path}");
        assert!(p.body.contains("Ingen behörighet"), "{path}");
    }
    let mut anonymous = Browser::new();
    let p = anonymous.get(&format!("{}/samordna/personer", s.web)).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "not signed in: to the sign-in page");
}

const JONKOPING: &str = include_str!("../../../../deploy/plans/jonkoping-2022.toml");
/// A coordinator limited to no plan: may import a new one (see `http/coord/import.rs`).
pub const IMPORTER: &str = "samordnare@jonkoping.example";

/// Adds `IMPORTER` to the stack's directory (the stack's ledger is open).
pub async fn add_importer(s: &Stack) {
    let p =
        serde_json::json!({"role": "coordinator", "orgs": ["kommunen"], "name": "Sam Samordnare", "email": IMPORTER});
    let r = reqwest::Client::new().post(format!("{}/v1/people", s.ledger)).json(&p).send().await.unwrap();
    assert!(r.status().is_success());
}

/// Jönköping's plan as the plan of `year`.
pub fn plan_of(year: u32) -> String {
    JONKOPING.replace("2023", "NEXT").replace("2022", &year.to_string()).replace("NEXT", &(year + 1).to_string())
}

fn events_of(log: &[Value], plan: &str) -> Vec<Value> {
    log.iter().filter(|e| e["plan"] == plan).cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_is_checked_shown_and_imported_once_confirmed() {
    let s = stack().await;
    add_importer(&s).await;
    let mut b = signed_in(&s, IMPORTER).await;
    let url = format!("{}/samordna/importera", s.web);
    let page = b.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("enctype=\"multipart/form-data\"") && page.body.contains("type=\"file\""));
    let (csrf, once) = (page.csrf(), page.hidden("_once"));
    let fields = [("_csrf", csrf.as_str()), ("_once", once.as_str())];

    // Another session's token: refused.
    let good = plan_of(2023);
    let bad_token = [("_csrf", "f".repeat(64)), ("_once", once.clone())];
    let bad_token: Vec<(&str, &str)> = bad_token.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = b.post_multipart(&url, &bad_token, ("plan", "plan-2023.toml", &good)).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);

    // A file with an error: where and what, in Swedish; nothing recorded.
    let wrong = good.replacen("lead = \"polisen\"", "lead = \"polis\"", 1);
    let line = wrong.lines().position(|l| l.contains("lead = \"polis\"")).unwrap() + 1;
    let p = b.post_multipart(&url, &fields, ("plan", "plan-2023.toml", &wrong)).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert_eq!(p.title(), "Fel: Importera en plan – Lofte");
    assert!(p.body.contains(&format!("Rad {line}, <code>activities[0].lead</code>: okänd organisation")), "{}", p.body);
    assert!(p.body.contains("href=\"#plan\""), "the summary links to the file input");
    // No file: said at the field.
    let p = b.post_multipart(&url, &fields, ("plan", "", "")).await;
    assert!(p.body.contains("Välj en planfil"), "{}", p.body);
    // The plan that exists already: said.
    let p = b.post_multipart(&url, &fields, ("plan", "jonkoping-2022.toml", JONKOPING)).await;
    assert!(p.body.contains("det finns redan en plan"), "{}", p.body);
    assert!(events_of(&log(&s).await, "jonkoping-2023").is_empty());

    // The fixed file: what would be recorded, and the button.
    let p = b.post_multipart(&url, &fields, ("plan", "plan-2023.toml", &good)).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.title(), "Importera Medborgarlöfte 2023 – Lofte");
    let (text, seal) = (p.hidden("text"), p.hidden("seal"));
    assert!(events_of(&log(&s).await, "jonkoping-2023").is_empty(), "nothing recorded before confirming");
    let confirm = format!("{url}/bekrafta");
    // Another text under this seal: refused, nothing recorded.
    let other = hex::encode(plan_of(2024));
    let p = b.post(&confirm, &[("_csrf", &csrf), ("_once", &once), ("text", &other), ("seal", &seal)]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(events_of(&log(&s).await, "jonkoping-2024").is_empty());

    // Confirmed, twice: recorded once, on the coordinator's behalf.
    let form = [("_csrf", csrf.as_str()), ("_once", once.as_str()), ("text", text.as_str()), ("seal", seal.as_str())];
    let p = b.post(&confirm, &form).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.title(), "Planen är importerad – Lofte");
    let recorded = events_of(&log(&s).await, "jonkoping-2023");
    let expected = lofte_proto::planfile::parse(&good).unwrap().events().len();
    assert_eq!(recorded.len(), expected);
    assert_eq!(recorded[0]["kind"], "plan_adopted");
    assert!(recorded[0]["author"].as_str().unwrap().starts_with("person:"), "{}", recorded[0]["author"]);
    let p = b.post(&confirm, &form).await;
    assert_eq!(p.title(), "Planen var redan importerad – Lofte", "{}", p.body);
    assert_eq!(events_of(&log(&s).await, "jonkoping-2023").len(), expected);
    // Its people act in it too.
    let people: Vec<Value> = reqwest::get(format!("{}/v1/people", s.ledger)).await.unwrap().json().await.unwrap();
    let reporter = people.iter().find(|p| p["email"] == REPORTER_ONLY && p["role"] == "reporter").unwrap();
    assert!(reporter["plans"].as_array().unwrap().iter().any(|p| p == "jonkoping-2023"), "{reporter}");

    // A coordinator limited to another plan may not import a new one: said before anything is recorded.
    let mut limited = signed_in(&s, COORDINATOR).await;
    let page = limited.get(&url).await;
    let (csrf, once) = (page.csrf(), page.hidden("_once"));
    let p =
        limited.post_multipart(&url, &[("_csrf", &csrf), ("_once", &once)], ("plan", "p.toml", &plan_of(2025))).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("Du kan inte importera den här planen"), "{}", p.body);
}
