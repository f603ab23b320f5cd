//! In a real browser (headless Chromium over WebDriver), a coordinator not limited to a plan:
//! presses "Skicka påminnelsen nu" twice in a row (two Enter presses, no script) and each reporter
//! gets one mail, counted by recipient; imports a plan file chosen in the file input — with an
//! unknown lead organisation first, said with its line, then fixed — and confirms it; then on
//! Personer adds a reporter (a bad address first), changes their organisations and erases them.
//! Every page and state is checked with axe-core (WCAG 2.1 A and AA, no violation), must not
//! scroll sideways, and is saved as a screenshot (`30-…` to `37-…` in `target/web-screenshots/`),
//! at 1280×900 and 375×800.

use std::time::Duration;

use lofte_test_support::{poll_until, screenshot_dir, Browser, Key};
use serde_json::{json, Value};

use super::{
    coord_actions::{add_importer, manual_mails, plan_of, IMPORTER},
    stack::{log, stack, Stack},
    visit::Visit,
};

const WAIT: Duration = Duration::from_secs(30);
const NEW: &str = "kvarterspolis.oster@polisen.example";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_reminds_imports_and_keeps_the_people_on_a_desktop() {
    walk(1280, 900, "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_reminds_imports_and_keeps_the_people_on_a_phone_without_sideways_scrolling() {
    walk(375, 800, "-mobile").await;
}

async fn walk(width: u32, height: u32, suffix: &'static str) {
    let s = stack().await;
    add_importer(&s).await;
    let b = Browser::start(width, height).await.unwrap_or_else(|e| panic!("{e}"));
    let v = Visit { b, suffix, dir: screenshot_dir().unwrap() };
    sign_in(&s, &v).await;
    remind(&s, &v).await;
    import(&s, &v).await;
    people(&s, &v).await;
    v.b.close().await.unwrap();
}

async fn sign_in(s: &Stack, v: &Visit) {
    v.sign_in(s, IMPORTER, "Översikt").await;
}

/// Gives the element matching `css` focus (as Tab would; a long list needs more Tabs than the
/// walk's patience), for the keyboard to act on.
async fn focus(v: &Visit, css: &str) {
    let found = v.b.eval("const e = document.querySelector(arguments[0]); if (e) e.focus(); return !!e;", json!([css]));
    assert_eq!(found.await.unwrap(), Value::Bool(true), "no {css}");
}

/// "Påminn nu", the button pressed twice in a row: one mail per reporter.
async fn remind(s: &Stack, v: &Visit) {
    v.b.goto(&format!("{}/samordna/jonkoping-2022/paminn", s.web)).await.unwrap();
    assert_eq!(v.title("Påminn nu").await, "Påminn nu – Lofte");
    let mut to = vec![];
    for e in v.b.find_all("ul.recipients .address").await.unwrap() {
        to.push(v.b.text(&e).await.unwrap());
    }
    assert!(to.len() >= 5, "{to:?}");
    v.check("30-paminn-nu").await;
    v.tab_to("#skicka").await;
    v.b.press(&[Key::Enter, Key::Enter]).await.unwrap();
    assert_eq!(v.title("Påminnelsen är skickad").await, "Påminnelsen är skickad – Lofte");
    // Both presses answered before counting: every recipient's mail is there, and no second one.
    poll_until("a reminder to every recipient", WAIT, || async {
        let mails = manual_mails(s);
        Ok::<_, String>(to.iter().all(|a| mails.contains_key(a)).then_some(()))
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails = manual_mails(s);
    for address in &to {
        assert_eq!(mails.get(address), Some(&1), "one mail to {address}: {mails:?}");
    }
    assert_eq!(mails.len(), to.len(), "{mails:?}");
    v.check("31-paminnelsen-skickad").await;
}

/// Chooses the file at `path` in the file input and sends the form.
async fn upload(v: &Visit, path: &std::path::Path) {
    let input = v.b.find("input[type=file]").await.unwrap();
    v.b.send_keys(&input, path.to_str().unwrap()).await.unwrap();
    v.tab_to("main form button[type=submit]").await;
    v.b.press(&[Key::Enter]).await.unwrap();
}

/// A plan file with an unknown lead organisation, then the fixed one; confirmed.
async fn import(s: &Stack, v: &Visit) {
    let dir = tempfile::tempdir().unwrap();
    let good = plan_of(2023);
    let wrong = good.replacen("lead = \"polisen\"", "lead = \"polis\"", 1);
    let line = wrong.lines().position(|l| l.contains("lead = \"polis\"")).unwrap() + 1;
    let (bad_path, good_path) = (dir.path().join("jonkoping-2023-fel.toml"), dir.path().join("jonkoping-2023.toml"));
    std::fs::write(&bad_path, &wrong).unwrap();
    std::fs::write(&good_path, &good).unwrap();

    v.b.goto(&format!("{}/samordna/importera", s.web)).await.unwrap();
    assert_eq!(v.title("Importera en plan").await, "Importera en plan – Lofte");
    upload(v, &bad_path).await;
    assert_eq!(v.title("Fel:").await, "Fel: Importera en plan – Lofte");
    let said = v.b.text(&v.b.find("#plan-fel").await.unwrap()).await.unwrap();
    assert!(said.contains(&format!("Rad {line}, activities[0].lead: okänd organisation \"polis\"")), "{said}");
    assert!(said.contains("jonkoping-2023-fel.toml"), "the file named: {said}");
    v.check("32-importera-fel").await;
    v.tab_to(".error-summary a").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.focused("id").await, "plan", "the summary's link focuses the file input");

    upload(v, &good_path).await;
    assert_eq!(v.title("Importera ").await, "Importera Medborgarlöfte 2023 – Lofte");
    assert!(log(s).await.iter().all(|e| e["plan"] != "jonkoping-2023"), "nothing recorded before confirming");
    v.check("33-importera-granska").await;
    v.tab_to("main form button[type=submit]").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Planen är importerad").await, "Planen är importerad – Lofte");
    let expected = lofte_proto::planfile::parse(&good).unwrap().events().len();
    assert_eq!(log(s).await.iter().filter(|e| e["plan"] == "jonkoping-2023").count(), expected);
    v.check("34-plan-importerad").await;
}

async fn directory(s: &Stack) -> Vec<Value> {
    reqwest::get(format!("{}/v1/people", s.ledger)).await.unwrap().json().await.unwrap()
}

async fn notice(v: &Visit) -> String {
    v.b.text(&v.b.find(".notice").await.unwrap()).await.unwrap()
}

/// Personer: a reporter added (a bad address first), changed and erased.
async fn people(s: &Stack, v: &Visit) {
    v.b.goto(&format!("{}/samordna/personer", s.web)).await.unwrap();
    assert_eq!(v.title("Personer").await, "Personer – Lofte");
    v.check("35-personer").await;
    v.tab_to("main a.button").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Lägg till").await, "Lägg till en person – Lofte");
    v.check("35-person-lagg-till").await;
    v.tab_to("#roll").await;
    v.b.type_text(" ").await.unwrap();
    focus(v, "#organisationer-polisen").await;
    v.b.type_text(" ").await.unwrap();
    v.fill("namn", "Kvarterspolis Öster").await;
    v.fill("epost", "kvarterspolis.oster@polisen").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Fel:").await, "Fel: Lägg till en person – Lofte");
    assert!(v.b.find("#epost-fel").await.is_ok(), "the error at the field");
    assert_eq!(v.value("namn").await, "Kvarterspolis Öster", "what was typed is kept");
    assert!(directory(s).await.iter().all(|p| p["email"] != NEW), "nothing written");
    v.check("35-person-lagg-till-fel").await;
    v.tab_to(".error-summary a").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.focused("id").await, "epost", "the summary's link focuses the field");
    v.b.chord(Key::Control, 'a').await.unwrap();
    v.b.type_text(NEW).await.unwrap();
    v.b.press(&[Key::Enter]).await.unwrap();
    v.title("Personer").await;
    assert_eq!(notice(v).await, "Kvarterspolis Öster är tillagd som rapportör.");
    let added = directory(s).await.into_iter().find(|p| p["email"] == NEW).unwrap();
    assert_eq!((&added["role"], &added["orgs"]), (&json!("reporter"), &json!(["polisen"])));
    let id = added["id"].as_str().unwrap().to_owned();
    v.check("35-personer-tillagd").await;

    focus(v, &format!("a[href$='/{id}/andra']")).await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Ändra").await, "Ändra Kvarterspolis Öster – Lofte");
    v.check("36-person-andra").await;
    v.tab_to("#organisationer-vatterhem").await;
    v.b.type_text(" ").await.unwrap();
    v.tab_to("main form button[type=submit]").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    v.title("Personer").await;
    assert_eq!(notice(v).await, "Ändringarna för Kvarterspolis Öster är sparade.");
    let now = directory(s).await.into_iter().find(|p| p["id"] == id.as_str()).unwrap();
    assert_eq!(now["orgs"], json!(["polisen", "vatterhem"]));
    v.check("36-person-andrad").await;

    focus(v, &format!("a[href$='/{id}/ta-bort']")).await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Ta bort").await, "Ta bort Kvarterspolis Öster – Lofte");
    v.check("37-person-ta-bort").await;
    v.tab_to("#ta-bort").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    v.title("Personer").await;
    assert!(notice(v).await.starts_with("Personen är borttagen"));
    let gone = directory(s).await.into_iter().find(|p| p["id"] == id.as_str()).unwrap();
    assert!(gone["erased_at"].is_string() && gone.get("email").is_none() && gone.get("name").is_none(), "{gone}");
    v.check("37-person-borttagen").await;
}
