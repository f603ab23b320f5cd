//! The People page (`/samordna/personer`) against the real stack: a coordinator adds a reporter
//! (a bad address first: said at the field, nothing written), sees them listed, changes their
//! organisations and erases them — the ledger's directory has each change, made on the
//! coordinator's behalf. A form without the session's token is `403` and writes nothing; a form
//! for a person erased meanwhile says so at the field (the ledger's `409`).

use reqwest::StatusCode;
use serde_json::Value;

use super::{
    coord_actions::COORDINATOR,
    stack::{signed_in, stack, Browser, Page, Stack},
};

const NEW: &str = "kvarterspolis.oster@polisen.example";

async fn directory(s: &Stack) -> Vec<Value> {
    reqwest::get(format!("{}/v1/people", s.ledger)).await.unwrap().json().await.unwrap()
}

async fn changes(s: &Stack) -> Vec<Value> {
    reqwest::get(format!("{}/v1/people/changes", s.ledger)).await.unwrap().json().await.unwrap()
}

/// Follows a `303` to where it points.
async fn follow(b: &mut Browser, s: &Stack, p: &Page) -> Page {
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let to = p.headers["location"].to_str().unwrap();
    b.get(&format!("{}{to}", s.web)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_adds_changes_and_erases_a_reporter() {
    let s = stack().await;
    let mut b = signed_in(&s, COORDINATOR).await;
    let list = format!("{}/samordna/personer", s.web);
    let p = b.get(&list).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.title(), "Personer – Lofte");
    assert!(p.body.contains("omradespolis.raslatt@polisen.example"), "the plan's reporters are listed");
    assert!(p.body.contains("Rapportörer (") && p.body.contains("Samordnare (") && p.body.contains("Granskare ("));

    let add = format!("{list}/ny");
    let form = b.get(&add).await;
    assert_eq!(form.title(), "Lägg till en person – Lofte");
    assert!(form.body.contains("value=\"vatterhem\"") && form.body.contains("Vätterhem"), "the plan's organisations");
    let (csrf, once) = (form.csrf(), form.hidden("_once"));
    let before = (directory(&s).await.len(), changes(&s).await.len());
    let fields = |email: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("_once", once.clone()),
            ("roll", "rapportor".to_owned()),
            ("organisationer", "polisen".to_owned()),
            ("planer", "jonkoping-2022".to_owned()),
            ("namn", "Kvarterspolis <Öster>".to_owned()),
            ("epost", email.to_owned()),
        ]
    };

    // A bad address: said at the field, everything kept, nothing written.
    let bad = fields("kvarterspolis at polisen");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = b.post(&add, &bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert_eq!(p.title(), "Fel: Lägg till en person – Lofte");
    assert!(p.body.contains("href=\"#epost\"") && p.body.contains("id=\"epost-fel\""), "{}", p.body);
    assert!(p.body.contains("Kvarterspolis &lt;Öster&gt;"), "the name kept, escaped");
    assert!(p.body.contains("value=\"polisen\" checked"), "the organisation kept");
    assert_eq!((directory(&s).await.len(), changes(&s).await.len()), before, "nothing written");

    // Another session's token: 403, nothing written.
    let good = fields(NEW);
    let mut forged: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let zeros = "0".repeat(64);
    forged[0].1 = &zeros;
    assert_eq!(b.post(&add, &forged).await.status, StatusCode::FORBIDDEN);
    assert_eq!(directory(&s).await.len(), before.0);

    // Added, on the coordinator's behalf; listed.
    let ok: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sent = b.post(&add, &ok).await;
    let p = follow(&mut b, &s, &sent).await;
    assert!(p.body.contains("Kvarterspolis &lt;Öster&gt; är tillagd som rapportör."), "{}", p.body);
    assert!(p.body.contains(NEW));
    let people = directory(&s).await;
    let added = people.iter().find(|p| p["email"] == NEW).unwrap().clone();
    assert_eq!((added["role"].as_str(), added["orgs"].clone()), (Some("reporter"), serde_json::json!(["polisen"])));
    assert_eq!(added["plans"], serde_json::json!(["jonkoping-2022"]));
    let coordinator = people.iter().find(|p| p["email"] == COORDINATOR && p["role"] == "coordinator").unwrap();
    let by = changes(&s).await.last().unwrap()["by"].as_str().unwrap().to_owned();
    assert!(by.starts_with(&format!("person:{}:via:", coordinator["id"].as_str().unwrap())), "{by}");
    // The same form again (a double click): the same person, nothing new.
    let again = b.post(&add, &ok).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(directory(&s).await.iter().filter(|p| p["email"] == NEW).count(), 1);

    // Changed: another organisation too, no plan limit, the name removed.
    let id = added["id"].as_str().unwrap();
    let change = format!("{list}/{id}/andra");
    let form = b.get(&change).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(form.title(), "Ändra Kvarterspolis &lt;Öster&gt; – Lofte");
    let once = form.hidden("_once");
    let changed = [
        ("_csrf", csrf.as_str()),
        ("_once", once.as_str()),
        ("organisationer", "polisen"),
        ("organisationer", "vatterhem"),
        ("namn", ""),
    ];
    let p = b.post(&change, &[("_csrf", csrf.as_str()), ("_once", once.as_str()), ("namn", "x")]).await;
    assert!(p.body.contains("Välj minst en organisation"), "{}", p.body);
    let sent = b.post(&change, &changed).await;
    let p = follow(&mut b, &s, &sent).await;
    assert!(p.body.contains(&format!("Ändringarna för {NEW} är sparade.")), "{}", p.body);
    let now = directory(&s).await.into_iter().find(|p| p["id"] == id).unwrap();
    assert_eq!(now["orgs"], serde_json::json!(["polisen", "vatterhem"]));
    assert!(now.get("plans").is_none() && now.get("name").is_none(), "{now}");

    // Erased, after the page saying what that means.
    let erase = format!("{list}/{id}/ta-bort");
    let form = b.get(&erase).await;
    assert_eq!(form.title(), format!("Ta bort {NEW} – Lofte"));
    assert!(form.body.contains("Namn och e-postadress tas bort ur Lofte"), "{}", form.body);
    let once = form.hidden("_once");
    let sent = b.post(&erase, &[("_csrf", csrf.as_str()), ("_once", once.as_str())]).await;
    let p = follow(&mut b, &s, &sent).await;
    assert!(p.body.contains("Personen är borttagen"), "{}", p.body);
    assert!(!p.body.contains(NEW), "the address is gone from the page");
    let gone = directory(&s).await.into_iter().find(|p| p["id"] == id).unwrap();
    assert!(gone["erased_at"].is_string() && gone.get("email").is_none(), "{gone}");
    assert_eq!(gone["orgs"], serde_json::json!(["polisen", "vatterhem"]), "the organisations stay");

    // The old change form, sent now: the ledger refuses an erased person, said at the field.
    let p = b.post(&change, &changed).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("Personen är borttagen och kan inte ändras"), "{}", p.body);

    // Erasing oneself is not offered, and refused.
    let me = coordinator["id"].as_str().unwrap();
    let p = b.post(&format!("{list}/{me}/ta-bort"), &[("_csrf", csrf.as_str()), ("_once", once.as_str())]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(directory(&s).await.iter().any(|p| p["id"] == me && p["erased_at"].is_null()));
}
