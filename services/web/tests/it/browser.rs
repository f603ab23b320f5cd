//! In a real browser (headless Chromium over WebDriver), with the keyboard only: signing in with
//! the mailed link, then logging a dialogue with an impossible date, put right. Every page and
//! state on the way — and the forms to correct and remove an entry, and submitting the
//! follow-up — is checked with axe-core for WCAG 2.1 A and AA (no violation allowed), must
//! not scroll sideways, and is saved as a screenshot in `target/web-screenshots/` — on a desktop
//! window (1280×900) and a phone's (375×800, `*-mobile.png`). Finally the projector's tertial
//! report shows what was logged.
//!
//! Needs Debian's chromium and chromedriver and axe-core in `.tools/axe`: `deploy/dev/tools.sh`.

use std::time::Duration;

use lofte_test_support::{poll_until, screenshot_dir, Browser, Key};
use serde_json::Value;

use super::{
    stack::{stack, Stack},
    visit::{prop_text, Visit},
};

const POLIS: &str = "kommunpolis.jonkoping@polisen.example";
const WAIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_only_sign_in_and_a_dialogue_logged_on_a_desktop() {
    walk(1280, 900, "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_only_sign_in_and_a_dialogue_logged_on_a_phone_without_sideways_scrolling() {
    walk(375, 800, "-mobile").await;
}

async fn walk(width: u32, height: u32, suffix: &'static str) {
    let s = stack().await;
    let b = Browser::start(width, height).await.unwrap_or_else(|e| panic!("{e}"));
    let viewport = b.eval("return [innerWidth, innerHeight];", serde_json::json!([])).await.unwrap();
    assert_eq!(viewport, serde_json::json!([width, height]), "the viewport asked for");
    let v = Visit { b, suffix, dir: screenshot_dir().unwrap() };
    sign_in(&s, &v).await;
    log_a_dialogue(&s, &v).await;
    correct_remove_and_submit(&s, &v).await;
    every_other_state(&s, &v).await;
    v.b.close().await.unwrap();
}

/// `/logga-in` to "Att göra", keyboard only.
async fn sign_in(s: &Stack, v: &Visit) {
    v.b.goto(&format!("{}/logga-in", s.web)).await.unwrap();
    assert_eq!(v.title("Logga in").await, "Logga in – Lofte");
    v.check("1-logga-in").await;
    // The first Tab reaches the skip link; it takes focus to the content, the next Tab to the field.
    v.b.press(&[Key::Tab]).await.unwrap();
    assert_eq!(v.focused("textContent").await, "Hoppa till innehållet");
    // Focus is visible: an outline drawn around what has it.
    let outline =
        v.b.eval("return getComputedStyle(document.activeElement).outlineStyle;", serde_json::json!([])).await.unwrap();
    assert_ne!(outline, serde_json::json!("none"), "the focused element has a visible outline");
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.focused("id").await, "innehall", "the skip link moves focus to the main content");
    v.b.press(&[Key::Tab]).await.unwrap();
    assert_eq!(v.focused("id").await, "epost");
    v.b.type_text(POLIS).await.unwrap();
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Kolla din e-post").await, "Kolla din e-post – Lofte");
    v.check("2-kolla-din-e-post").await;

    let mail = poll_until("the sign-in mail", WAIT, || async {
        Ok::<_, String>(s.smtp.messages().into_iter().find(|m| m.header("To").as_deref() == Some(POLIS)))
    })
    .await
    .unwrap();
    let body = mail.raw.replace("=\r\n", "").replace("=\n", "");
    let at = body.find(&format!("{}/logga-in/", s.web)).unwrap_or_else(|| panic!("no link in the mail: {body}"));
    let link: String = body[at..].chars().take_while(|c| !c.is_whitespace()).collect();
    v.b.goto(&link).await.unwrap();
    v.title("Bekräfta inloggning").await;
    v.check("3-bekrafta-inloggning").await;
    v.tab_to("main button[type=submit]").await;
    assert_eq!(v.focused("textContent").await, "Logga in");
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Att göra").await, "Att göra – Lofte");
    assert_eq!(v.b.current_url().await.unwrap(), format!("{}/", s.web));
    v.check("4-att-gora").await;
}

/// The activity, its dialogue form, an impossible date said at its field, put right, recorded,
/// and in the projector's report.
async fn log_a_dialogue(s: &Stack, v: &Visit) {
    let activity = format!("{}/plan/jonkoping-2022/aktivitet/samverkansmoten", s.web);
    v.b.goto(&activity).await.unwrap();
    v.title("").await;
    v.check("5-aktivitet").await;
    v.tab_to("a[href$='/logga/dialog']").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Logga en dialog").await, "Logga en dialog – Lofte");
    v.check("6-logga-en-dialog").await;

    v.fill("datum", "31/2").await;
    v.fill("amne", "Gängsnacket").await;
    v.fill("deltagare", "ca 35").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Fel:").await, "Fel: Logga en dialog – Lofte");
    let summary = v.b.find(".error-summary").await.unwrap();
    assert!(v.b.text(&summary).await.unwrap().contains("Det finns fel i formuläret"));
    let links = v.b.find_all(".error-summary a").await.unwrap();
    assert_eq!(links.len(), 1, "one error: the date");
    let href = prop_text(v.b.prop(&links[0], "href").await.unwrap());
    assert!(href.ends_with("#datum"), "{href}");
    assert!(v.b.find("#datum-fel").await.is_ok(), "the error at the field too");
    let kept = (v.value("datum").await, v.value("amne").await, v.value("deltagare").await);
    assert_eq!(kept, ("31/2".into(), "Gängsnacket".into(), "ca 35".into()), "what was typed is kept");
    v.check("7-fel-datum").await;

    // The summary's link takes focus to the field; put the date right and send again.
    v.tab_to(".error-summary a").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.focused("id").await, "datum", "the error link focuses its field");
    v.b.chord(Key::Control, 'a').await.unwrap();
    v.b.type_text("13/1").await.unwrap();
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Registrerat").await, "Registrerat – Lofte");
    let main = v.b.find("main").await.unwrap();
    let shown = v.b.text(&main).await.unwrap();
    assert!(shown.contains("ca 35") && shown.contains("Gängsnacket") && shown.contains("13/1"), "{shown}");
    v.check("8-registrerat").await;

    // Through the ledger, NATS and the projector, into the tertial report.
    let url = format!("{}/v1/plans/jonkoping-2022/report?tertial=2022-T1", s.projector);
    poll_until("the dialogue in the T1 report", WAIT, || async {
        let r = reqwest::get(&url).await.map_err(|e| e.to_string())?;
        let text = r.text().await.map_err(|e| e.to_string())?;
        Ok::<_, String>(text.contains("Gängsnacket").then_some(()))
    })
    .await
    .unwrap();
}

/// From the page after recording: the correction form (and its error when no reason is given),
/// the page to remove an entry, then "Lämna uppföljningen" submitted with the keyboard — and the
/// projector's summary has it.
async fn correct_remove_and_submit(s: &Stack, v: &Visit) {
    v.tab_to("a[href*='/andra/']").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Rätta uppgiften").await, "Rätta uppgiften – Lofte");
    v.check("9-ratta").await;
    v.tab_to("main button[type=submit]").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Fel:").await, "Fel: Rätta uppgiften – Lofte");
    v.check("10-ratta-utan-anledning").await;
    let remove = v.b.find("a[href*='/andra/']").await;
    assert!(remove.is_err(), "no links to itself on the form");
    let url = v.b.current_url().await.unwrap().replace("/andra/", "/ta-bort/");
    v.b.goto(&url).await.unwrap();
    assert_eq!(v.title("Ta bort uppgiften").await, "Ta bort uppgiften – Lofte");
    v.check("11-ta-bort").await;

    let submit = format!("{}/plan/jonkoping-2022/aktivitet/samverkansmoten/lamna/2022-T1", s.web);
    v.b.goto(&submit).await.unwrap();
    assert_eq!(v.title("Lämna").await, "Lämna uppföljningen för tertial 1 2022 – Lofte");
    v.check("12-lamna").await;
    v.tab_to("main button[type=submit]").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    poll_until("the notice that it is submitted", WAIT, || async {
        let main = v.b.find("main").await.map_err(|e| e.to_string())?;
        let text = v.b.text(&main).await.map_err(|e| e.to_string())?;
        Ok::<_, String>(text.contains("Uppföljningen för tertial 1 2022 är lämnad").then_some(()))
    })
    .await
    .unwrap();
    v.check("13-lamnad").await;
    let url = format!("{}/v1/plans/jonkoping-2022/summary?tertial=2022-T1", s.projector);
    poll_until("the submission in the projector's summary", WAIT, || async {
        let v: Value = reqwest::get(&url).await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
        let a = v["promises"][0]["activities"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["id"] == "samverkansmoten")
            .cloned();
        Ok::<_, String>(a.filter(|a| a["cells"]["2022-T1"]["submitted"].get("polisen").is_some()).map(|_| ()))
    })
    .await
    .unwrap();
}

/// The states not met on the way: a form sent twice, a used link, a page that is not there, the
/// form of every other kind (and one sent empty), then — every tertial approved — an empty
/// "Att göra" and the warning before recording into an approved tertial.
async fn every_other_state(s: &Stack, v: &Visit) {
    let activity = format!("{}/plan/jonkoping-2022/aktivitet/samverkansmoten", s.web);
    v.b.goto(&format!("{}/logga-in/{}", s.web, "0".repeat(64))).await.unwrap();
    assert_eq!(v.title("Länken").await, "Länken fungerar inte – Lofte");
    v.check("14-lanken-fungerar-inte").await;
    v.b.goto(&format!("{}/finns-inte", s.web)).await.unwrap();
    assert_eq!(v.title("Sidan").await, "Sidan finns inte – Lofte");
    v.check("15-sidan-finns-inte").await;
    for kind in ["mote", "workshop", "utbildning", "antal", "lagesbild", "milstolpe", "status", "notering"] {
        v.b.goto(&format!("{activity}/logga/{kind}")).await.unwrap();
        v.title("").await;
        v.check(&format!("16-form-{kind}")).await;
    }
    // A form sent twice: "Redan registrerat".
    v.b.goto(&format!("{activity}/logga/dialog")).await.unwrap();
    v.fill("datum", "14/1").await;
    v.fill("amne", "Två gånger").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Registrerat").await, "Registrerat – Lofte");
    let url = v.b.current_url().await.unwrap();
    v.b.goto(&format!("{url}?igen=1")).await.unwrap();
    assert_eq!(v.title("Redan").await, "Redan registrerat – Lofte");
    v.check("13b-redan-registrerat").await;
    // A form whose token is not the session's (a stale or forged page): refused, nothing written.
    v.b.goto(&format!("{activity}/logga/dialog")).await.unwrap();
    v.b.eval("document.querySelector('main input[name=_csrf]').value = 'fel'; return null;", serde_json::json!([]))
        .await
        .unwrap();
    v.fill("datum", "15/1").await;
    v.fill("amne", "Förfalskat").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Förbjudet").await, "Förbjudet – Lofte");
    v.check("13c-forbjudet").await;

    // Sent empty: every required field said at the top and at the field.
    v.b.goto(&format!("{activity}/logga/antal")).await.unwrap();
    v.tab_to("main button[type=submit]").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Fel:").await, "Fel: Logga ett antal – Lofte");
    v.check("17-antal-tomt").await;

    // Every tertial approved: nothing left to do, and recording says it is a late amendment.
    for t in ["2022-T1", "2022-T2", "2022-T3"] {
        let body = serde_json::json!({"plan": "jonkoping-2022", "actor": "kommunen", "kind": "follow_up_approved", "data": {"tertial": t}});
        let r = reqwest::Client::new().post(format!("{}/v1/events", s.ledger)).json(&body).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }
    poll_until("an empty Att göra", WAIT, || async {
        v.b.goto(&format!("{}/", s.web)).await.map_err(|e| e.to_string())?;
        let main = v.b.find("main").await.map_err(|e| e.to_string())?;
        let text = v.b.text(&main).await.map_err(|e| e.to_string())?;
        Ok::<_, String>(text.contains("inga uppföljningar att lämna").then_some(()))
    })
    .await
    .unwrap();
    v.check("18-att-gora-tomt").await;
    v.b.goto(&format!("{activity}/logga/dialog")).await.unwrap();
    v.fill("datum", "20/5").await;
    v.fill("amne", "Sent tillägg").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    poll_until("the warning about an approved tertial", WAIT, || async {
        let main = v.b.find("main").await.map_err(|e| e.to_string())?;
        let text = v.b.text(&main).await.map_err(|e| e.to_string())?;
        Ok::<_, String>(text.contains("är redan godkänd").then_some(()))
    })
    .await
    .unwrap();
    v.check("19-sent-tillagg").await;
}
