//! Recording on behalf of a person (ADR 0019): only a delegate token (the web application's) may
//! name one, with `Lofte-On-Behalf-Of`; the person's role and organisations decide, in the
//! ledger, whatever the web application checked before; the author names the person by id and
//! the token it came through. Every refusal writes nothing.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{
    auth::tokens,
    common::{patrol, plan_commands, TestLedger, PLAN},
};

async fn post(l: &TestLedger, token: &str, person: Option<&str>, body: &Value) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().post(format!("{}/v1/events", l.url)).bearer_auth(token).json(body);
    if let Some(p) = person {
        req = req.header("Lofte-On-Behalf-Of", p);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    if !status.is_success() {
        assert_eq!(resp.headers()["content-type"], "application/problem+json");
    }
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn person(l: &TestLedger, coordinator: &str, body: Value) -> String {
    let r = reqwest::Client::new().post(format!("{}/v1/people", l.url)).bearer_auth(coordinator).json(&body);
    let v: Value = r.send().await.unwrap().json().await.unwrap();
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegate_records_as_the_person_may_and_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.toml");
    let t = tokens(&file);
    let l = TestLedger::start_with(dir.path(), |s| s.auth.tokens_file = Some(file.clone())).await;
    for c in plan_commands() {
        assert_eq!(post(&l, &t.coordinator, None, &c).await.0, StatusCode::CREATED);
    }
    let kim =
        person(&l, &t.coordinator, json!({"role": "reporter", "orgs": ["polisen"], "email": "kim@polisen.example"}))
            .await;
    let elsewhere = person(
        &l,
        &t.coordinator,
        json!({"role": "reporter", "orgs": ["polisen"], "plans": ["annan-plan"], "email": "ann@polisen.example"}),
    )
    .await;
    let sam = person(
        &l,
        &t.coordinator,
        json!({"role": "coordinator", "orgs": ["kommunen"], "email": "sam@kommunen.example"}),
    )
    .await;
    let gone =
        person(&l, &t.coordinator, json!({"role": "reporter", "orgs": ["polisen"], "email": "bo@polisen.example"}))
            .await;
    let r = reqwest::Client::new().delete(format!("{}/v1/people/{gone}", l.url)).bearer_auth(&t.coordinator);
    assert!(r.send().await.unwrap().status().is_success());

    // Kim's foot patrols, through the web application's token: the author names Kim and the token.
    let (s, e) = post(&l, &t.web, Some(&kim), &patrol("2022-02-01", json!(5))).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let author = e["author"].as_str().unwrap();
    assert!(author.starts_with(&format!("person:{kim}:via:")) && !author.contains("kim@"), "{author}");
    let head = |l: &TestLedger| {
        let (url, auditor) = (l.url.clone(), t.auditor.clone());
        async move {
            let r = reqwest::Client::new().get(format!("{url}/v1/verify")).bearer_auth(auditor).send().await.unwrap();
            r.json::<Value>().await.unwrap()["head_seq"].clone()
        }
    };
    let before = head(&l).await;

    let approve =
        json!({"plan": PLAN, "actor": "kommunen", "kind": "follow_up_approved", "data": {"tertial": "2022-T1"}});
    let mut as_kommunen = patrol("2022-02-02", json!(1));
    as_kommunen["actor"] = json!("kommunen");
    let another = patrol("2022-02-03", json!(2));
    let refusals: Vec<(&str, Option<&str>, &Value, StatusCode, &str)> = vec![
        // A reporter may not approve, nor record for another organisation.
        (&t.web, Some(&kim), &approve, StatusCode::FORBIDDEN, "kind"),
        (&t.web, Some(&kim), &as_kommunen, StatusCode::FORBIDDEN, "actor"),
        // Nor in a plan they do not act in; an erased person, or one not there, records nothing.
        (&t.web, Some(&elsewhere), &another, StatusCode::FORBIDDEN, "actor"),
        (&t.web, Some(&gone), &another, StatusCode::FORBIDDEN, "Lofte-On-Behalf-Of"),
        (&t.web, Some("01a1fcd6-c888-739e-89d7-fd5062116ba8"), &approve, StatusCode::FORBIDDEN, "Lofte-On-Behalf-Of"),
        (&t.web, Some("inte-ett-id"), &approve, StatusCode::BAD_REQUEST, "Lofte-On-Behalf-Of"),
        // Only a delegate token may name a person: not another service, not a reporter.
        (&t.service, Some(&kim), &another, StatusCode::FORBIDDEN, "Lofte-On-Behalf-Of"),
        (&t.polisen, Some(&kim), &another, StatusCode::FORBIDDEN, "Lofte-On-Behalf-Of"),
    ];
    for (token, who, body, expect, field) in refusals {
        let (s, p) = post(&l, token, who, body).await;
        assert_eq!((s, p["field"].as_str()), (expect, Some(field)), "{who:?} {body}: {p}");
    }
    assert_eq!(head(&l).await, before, "a refusal wrote");

    // A coordinator approves, as the person's role allows.
    let (s, e) = post(&l, &t.web, Some(&sam), &approve).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    assert!(e["author"].as_str().unwrap().starts_with(&format!("person:{sam}:via:")));
    l.stop().await;
}
