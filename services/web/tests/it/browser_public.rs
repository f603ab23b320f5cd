//! The public pages in a real browser (headless Chromium over WebDriver): the list of approved
//! follow-ups, a follow-up as approved (an approved tertial beside ones not approved, a late
//! amendment), the events behind a figure, and a page that is not there — each checked with
//! axe-core for WCAG 2.1 A and AA, without sideways scrolling, and saved as a screenshot in
//! `target/web-screenshots/`, on a desktop window (1280×900) and a phone's (375×800, `*-mobile.png`).

use std::time::Duration;

use lofte_test_support::{poll_until, screenshot_dir, Browser};
use serde_json::{json, Value};

use super::{
    stack::{stack, Stack},
    visit::Visit,
};

const PLAN: &str = "jonkoping-2022";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_pages_on_a_desktop() {
    walk(1280, 900, "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_pages_on_a_phone_without_sideways_scrolling() {
    walk(375, 800, "-mobile").await;
}

async fn record(s: &Stack, actor: &str, kind: &str, data: Value) -> String {
    let body = json!({"plan": PLAN, "actor": actor, "kind": kind, "data": data});
    let r = reqwest::Client::new().post(format!("{}/v1/events", s.ledger)).json(&body).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    v["id"].as_str().unwrap_or_else(|| panic!("{v}")).to_owned()
}

/// A follow-up with figures, a correction, a removed entry, an approved tertial and a late count.
async fn a_follow_up(s: &Stack) {
    let patrol = |date: &str, count: &str| json!({"activity": "fotpatrullering", "date": date, "metric": "fotpatrullering", "count": count, "area": "raslatt", "hours": 96});
    let counted = record(s, "polisen", "measure_counted", patrol("2022-03-01", "900")).await;
    let fix = json!({"event": counted, "reason": "Felräknat vid sammanställningen",
        "replacement": {"kind": "measure_counted", "data": patrol("2022-03-01", "906")}});
    record(s, "polisen", "event_corrected", fix).await;
    let dialogue = json!({"activity": "samverkansmoten", "date": "2022-02-10", "topic": "Gängsnacket",
        "place": "Österängen", "participants": "ca 35"});
    record(s, "kommunen", "dialogue_held", dialogue).await;
    record(s, "kommunen", "follow_up_approved", json!({"tertial": "2022-T1"})).await;
    record(s, "polisen", "measure_counted", patrol("2022-04-20", "12")).await;
    record(s, "kommunen", "follow_up_approved", json!({"tertial": "2022-T2"})).await;
    poll_until("the report to list the plan", Duration::from_secs(20), || async {
        let v: Value = reqwest::get(format!("{}/v1/plans", s.projector)).await.unwrap().json().await.unwrap();
        Ok::<_, String>(v["plans"][0]["approved"].get("2022-T2").map(|_| ()))
    })
    .await
    .unwrap();
}

async fn walk(width: u32, height: u32, suffix: &'static str) {
    let s = stack().await;
    a_follow_up(&s).await;
    let b = Browser::start(width, height).await.unwrap_or_else(|e| panic!("{e}"));
    let v = Visit { b, suffix, dir: screenshot_dir().unwrap() };

    v.b.goto(&format!("{}/rapporter", s.web)).await.unwrap();
    v.title("Uppföljningar").await;
    v.check("p1-uppfoljningar").await;

    v.b.goto(&format!("{}/rapporter/{PLAN}", s.web)).await.unwrap();
    v.title("Uppföljning av medborgarlöfte 2022").await;
    v.check("p2-uppfoljning").await;
    // The wide table scrolls in its own region, reached with the keyboard.
    v.tab_to("div.table-wrap").await;
    assert_eq!(v.focused("tagName").await, "DIV");

    v.b.goto(&format!("{}/rapporter/{PLAN}/underlag/2022-T1/fotpatrullering", s.web)).await.unwrap();
    v.title("Underlag").await;
    v.check("p3-underlag").await;

    v.b.goto(&format!("{}/rapporter/{PLAN}/underlag/2022-T3/fotpatrullering", s.web)).await.unwrap();
    v.title("Sidan finns inte").await;
    v.check("p4-inte-godkand").await;
    v.b.close().await.unwrap();
}
