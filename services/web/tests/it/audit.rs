//! Auditors: Händelsehistorik (each filter, paging, free text, a bad value at its field), an
//! event's envelope, JSON and corrections chain, the report with the events behind each cell,
//! as of an approval and what changed since, the chain check and the export — and every page
//! refused to a reporter and to no one signed in.

use std::time::Duration;

use lofte_test_support::poll_until;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::stack::{log, signed_in, stack, Browser, Page, Stack, AUDITOR};

const PLAN: &str = "jonkoping-2022";

async fn record(s: &Stack, actor: &str, kind: &str, data: Value) -> Value {
    let body = json!({"plan": PLAN, "actor": actor, "kind": kind, "data": data});
    let r = reqwest::Client::new().post(format!("{}/v1/events", s.ledger)).json(&body).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

async fn page_until(b: &Browser, url: &str, what: &str) -> Page {
    poll_until(what, Duration::from_secs(20), || async {
        let p = b.twin().get(url).await;
        Ok::<_, String>(p.body.contains(what).then_some(p))
    })
    .await
    .unwrap()
}

fn rows(p: &Page) -> usize {
    p.body.matches("href=\"/granska/handelse/").count()
}

/// A dialogue, corrected, then retracted: (original, correction, retraction).
async fn a_chain(s: &Stack) -> (Value, Value, Value) {
    let dialogue = json!({"activity": "samverkansmoten", "date": "2022-01-13", "topic": "Gängsnacket <b>", "participants": "ca 35"});
    let original = record(s, "polisen", "dialogue_held", dialogue.clone()).await;
    let mut fixed = dialogue;
    fixed["participants"] = json!("ca 40");
    let c = json!({"event": original["id"], "reason": "Fel antal", "replacement": {"kind": "dialogue_held", "data": fixed}});
    let correction = record(s, "polisen", "event_corrected", c).await;
    let r = json!({"event": original["id"], "reason": "Dubbelregistrerat"});
    let retraction = record(s, "polisen", "event_retracted", r).await;
    (original, correction, retraction)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auditor_pages_are_for_auditors_only() {
    let s = stack().await;
    let id = log(&s).await[0]["id"].as_str().unwrap().to_owned();
    let pages = [
        "/granska".to_owned(),
        format!("/granska/handelse/{id}"),
        format!("/granska/plan/{PLAN}"),
        format!("/granska/plan/{PLAN}/underlag/samverkansmoten"),
        format!("/granska/plan/{PLAN}/andringar?fran=2022-01-01"),
        "/granska/kontroll".to_owned(),
        "/granska/export.jsonl".to_owned(),
    ];
    let mut nobody = Browser::new();
    let mut reporter = signed_in(&s, "omradespolis.raslatt@polisen.example").await;
    let mut auditor = signed_in(&s, AUDITOR).await;
    for p in &pages {
        let url = format!("{}{p}", s.web);
        let away = nobody.get(&url).await;
        assert_eq!(
            (away.status, away.headers["location"].to_str().unwrap()),
            (StatusCode::SEE_OTHER, "/logga-in"),
            "{p}"
        );
        let refused = reporter.get(&url).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{p}");
        assert!(refused.body.contains("Den här sidan är för granskare"), "{p}: {}", refused.body);
        assert_eq!(auditor.get(&url).await.status, StatusCode::OK, "{p}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_is_filtered_paged_and_searched() {
    let s = stack().await;
    for i in 0..80 {
        let count = json!({"activity": "fotpatrullering", "date": format!("2022-02-{:02}", i % 28 + 1), "metric": "fotpatrullering", "count": i % 5 + 1, "area": "raslatt"});
        record(&s, "polisen", "measure_counted", count).await;
    }
    let (original, correction, retraction) = a_chain(&s).await;
    let mut b = signed_in(&s, AUDITOR).await;
    let all = log(&s).await;
    let n = all.len();
    assert!(n > 100, "the plan is more than two pages: {n}");

    let first = b.get(&format!("{}/granska", s.web)).await;
    assert_eq!((first.status, first.title()), (StatusCode::OK, "Händelsehistorik – Lofte".to_owned()));
    assert!(first.body.contains(&format!("{n} händelser")), "{}", first.body);
    assert_eq!(rows(&first), 50);
    assert!(first.body.contains(&format!("/granska/handelse/{}", retraction["id"].as_str().unwrap())));
    assert!(first.body.contains("Borttagning") && first.body.contains("Rättelse") && first.body.contains("Dialog"));
    assert!(!first.body.contains("Nyare"), "the newest page has nothing newer");
    // Äldre, then Nyare, by seq.
    let older = first.body.split("href=\"").find(|h| h.contains("fore=")).unwrap().split('"').next().unwrap();
    let second = b.get(&format!("{}{}", s.web, older.replace("&amp;", "&"))).await;
    assert_eq!(rows(&second), 50);
    let seq_50 = all[n - 51]["id"].as_str().unwrap();
    assert!(second.body.contains(seq_50) && !second.body.contains(retraction["id"].as_str().unwrap()));
    assert!(second.body.contains("Nyare") && second.body.contains("Äldre"));

    let count = |p: &Page| -> usize {
        let h2 = "<h2 id=\"traffar\">";
        let at = p.body.find(h2).unwrap_or_else(|| panic!("{}", p.body)) + h2.len();
        p.body[at..].split(' ').next().unwrap().parse().unwrap()
    };
    let q = |b: &mut Browser, query: &str| {
        let url = format!("{}/granska?{query}", s.web);
        let mut b = b.twin();
        async move { b.get(&url).await }
    };
    let corrected = q(&mut b, "typ=event_corrected").await;
    assert_eq!((count(&corrected), rows(&corrected)), (1, 1));
    assert!(corrected.body.contains(correction["id"].as_str().unwrap()));
    assert!(corrected.body.contains("anledning: Fel antal"), "{}", corrected.body);
    let text = q(&mut b, "fritext=g%C3%A4ngsnacket").await;
    assert_eq!(count(&text), 2, "the dialogue and its correction");
    assert!(text.body.contains("Gängsnacket &lt;b&gt;"), "escaped");
    assert_eq!(count(&q(&mut b, "organisation=polisen").await), 83);
    assert_eq!(count(&q(&mut b, &format!("aktivitet={PLAN}/samverkansmoten")).await), 4, "added, and the chain");
    let author = all.last().unwrap()["author"].as_str().unwrap().to_owned();
    let by_author = all.iter().filter(|e| e["author"] == author.as_str()).count();
    assert_eq!(count(&q(&mut b, &format!("forfattare={author}")).await), by_author);
    let today = jiff::Zoned::now().date().to_string();
    assert_eq!(count(&q(&mut b, &format!("fran={today}&till={today}")).await), n);
    let none = q(&mut b, "till=2000-01-01").await;
    assert!(none.body.contains("Inga händelser matchar"), "{}", none.body);
    let both = q(&mut b, "typ=dialogue_held&organisation=polisen&fritext=ca+35").await;
    assert_eq!(count(&both), 1);
    assert!(both.body.contains(original["id"].as_str().unwrap()));

    // A value that cannot be used: said at its field, what was typed kept, no list.
    let bad = q(&mut b, "fran=ig%C3%A5r&typ=dialogue_held").await;
    assert_eq!(
        (bad.status, bad.title()),
        (StatusCode::UNPROCESSABLE_ENTITY, "Fel: Händelsehistorik – Lofte".to_owned())
    );
    assert!(bad.body.contains("href=\"#fran\"") && bad.body.contains("id=\"fran-fel\""), "{}", bad.body);
    assert!(bad.body.contains("value=\"igår\"") && bad.body.contains("aria-describedby=\"fran-tips fran-fel\""));
    assert_eq!(rows(&bad), 0);
    let unknown = q(&mut b, "typ=dialog&organisation=nagon").await;
    assert!(unknown.body.contains("href=\"#typ\"") && unknown.body.contains("href=\"#organisation\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_shows_its_envelope_json_and_corrections_chain() {
    let s = stack().await;
    let (original, correction, retraction) = a_chain(&s).await;
    let mut b = signed_in(&s, AUDITOR).await;
    let id = |e: &Value| e["id"].as_str().unwrap().to_owned();
    let p = b.get(&format!("{}/granska/handelse/{}", s.web, id(&original))).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.title(), format!("Händelse {}: Dialog – Lofte", original["seq"]));
    for field in ["prev_hash", "hash", "recorded_at", "ledger"] {
        assert!(p.body.contains(original[field].as_str().unwrap()), "{field}");
    }
    assert!(p.body.contains("Nummer (seq)") && p.body.contains("Föregående hash"));
    // The canonical JSON, escaped.
    assert!(p.body.contains("&quot;topic&quot;:&quot;Gängsnacket &lt;b&gt;&quot;"), "{}", p.body);
    assert!(!p.body.contains("<b>"));
    // The chain: linked, with reasons, and where it ends.
    assert!(p.body.contains(&format!("/granska/handelse/{}", id(&correction))));
    assert!(p.body.contains(&format!("/granska/handelse/{}", id(&retraction))));
    assert!(p.body.contains("Anledning: Fel antal") && p.body.contains("Anledning: Dubbelregistrerat"));
    assert!(p.body.contains("Uppgiften är nu: <strong>Borttagen</strong>"), "{}", p.body);
    // From the retraction, the same chain back to the original.
    let r = b.get(&format!("{}/granska/handelse/{}", s.web, id(&retraction))).await;
    assert!(r.body.contains(&format!("/granska/handelse/{}", id(&original))) && r.body.contains("den här händelsen"));
    assert_eq!(
        b.get(&format!("{}/granska/handelse/{}", s.web, uuid::Uuid::now_v7())).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(b.get(&format!("{}/granska/handelse/inte-ett-id", s.web)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn as_of_an_approval_differs_from_now_and_the_diff_names_the_events() {
    let s = stack().await;
    let mut b = signed_in(&s, AUDITOR).await;
    let t1 =
        json!({"activity": "samverkansmoten", "date": "2022-02-03", "topic": "Trygghetsvandring", "participants": 12});
    record(&s, "polisen", "dialogue_held", t1).await;
    record(&s, "kommunen", "follow_up_approved", json!({"tertial": "2022-T1"})).await;
    // The projector keeps reports as of a moment by the second: the next event a second later.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let late = json!({"activity": "samverkansmoten", "date": "2022-03-30", "topic": "Sent tillägg"});
    let late = record(&s, "polisen", "dialogue_held", late).await;
    let late_id = late["id"].as_str().unwrap();
    let plan = format!("{}/granska/plan/{PLAN}", s.web);
    let now = page_until(&b, &plan, "Sent tillägg").await;
    assert!(now.body.contains("Trygghetsvandring"));
    assert!(now.body.contains("/underlag/samverkansmoten#2022-T1"), "every cell links to its events");
    let preset = now.body.split("href=\"").find(|h| h.contains("?per=")).unwrap().split('"').next().unwrap();
    assert!(now.body.contains("När tertial 1 2022 godkändes"), "{}", now.body);
    let then = b.get(&format!("{}{}", s.web, preset.replace("&amp;", "&"))).await;
    assert_eq!(then.status, StatusCode::OK, "{}", then.body);
    assert!(then.body.contains("Trygghetsvandring") && !then.body.contains("Sent tillägg"), "{}", then.body);
    assert!(then.title().contains("som den var känd"));

    let since = now.body.split("href=\"").find(|h| h.contains("/andringar?fran=")).unwrap().split('"').next().unwrap();
    let diff = b.get(&format!("{}{}", s.web, since.replace("&amp;", "&"))).await;
    assert_eq!(diff.status, StatusCode::OK, "{}", diff.body);
    assert!(diff.body.contains("tertial 1 2022") && diff.body.contains("Sent tillägg"), "{}", diff.body);
    assert!(diff.body.contains(&format!("/granska/handelse/{late_id}")), "the diff names the late event");
    assert_eq!(diff.body.matches("/granska/handelse/").count(), 1, "and only it");

    let bad = b.get(&format!("{plan}/andringar?fran=ig%C3%A5r&till=2022-01-01")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#fran\"") && bad.body.contains("id=\"fran-fel\""), "{}", bad.body);
    let bad = b.get(&format!("{plan}?per=snart")).await;
    assert!(bad.status == StatusCode::UNPROCESSABLE_ENTITY && bad.body.contains("href=\"#per\""));

    let under = b.get(&format!("{plan}/underlag/samverkansmoten")).await;
    assert_eq!(under.status, StatusCode::OK, "{}", under.body);
    assert!(under.body.contains(&format!("/granska/handelse/{late_id}")), "{}", under.body);
    assert_eq!(b.get(&format!("{}/granska/plan/finns-inte", s.web)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_check_and_the_export() {
    let s = stack().await;
    a_chain(&s).await;
    let mut b = signed_in(&s, AUDITOR).await;
    let all = log(&s).await;
    let p = b.get(&format!("{}/granska/kontroll", s.web)).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body.contains("Kedjan är hel") && p.body.contains(&format!("Alla {} händelser stämmer", all.len())),
        "{}",
        p.body
    );
    assert!(p.body.contains(all.last().unwrap()["hash"].as_str().unwrap()));
    let x = b.get(&format!("{}/granska/export.jsonl", s.web)).await;
    assert_eq!(x.status, StatusCode::OK);
    assert_eq!(x.headers["content-type"], "application/x-ndjson");
    assert!(x.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let lines: Vec<Value> = x.body.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines, all, "every event, as the ledger has it");
    // Each line is the stored canonical bytes: its hash checks out.
    let first = x.body.lines().next().unwrap();
    assert_eq!(first.as_bytes(), lofte_proto::chain::canonical(&all[0]).as_slice());
}
