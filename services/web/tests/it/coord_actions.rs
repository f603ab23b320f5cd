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
