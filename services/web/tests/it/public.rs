//! The public pages against the stack: only plans with an approved follow-up are listed; a
//! follow-up shows exactly as approved — what is recorded afterwards only once a later approval
//! includes it, as a late amendment — and a tertial not approved shows no figures; the downloads;
//! the events behind a figure, with corrections and what was removed, naming no one.

use std::time::Duration;

use lofte_test_support::poll_until;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::stack::{log, stack, Browser, Stack};

const PLAN: &str = "jonkoping-2022";

async fn record(s: &Stack, actor: &str, kind: &str, data: Value) -> String {
    let body = json!({"plan": PLAN, "actor": actor, "kind": kind, "data": data});
    let r = reqwest::Client::new().post(format!("{}/v1/events", s.ledger)).json(&body).send().await.unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert!(status.is_success(), "{v}");
    v["id"].as_str().unwrap().to_owned()
}

fn patrol(date: &str, count: &str) -> Value {
    json!({"activity": "fotpatrullering", "date": date, "metric": "fotpatrullering", "count": count, "area": "raslatt"})
}

/// Waits until the page at `path` contains `text`.
async fn until(s: &Stack, path: &str, text: &str) -> String {
    let url = format!("{}{path}", s.web);
    poll_until(&format!("{path} to say {text}"), Duration::from_secs(20), || async {
        let body = Browser::new().get(&url).await.body;
        Ok::<_, String>(body.contains(text).then_some(body))
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_sees_each_follow_up_exactly_as_approved() {
    let s = stack().await;
    let mut b = Browser::new();
    let counted = record(&s, "polisen", "measure_counted", patrol("2022-03-01", "900")).await;
    let fix = json!({"event": counted, "reason": "Felräknat", "replacement": {"kind": "measure_counted", "data": patrol("2022-03-01", "906")}});
    record(&s, "polisen", "event_corrected", fix).await;
    let dialogue = json!({"activity": "samverkansmoten", "date": "2022-02-10", "topic": "Trygghetsvandring"});
    let d = record(&s, "kommunen", "dialogue_held", dialogue).await;
    record(&s, "kommunen", "event_retracted", json!({"event": d, "reason": "Dubbelregistrerat"})).await;

    // Nothing approved: nothing listed, no report.
    let list = b.get(&format!("{}/rapporter", s.web)).await;
    assert!(list.body.contains("Ingen uppföljning är godkänd ännu."), "{}", list.body);
    let none = b.get(&format!("{}/rapporter/{PLAN}", s.web)).await;
    assert_eq!((none.status, none.title()), (StatusCode::NOT_FOUND, "Sidan finns inte – Lofte".to_owned()));

    record(&s, "kommunen", "follow_up_approved", json!({"tertial": "2022-T1"})).await;
    let list = until(&s, "/rapporter", "/rapporter/jonkoping-2022").await;
    assert!(list.contains("tertial 1 2022 ("), "{list}");
    // Recorded after the approval: a late count for T1, and one for T2 (not approved).
    record(&s, "polisen", "measure_counted", patrol("2022-04-20", "4711")).await;
    record(&s, "polisen", "measure_counted", patrol("2022-05-10", "5150")).await;
    poll_until("the projector to hold the late counts", Duration::from_secs(20), || async {
        let v: Value =
            reqwest::get(format!("{}/v1/plans/{PLAN}/summary", s.projector)).await.unwrap().json().await.unwrap();
        Ok::<_, String>(v.to_string().contains("5150").then_some(()))
    })
    .await
    .unwrap();

    let page = b.get(&format!("{}/rapporter/{PLAN}", s.web)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.title().starts_with("Uppföljning av medborgarlöfte 2022"), "{}", page.title());
    assert!(page.body.contains("Fotpatrullering: 906 "), "{}", page.body);
    assert!(!page.body.contains("4711") && !page.body.contains("5617") && !page.body.contains("5150"), "{}", page.body);
    assert!(!page.body.contains("Sent tillägg"));
    assert!(page.body.contains("Inte godkänd ännu.") && page.body.contains("godkänd 20"), "{}", page.body);
    assert!(page.body.contains(&format!("/rapporter/{PLAN}/underlag/2022-T1/fotpatrullering")));
    assert!(!page.body.contains("/underlag/2022-T2/"), "no why for an unapproved tertial");

    // Downloads: the same, as files.
    for (file, kind) in
        [("rapport.md", "text/markdown"), ("rapport.csv", "text/csv"), ("rapport.json", "application/json")]
    {
        let f = b.get(&format!("{}/rapporter/{PLAN}/{file}", s.web)).await;
        assert_eq!(f.status, StatusCode::OK, "{file}");
        assert!(f.headers["content-type"].to_str().unwrap().starts_with(kind), "{file}");
        let ext = file.rsplit('.').next().unwrap();
        let cd = f.headers["content-disposition"].to_str().unwrap();
        assert_eq!(cd, format!("attachment; filename=\"{PLAN}-uppfoljning.{ext}\""));
        assert!(f.body.contains("906") && !f.body.contains("4711") && !f.body.contains("5150"), "{file}: {}", f.body);
    }
    let json: Value =
        serde_json::from_str(&b.get(&format!("{}/rapporter/{PLAN}/rapport.json", s.web)).await.body).unwrap();
    assert_eq!(json["columns"][1]["approved"], Value::Null);

    // Why 906: the count, its correction and the removed dialogue; no one named.
    let why = b.get(&format!("{}/rapporter/{PLAN}/underlag/2022-T1/fotpatrullering", s.web)).await;
    assert_eq!(why.status, StatusCode::OK, "{}", why.body);
    for text in [
        "Räknat antal",
        "1/3",
        "Polisen, lokalpolisområde Södra Vätterbygden",
        "900, Råslätt → 906, Råslätt (Felräknat)",
        "Fotpatrullering: 906",
    ] {
        assert!(why.body.contains(text), "{text}: {}", why.body);
    }
    assert!(!why.body.contains("4711"));
    let removed = b.get(&format!("{}/rapporter/{PLAN}/underlag/2022-T1/samverkansmoten", s.web)).await;
    assert!(removed.body.contains("Borttaget") && removed.body.contains("Dubbelregistrerat"), "{}", removed.body);
    let people: Value = reqwest::get(format!("{}/v1/people", s.ledger)).await.unwrap().json().await.unwrap();
    let mut secrets: Vec<String> =
        people.as_array().into_iter().flatten().filter_map(|p| p["id"].as_str().map(str::to_owned)).collect();
    for e in log(&s).await {
        // Without tokens (this stack) an event's author is its organisation's id, which is public.
        secrets.extend(e["author"].as_str().filter(|a| e["actor"] != *a).map(str::to_owned));
        secrets.extend(e["idempotency_key"].as_str().map(str::to_owned));
    }
    assert!(!secrets.is_empty());
    for page in [&why.body, &removed.body] {
        for secret in &secrets {
            assert!(!page.contains(&format!(">{secret}<")) && !page.contains(&format!(" {secret}")), "{secret} shown");
        }
        assert!(!page.contains("author") && !page.contains("idempotency"));
    }

    // Bad addresses, and a tertial not approved: 404 in words.
    for path in [
        format!("/rapporter/{PLAN}/underlag/2022-T2/fotpatrullering"),
        format!("/rapporter/{PLAN}/underlag/2022-T9/fotpatrullering"),
        format!("/rapporter/{PLAN}/underlag/2022-T1/finns-inte"),
        format!("/rapporter/{PLAN}/underlag/inte-en-tertial/fotpatrullering"),
        format!("/rapporter/{PLAN}/rapport.pdf"),
        "/rapporter/finns-inte".to_owned(),
        "/rapporter/Inte%20en%20plan".to_owned(),
    ] {
        let p = b.get(&format!("{}{path}", s.web)).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{path}");
        assert!(p.body.contains("Sidan finns inte"), "{path}");
    }
    let t2 = b.get(&format!("{}/rapporter/{PLAN}/underlag/2022-T2/fotpatrullering", s.web)).await;
    assert!(t2.body.contains("Tertial 2 2022 är inte godkänd ännu"), "{}", t2.body);

    // T2 approved: its report includes T1's late count, marked as such, and T2's figures.
    record(&s, "kommunen", "follow_up_approved", json!({"tertial": "2022-T2"})).await;
    let page = until(&s, &format!("/rapporter/{PLAN}"), "Fotpatrullering: 5617 ").await;
    assert!(page.contains("Sent tillägg efter godkännandet: 1 händelse."), "{page}");
    assert!(
        page.contains("Fotpatrullering: 5150 ") && page.contains("visas som i uppföljningen av tertial 2 2022"),
        "{page}"
    );
    let why = b.get(&format!("{}/rapporter/{PLAN}/underlag/2022-T1/fotpatrullering", s.web)).await;
    assert!(why.body.contains("4711") && why.body.contains("Sena tillägg efter godkännandet"), "{}", why.body);

    // T1 approved again: its column is its own report again, the late count in it.
    record(&s, "kommunen", "follow_up_approved", json!({"tertial": "2022-T1"})).await;
    let url = format!("{}/rapporter/{PLAN}", s.web);
    let page = poll_until("T1's second approval", Duration::from_secs(20), || async {
        let body = Browser::new().get(&url).await.body;
        Ok::<_, String>((!body.contains("visas som i uppföljningen av tertial 2 2022")).then_some(body))
    })
    .await
    .unwrap();
    assert!(page.contains("Fotpatrullering: 5617 ") && page.contains("Sent tillägg efter godkännandet: 1 händelse."));
}
