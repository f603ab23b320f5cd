//! Server time per page of `lofte-web` (issue 19: p95 ≤ 50 ms with a plan of 20,000 events) and
//! page weight (HTML + CSS ≤ 60 KB), against the real parts in this process (release build):
//! nats-server, a ledger and a projector holding Jönköping 2022 and `--events` foot-patrol counts
//! by Polisen, a real SMTP server for the sign-in mail. Timed, `--reads` each (default 50):
//!
//! - `Att göra`: `GET /` for a signed-in reporter (the directory, the plans and their summaries);
//! - `activity`: the activity page of the activity with every count (its entries, from provenance);
//! - `form POST → redirect`: a dialogue logged through the form, until the `303` (the ledger's
//!   append included: it is what the reporter waits for);
//! - `Översikt`: a coordinator's `GET /samordna/jonkoping-2022` (the directory, the summary, the
//!   matrix of every activity × tertial).
//!
//! cargo bench -p lofte-web --bench pages [-- --events 20000 --reads 50]

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

#[path = "../tests/it/stack.rs"]
#[allow(dead_code)]
mod stack;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn percentiles(mut d: Vec<Duration>) -> (f64, f64) {
    d.sort();
    let at = |p: f64| d[((d.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3;
    (at(0.5), at(0.95))
}

fn main() {
    let events: usize = arg("--events").and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let reads: usize = arg("--reads").and_then(|v| v.parse().ok()).unwrap_or(50).max(2);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async move {
        let s = stack::stack().await;
        let http = reqwest::Client::new();
        let start = Instant::now();
        let tasks: Vec<_> = (0..16)
            .map(|c| {
                let (http, ledger) = (http.clone(), s.ledger.clone());
                tokio::spawn(async move {
                    for i in (c..events).step_by(16) {
                        let body = json!({"plan": "jonkoping-2022", "actor": "polisen", "kind": "measure_counted", "data": {
                            "activity": "fotpatrullering", "date": format!("2022-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
                            "metric": "fotpatrullering", "count": if i % 3 == 0 { json!(format!("ca {}", i % 9 + 1)) } else { json!(i % 9 + 1) },
                            "area": "raslatt"}});
                        let r = http.post(format!("{ledger}/v1/events")).json(&body).send().await.expect("append");
                        assert!(r.status().is_success(), "{}", r.text().await.unwrap_or_default());
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("appends");
        }
        let head: serde_json::Value = http.get(format!("{}/readyz", s.ledger)).send().await.unwrap().json().await.unwrap();
        let head = head["head_seq"].as_u64().unwrap();
        loop {
            let v: serde_json::Value = http.get(format!("{}/readyz", s.projector)).send().await.unwrap().json().await.unwrap();
            if v["applied_through_seq"].as_u64().unwrap_or(0) >= head {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        println!("{events} events appended and applied in {:.1} s; {reads} requests of each kind", start.elapsed().as_secs_f64());
        let mut b = stack::signed_in(&s, "kommunpolis.jonkoping@polisen.example").await;
        let home = format!("{}/", s.web);
        let activity = format!("{}/plan/jonkoping-2022/aktivitet/fotpatrullering", s.web);
        let form = format!("{}/plan/jonkoping-2022/aktivitet/samverkansmoten/logga/dialog", s.web);
        let timed = |label: &'static str| (label, Vec::<Duration>::new());
        let (mut todo, mut act, mut post) = (timed("Att göra"), timed("activity"), timed("form POST → redirect"));
        let mut weight = 0;
        for i in 0..reads {
            let t = Instant::now();
            let p = b.get(&home).await;
            todo.1.push(t.elapsed());
            assert_eq!(p.status, StatusCode::OK);
            weight = p.body.len();
            let t = Instant::now();
            assert_eq!(b.get(&activity).await.status, StatusCode::OK);
            act.1.push(t.elapsed());
            let f = b.get(&form).await;
            let sent = [("_csrf", f.csrf()), ("_once", f.hidden("_once")), ("datum", format!("{}/5", i % 28 + 1)), ("amne", "Trygghet".to_owned())];
            let sent: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let t = Instant::now();
            let r = b.post(&form, &sent).await;
            post.1.push(t.elapsed());
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let css = http.get(format!("{}/static/lofte.css", s.web)).send().await.unwrap().bytes().await.unwrap().len();
        println!("{:<22}  {:>8}  {:>8}", "page", "p50 ms", "p95 ms");
        for (label, d) in [todo, act, post] {
            let (p50, p95) = percentiles(d);
            println!("{label:<22}  {p50:>8.2}  {p95:>8.2}");
        }
        println!("page weight: Att göra {weight} B HTML + {css} B CSS = {:.1} KB (no script)", (weight + css) as f64 / 1024.0);
        overview(&s, reads).await;
        auditors(&s, reads).await;
        public(&s, reads).await;
    });
}

/// A coordinator's Översikt of the plan (`GET /samordna/jonkoping-2022`: the directory, the
/// summary, the matrix), `reads` times.
async fn overview(s: &stack::Stack, reads: usize) {
    let mut b = stack::signed_in(s, "trygghet@jonkoping.example").await;
    let url = format!("{}/samordna/jonkoping-2022", s.web);
    let (mut d, mut weight) = (Vec::with_capacity(reads), 0);
    for _ in 0..reads {
        let t = Instant::now();
        let p = b.get(&url).await;
        d.push(t.elapsed());
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        weight = p.body.len();
    }
    let (p50, p95) = percentiles(d);
    println!("{:<22}  {p50:>8.2}  {p95:>8.2}   ({weight} B HTML)", "Översikt");
}

/// The auditors' Händelsehistorik (ADR 0020): the first read, which indexes the whole log, then
/// `reads` of each — the newest page unfiltered, an older page, a filtered query (kind,
/// organisation, free text) — and what the index holds in memory per event.
async fn auditors(s: &stack::Stack, reads: usize) {
    let mut b = stack::signed_in(s, stack::AUDITOR).await;
    let url = |q: &str| format!("{}/granska{q}", s.web);
    let t = Instant::now();
    assert_eq!(b.get(&url("")).await.status, StatusCode::OK);
    let cold = t.elapsed();
    let queries = [
        ("history, newest", "".to_owned()),
        ("history, older page", "?fore=10000".to_owned()),
        ("history, filtered", "?typ=measure_counted&organisation=polisen&fritext=ca+7".to_owned()),
    ];
    let mut timed: Vec<(&str, Vec<Duration>)> = queries.iter().map(|(l, _)| (*l, vec![])).collect();
    let mut weight = 0;
    for _ in 0..reads {
        for (i, (_, q)) in queries.iter().enumerate() {
            let t = Instant::now();
            let p = b.get(&url(q)).await;
            timed[i].1.push(t.elapsed());
            assert_eq!(p.status, StatusCode::OK, "{}", p.body);
            assert!(p.body.contains("/granska/handelse/"), "{q}: rows");
            weight = weight.max(p.body.len());
        }
    }
    println!(
        "\nauditors (Händelsehistorik, 50 a page; first read, indexing the log: {:.0} ms)",
        cold.as_secs_f64() * 1e3
    );
    println!("{:<22}  {:>8}  {:>8}", "page", "p50 ms", "p95 ms");
    for (label, d) in timed {
        let (p50, p95) = percentiles(d);
        println!("{label:<22}  {p50:>8.2}  {p95:>8.2}");
    }
    // The index's memory, measured on a copy built from the same log.
    let ledger = lofte_ledger_client::LedgerClient::new(&s.ledger, reqwest::Client::new());
    let (mut h, mut after, up) =
        (lofte_web::history::History::default(), 0, lofte_proto::upcast::Upcasters::standard());
    loop {
        let p = ledger.page_raw(after, 1000).await.unwrap();
        for e in &p.events {
            h.add(&lofte_proto::Envelope::decode(e.get().as_bytes(), &up).unwrap());
        }
        after = p.next_after;
        if p.events.is_empty() || after >= p.head_seq {
            break;
        }
    }
    println!(
        "history index: {} events, {:.1} MB, {} B per event; largest page {:.1} KB HTML",
        h.len(),
        h.heap_bytes() as f64 / 1e6,
        h.heap_bytes() / h.len().max(1),
        weight as f64 / 1024.0
    );
}

/// The public pages once tertial 1 is approved (read as the public reads: the projector folds the
/// plan's log as of the approval): Uppföljningar, the follow-up, and Underlag of the cell holding
/// every count, `reads` times each.
async fn public(s: &stack::Stack, reads: usize) {
    let http = reqwest::Client::new();
    let body = json!({"plan": "jonkoping-2022", "actor": "kommunen", "kind": "follow_up_approved", "data": {"tertial": "2022-T1"}});
    let r = http.post(format!("{}/v1/events", s.ledger)).json(&body).send().await.expect("approve");
    assert!(r.status().is_success(), "{}", r.text().await.unwrap_or_default());
    let mut b = stack::Browser::new();
    let pages = [
        ("public list", format!("{}/", s.web)),
        ("public follow-up", format!("{}/rapporter/jonkoping-2022", s.web)),
        ("public Underlag", format!("{}/rapporter/jonkoping-2022/underlag/2022-T1/fotpatrullering", s.web)),
    ];
    loop {
        if b.get(&pages[1].1).await.body.contains("godkänd") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!("\npublic pages (tertial 1 approved)");
    println!("{:<22}  {:>8}  {:>8}", "page", "p50 ms", "p95 ms");
    for (label, url) in pages {
        let mut d = Vec::with_capacity(reads);
        for _ in 0..reads {
            let t = Instant::now();
            let p = b.get(&url).await;
            d.push(t.elapsed());
            assert_eq!(p.status, StatusCode::OK, "{label}: {}", p.body);
        }
        let (p50, p95) = percentiles(d);
        println!("{label:<22}  {p50:>8.2}  {p95:>8.2}");
    }
}
