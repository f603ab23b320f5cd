//! What the public reads without a token (and a reader with one asks for with `approved=true`):
//! an approved tertial's report and the events behind its figures, as of the tertial's approval —
//! nothing of a tertial not approved, nothing recorded after that approval until the tertial is
//! approved again or a later tertial's approved report shows it (as a late amendment), and no
//! event's author or idempotency key.

use std::{collections::BTreeMap, time::Duration};

use lofte_projector::{App as Projector, Settings};
use lofte_proto::auth::{new_token, Role, TokenFile};
use lofte_service::nats::NatsConnection;
use lofte_test_support::{poll_until, NatsServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use super::e2e::{import_eksjo, ledger, traffic};

const COUNT: &str = "/summary/promises/0/activities/1/cells/2017-T1/measures/trafikkontroller/count/text";

async fn get(url: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn post(url: &str, body: &Value) -> Value {
    let r = reqwest::Client::new().post(format!("{url}/v1/events")).json(body).send().await.unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

fn approve(tertial: &str) -> Value {
    json!({"plan": "eksjo-2017", "actor": "kommunen", "kind": "follow_up_approved", "data": {"tertial": tertial}})
}

/// Polls the coordinator's current T1 traffic count until it reads `want`.
async fn current(url: &str, token: &str, want: &str) {
    let summary = format!("{url}/v1/plans/eksjo-2017/summary");
    poll_until(&format!("the count {want}"), Duration::from_secs(20), || async {
        let (_, body) = get(&summary, Some(token)).await;
        let v: Value = serde_json::from_str(&body).unwrap_or_default();
        let got = v.pointer(&COUNT["/summary".len()..]).cloned();
        Ok::<_, String>((got == Some(json!(want))).then_some(()))
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_reads_an_approved_tertial_as_approved_without_authors() {
    let nats = NatsServer::start().await.unwrap();
    let l = ledger("eksjo", Some(nats.url())).await;
    import_eksjo(&l.url).await;
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens.toml");
    let (coordinator, entry) = new_token([7; 32], Role::Coordinator, None, None, "2026-11-21T00:00:00Z".into());
    std::fs::write(&tokens, TokenFile { tokens: vec![entry] }.render()).unwrap();
    let mut s = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().join("views"),
        nats: NatsConnection::new(nats.url()),
        ledgers: BTreeMap::from([("eksjo".into(), l.url.clone())]),
        consumer: "projector-public".into(),
        ..Settings::default()
    };
    s.auth.tokens_file = Some(tokens);
    let app = Projector::build(s).await.unwrap();
    let p = format!("http://{}", app.addr());
    let cancel = CancellationToken::new();
    tokio::spawn(app.run(cancel.clone()));

    post(&l.url, &traffic("2017-03-01", "8")).await;
    post(&l.url, &traffic("2017-06-01", "5")).await;
    post(&l.url, &approve("2017-T1")).await;
    let late = post(&l.url, &traffic("2017-03-10", "3")).await;
    current(&p, &coordinator, "11").await;

    let report = format!("{p}/v1/plans/eksjo-2017/report?tertial=2017-T1&format=json");
    let why = format!("{p}/v1/plans/eksjo-2017/provenance?activity=trafikkontroller&tertial=2017-T1");
    // As approved: the count before the late one, and nothing of T2 (not approved).
    let (status, body) = get(&report, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v.pointer(COUNT), Some(&json!("8")), "{body}");
    assert!(!body.contains("2017-T2\": {") && !body.contains("\"tertial\": \"2017-T2\""), "T2 shown: {body}");
    // The events behind it: the one event, without its author or idempotency key.
    let (status, body) = get(&why, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let figures = &v["tertials"][0]["figures"];
    let events: Vec<&Value> =
        figures.as_array().unwrap().iter().flat_map(|f| f["events"].as_array().unwrap()).collect();
    assert_eq!(events.len(), 1, "{body}");
    assert_eq!(events[0]["data"]["count"], "8");
    assert_eq!(events[0]["actor"], "polisen");
    assert!(!body.contains("author") && !body.contains("idempotency") && !body.contains(late["id"].as_str().unwrap()));
    // A coordinator reads the same with approved=true, and the current figures without.
    let (_, mine) = get(&format!("{why}&approved=true"), Some(&coordinator)).await;
    assert_eq!(mine, body);
    let (_, now) = get(&why, Some(&coordinator)).await;
    assert!(now.contains("author") && now.contains(late["id"].as_str().unwrap()), "{now}");

    // Not approved, as of a moment, another activity's tertial: refused, the same for a plan not there.
    for url in [
        format!("{p}/v1/plans/eksjo-2017/provenance?activity=trafikkontroller&tertial=2017-T2"),
        format!("{why}&as_of=2030-01-01T00:00:00Z"),
        format!("{p}/v1/plans/eksjo-2017/provenance?activity=trafikkontroller"),
        format!("{p}/v1/plans/no-such-plan/provenance?activity=trafikkontroller&tertial=2017-T1"),
        format!("{p}/v1/plans/eksjo-2017/report?tertial=2017-T2"),
    ] {
        assert_eq!(get(&url, None).await.0, StatusCode::UNAUTHORIZED, "{url}");
    }
    let t2 = format!("{p}/v1/plans/eksjo-2017/provenance?activity=trafikkontroller&tertial=2017-T2&approved=true");
    assert_eq!(get(&t2, Some(&coordinator)).await.0, StatusCode::NOT_FOUND);

    // T2 approved: its report shows T1 as of then, the late count marked as a late amendment;
    // T1's report stays as approved.
    post(&l.url, &approve("2017-T2")).await;
    let t2 = format!("{p}/v1/plans/eksjo-2017/report?tertial=2017-T2&format=json");
    let v = poll_until("T2's approval to be public", Duration::from_secs(20), || async {
        let (status, body) = get(&t2, None).await;
        Ok::<_, String>((status == StatusCode::OK).then(|| serde_json::from_str::<Value>(&body).unwrap()))
    })
    .await
    .unwrap();
    assert_eq!(v.pointer(COUNT), Some(&json!("11")), "{v}");
    let cell = |v: &Value, t: &str| {
        v["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["activity"] == "trafikkontroller" && c["tertial"] == t)
            .cloned()
    };
    assert_eq!(cell(&v, "2017-T1").unwrap()["late_amendments"], 1, "{v}");
    assert!(cell(&v, "2017-T2").is_some() && cell(&v, "2017-T3").is_none(), "{v}");
    let (_, body) = get(&report, None).await;
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap().pointer(COUNT), Some(&json!("8")));
    // The events behind T2's report: T1's with the late one, T2's; still no author.
    let (_, body) =
        get(&format!("{p}/v1/plans/eksjo-2017/provenance?activity=trafikkontroller&tertial=2017-T2"), None).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    let tertials: Vec<&Value> = v["tertials"].as_array().unwrap().iter().map(|t| &t["tertial"]).collect();
    assert_eq!(tertials, [&json!("2017-T1"), &json!("2017-T2")], "{body}");
    assert!(body.contains(late["id"].as_str().unwrap()) && !body.contains("author"), "{body}");

    // T1 approved again: its own report takes the late count in, as a late amendment.
    let again = post(&l.url, &approve("2017-T1")).await;
    let v = poll_until("T1's second approval to be public", Duration::from_secs(20), || async {
        let v: Value = serde_json::from_str(&get(&report, None).await.1).unwrap_or_default();
        Ok::<_, String>((v.pointer(COUNT) == Some(&json!("11"))).then_some(v))
    })
    .await
    .unwrap();
    assert_eq!(cell(&v, "2017-T1").unwrap()["late_amendments"], 1, "{v}");
    let (_, body) = get(&why, None).await;
    assert!(body.contains(late["id"].as_str().unwrap()) && !body.contains("author"), "{body}");
    // The plans list T1 as approved last by the second approval (kept by the fold, not read from the log).
    let (_, plans) = get(&format!("{p}/v1/plans"), None).await;
    let plans: Value = serde_json::from_str(&plans).unwrap();
    let at: jiff::Timestamp = plans["plans"][0]["approved"]["2017-T1"].as_str().unwrap().parse().unwrap();
    assert_eq!(at, again["recorded_at"].as_str().unwrap().parse::<jiff::Timestamp>().unwrap(), "{plans}");
    // At most `limit` events per figure, the newest, and how many there are.
    let (_, body) = get(&format!("{why}&limit=1"), None).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    let count = &v["tertials"][0]["figures"][0];
    assert_eq!((count["total"].clone(), count["events"].as_array().unwrap().len()), (json!(2), 1), "{body}");
    assert_eq!(count["events"][0]["id"], late["id"], "{body}");
    // A write that changes nothing recorded by the approval leaves the public report as it was:
    // the same ETag, served from what was rendered.
    let etag = |r: &reqwest::Response| r.headers()["etag"].to_str().unwrap().to_owned();
    let before = etag(&reqwest::get(&report).await.unwrap());
    post(&l.url, &traffic("2017-06-02", "1")).await;
    current(&p, &coordinator, "11").await;
    poll_until("the T2 count", Duration::from_secs(20), || async {
        let (_, b) = get(&format!("{p}/v1/plans/eksjo-2017/summary?tertial=2017-T2"), Some(&coordinator)).await;
        Ok::<_, String>(b.contains("\"text\":\"6\"").then_some(()))
    })
    .await
    .unwrap();
    assert_eq!(etag(&reqwest::get(&report).await.unwrap()), before);
    cancel.cancel();
}
