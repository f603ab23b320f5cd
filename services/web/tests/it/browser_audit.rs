//! In a real browser (headless Chromium over WebDriver): an auditor signs in, finds a corrected
//! event in Händelsehistorik by filtering with the keyboard, opens it and follows its chain to
//! the original; then every auditor page and state — an older page, a filter at fault, no
//! matches, the report, as of an approval, what changed since, the events behind a cell, a diff
//! at fault, the chain check — is checked with axe-core (WCAG 2.1 A and AA, no violation), must
//! not scroll sideways (hashes, JSON and tables scroll inside their own labelled region), and is
//! saved as a screenshot, at 1280×900 and 375×800.

use std::time::Duration;

use lofte_test_support::{poll_until, screenshot_dir, Browser, Key};
use serde_json::{json, Value};

use super::{
    stack::{stack, Stack, AUDITOR},
    visit::Visit,
};

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_finds_a_corrected_event_and_its_chain_on_a_desktop() {
    walk(1280, 900, "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_finds_a_corrected_event_and_its_chain_on_a_phone() {
    walk(375, 800, "-mobile").await;
}

async fn record(s: &Stack, actor: &str, kind: &str, data: Value) -> Value {
    let body = json!({"plan": "jonkoping-2022", "actor": actor, "kind": kind, "data": data});
    let r = reqwest::Client::new().post(format!("{}/v1/events", s.ledger)).json(&body).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// A dialogue corrected then retracted, tertial 1 approved, and a late dialogue after it.
async fn history(s: &Stack) -> Value {
    let d =
        json!({"activity": "samverkansmoten", "date": "2022-01-13", "topic": "Gängsnacket", "participants": "ca 35"});
    let original = record(s, "polisen", "dialogue_held", d.clone()).await;
    let mut fixed = d;
    fixed["participants"] = json!("ca 40");
    let c = json!({"event": original["id"], "reason": "Fel antal", "replacement": {"kind": "dialogue_held", "data": fixed}});
    record(s, "polisen", "event_corrected", c).await;
    record(s, "polisen", "event_retracted", json!({"event": original["id"], "reason": "Dubbelregistrerat"})).await;
    record(s, "kommunen", "follow_up_approved", json!({"tertial": "2022-T1"})).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let late = json!({"activity": "samverkansmoten", "date": "2022-03-30", "topic": "Sent tillägg"});
    record(s, "polisen", "dialogue_held", late).await;
    original
}

async fn sign_in(s: &Stack, v: &Visit) {
    v.sign_in(s, AUDITOR, "").await;
}

async fn main_text(v: &Visit) -> String {
    let m = v.b.find("main").await.unwrap();
    v.b.text(&m).await.unwrap()
}

async fn walk(width: u32, height: u32, suffix: &'static str) {
    let s = stack().await;
    let original = history(&s).await;
    let b = Browser::start(width, height).await.unwrap_or_else(|e| panic!("{e}"));
    let v = Visit { b, suffix, dir: screenshot_dir().unwrap() };
    sign_in(&s, &v).await;

    // Händelsehistorik, then with the keyboard: the kind "Rättelse", shown.
    v.b.goto(&format!("{}/granska", s.web)).await.unwrap();
    assert_eq!(v.title("Händelsehistorik").await, "Händelsehistorik – Lofte");
    v.check("30-granska-historik").await;
    v.tab_to("#typ").await;
    v.b.type_text("Rättelse").await.unwrap();
    assert_eq!(v.value("typ").await, "event_corrected");
    v.tab_to("form.filters button[type=submit]").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    poll_until("the filtered list", WAIT, || async {
        Ok::<_, String>(
            v.b.current_url().await.map_err(|e| e.to_string())?.contains("typ=event_corrected").then_some(()),
        )
    })
    .await
    .unwrap();
    let text = main_text(&v).await;
    assert!(text.contains("1 händelse matchar filtren") && text.contains("anledning: Fel antal"), "{text}");
    v.check("31-granska-filtrerad").await;

    // The correction, then its chain back to the original.
    v.tab_to("table.history a").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert!(v.title("Händelse").await.ends_with(": Rättelse – Lofte"));
    v.check("32-granska-handelse").await;
    v.tab_to("ol.chain a").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert!(v.title("Händelse").await.ends_with(": Dialog – Lofte"));
    assert!(v.b.current_url().await.unwrap().ends_with(original["id"].as_str().unwrap()));
    let text = main_text(&v).await;
    assert!(text.contains("Uppgiften är nu: Borttagen") && text.contains("Anledning: Dubbelregistrerat"), "{text}");
    v.check("33-granska-kedja").await;

    // Every other state.
    v.b.goto(&format!("{}/granska?fore=20", s.web)).await.unwrap();
    v.title("Händelsehistorik").await;
    v.check("34-granska-aldre").await;
    v.b.goto(&format!("{}/granska?fran=ig%C3%A5r", s.web)).await.unwrap();
    assert_eq!(v.title("Fel:").await, "Fel: Händelsehistorik – Lofte");
    v.tab_to(".error-summary a").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.focused("id").await, "fran", "the error link focuses its field");
    v.check("35-granska-fel").await;
    v.b.goto(&format!("{}/granska?till=2000-01-01", s.web)).await.unwrap();
    v.title("Händelsehistorik").await;
    v.check("36-granska-inga-traffar").await;

    let plan = format!("{}/granska/plan/jonkoping-2022", s.web);
    poll_until("the late dialogue in the report", WAIT, || async {
        v.b.goto(&plan).await.map_err(|e| e.to_string())?;
        Ok::<_, String>(main_text(&v).await.contains("Sent tillägg").then_some(()))
    })
    .await
    .unwrap();
    v.check("37-granska-rapport").await;
    v.tab_to("ul.presets a[href*='per=']").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    v.title("Rapport jonkoping-2022 som den var känd").await;
    assert!(!main_text(&v).await.contains("Sent tillägg"));
    v.check("38-granska-per-godkannande").await;
    v.b.goto(&plan).await.unwrap();
    v.title("Rapport").await;
    v.tab_to("ul.presets a[href*='andringar?fran=']").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    v.title("Vad har ändrats").await;
    assert!(main_text(&v).await.contains("Sent tillägg"));
    v.check("39-granska-andringar").await;
    v.b.goto(&format!("{plan}/andringar?fran=snart")).await.unwrap();
    v.title("Fel:").await;
    v.check("40-granska-andringar-fel").await;
    v.b.goto(&format!("{plan}/underlag/samverkansmoten")).await.unwrap();
    v.title("Händelserna bakom").await;
    v.check("41-granska-underlag").await;
    v.b.goto(&format!("{}/granska/kontroll", s.web)).await.unwrap();
    v.title("Kontroll").await;
    assert!(main_text(&v).await.contains("Kedjan är hel"));
    v.check("42-granska-kontroll").await;
    v.b.close().await.unwrap();
}
