//! In a real browser (headless Chromium over WebDriver), a coordinator with the keyboard: signs
//! in, opens their plans and Översikt (its tables scroll inside a focusable region, never the
//! page), approves tertial 1 2022 — forgetting the comment first, the error said at the field —
//! then sets tertial 2's due date, with an impossible date first. Every page and state is checked
//! with axe-core (WCAG 2.1 A and AA, no violation), must not scroll sideways, and is saved as a
//! screenshot (`samordna-*.png` in `target/web-screenshots/`), at 1280×900 and 375×800.

use lofte_test_support::{screenshot_dir, Browser, Key};

use super::{
    stack::{log, stack, Stack},
    visit::Visit,
};

const POLIS: &str = "kommunpolis.jonkoping@polisen.example";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_approves_and_sets_a_due_date_on_a_desktop() {
    walk(1280, 900, "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_approves_and_sets_a_due_date_on_a_phone_without_sideways_scrolling() {
    walk(375, 800, "-mobile").await;
}

async fn walk(width: u32, height: u32, suffix: &'static str) {
    let s = stack().await;
    let b = Browser::start(width, height).await.unwrap_or_else(|e| panic!("{e}"));
    let v = Visit { b, suffix, dir: screenshot_dir().unwrap() };
    sign_in(&s, &v).await;
    overview(&s, &v).await;
    approve(&s, &v).await;
    deadline(&s, &v).await;
    v.b.close().await.unwrap();
}

async fn sign_in(s: &Stack, v: &Visit) {
    v.sign_in(s, POLIS, "Att göra").await;
}

/// The plans, then Översikt by its link in the header and the plan's link.
async fn overview(s: &Stack, v: &Visit) {
    v.tab_to("nav.site a[href='/samordna']").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Översikt").await, "Översikt – Lofte");
    v.check("samordna-1-planer").await;
    v.tab_to("main a[href='/samordna/jonkoping-2022']").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Översikt: ").await, "Översikt: Medborgarlöfte 2022 – Lofte");
    let late = v.b.find_all("td .state-late").await.unwrap();
    assert!(!late.is_empty(), "every 2022 due date has passed");
    assert_eq!(v.b.text(&late[0]).await.unwrap(), "försenad", "said in words");
    // The tables' region takes focus (to scroll it with the keyboard) and is named by its promise.
    v.tab_to(".matrix").await;
    assert_eq!(v.focused("tagName").await, "DIV");
    v.check("samordna-2-oversikt").await;
    let _ = s;
}

/// Approving tertial 1 2022: without the comment first.
async fn approve(s: &Stack, v: &Visit) {
    v.tab_to("a[href$='/godkann/2022-T1']").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Godkänn").await, "Godkänn tertial 1 2022 – Lofte");
    v.check("samordna-3-godkann").await;
    let before = log(s).await.len();
    v.tab_to("main button[type=submit]").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Fel:").await, "Fel: Godkänn tertial 1 2022 – Lofte");
    assert!(v.b.find("#kommentar-fel").await.is_ok(), "the error at the field");
    assert_eq!(log(s).await.len(), before, "nothing recorded");
    v.check("samordna-4-godkann-fel").await;
    v.tab_to(".error-summary a").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.focused("id").await, "kommentar", "the summary's link focuses the field");
    v.b.type_text("Vätterhem lämnar sin del muntligt").await.unwrap();
    v.b.press(&[Key::Enter]).await.unwrap();
    v.title("Översikt: ").await;
    let notice = v.b.find(".notice").await.unwrap();
    assert_eq!(v.b.text(&notice).await.unwrap(), "Tertial 1 2022 är godkänd.");
    assert_eq!(log(s).await.last().unwrap()["data"]["note"], "Vätterhem lämnar sin del muntligt");
    v.check("samordna-5-godkand").await;
    v.b.goto(&format!("{}/samordna/jonkoping-2022/godkann/2022-T1", s.web)).await.unwrap();
    assert_eq!(v.title("Godkänn").await, "Godkänn tertial 1 2022 igen – Lofte");
    v.check("samordna-6-godkann-igen").await;
}

/// Tertial 2's due date: an impossible date first, then moved.
async fn deadline(s: &Stack, v: &Visit) {
    v.b.goto(&format!("{}/samordna/jonkoping-2022", s.web)).await.unwrap();
    v.title("Översikt: ").await;
    v.tab_to("a[href$='/sista-dag/2022-T2']").await;
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Sista dag").await, "Sista dag för tertial 2 2022 – Lofte");
    v.check("samordna-7-sista-dag").await;
    v.tab_to("#datum").await;
    v.b.chord(Key::Control, 'a').await.unwrap();
    v.b.type_text("2022-09-31").await.unwrap();
    v.b.press(&[Key::Enter]).await.unwrap();
    assert_eq!(v.title("Fel:").await, "Fel: Sista dag för tertial 2 2022 – Lofte");
    assert_eq!(v.value("datum").await, "2022-09-31", "what was typed is kept");
    v.check("samordna-8-sista-dag-fel").await;
    v.tab_to("#datum").await;
    v.b.chord(Key::Control, 'a').await.unwrap();
    v.b.type_text("2022-09-30").await.unwrap();
    v.b.press(&[Key::Enter]).await.unwrap();
    v.title("Översikt: ").await;
    let notice = v.b.find(".notice").await.unwrap();
    assert_eq!(v.b.text(&notice).await.unwrap(), "Sista dag för tertial 2 2022 är sparad: 30 september 2022.");
    v.check("samordna-9-sista-dag-sparad").await;
}
