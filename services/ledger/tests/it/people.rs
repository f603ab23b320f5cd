//! The people directory beside the log (ADR 0017): coordinators add and erase, services and
//! auditors read, reporters do not; bad input is a problem naming the field and writes nothing;
//! erasing removes name and address here and in the audit record, and the log — untouched —
//! still verifies. It lives on disk: a restarted ledger has it.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{auth::tokens, common::TestLedger};

async fn send(
    l: &TestLedger,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", l.url)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    if !status.is_success() {
        assert_eq!(resp.headers()["content-type"], "application/problem+json");
    }
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_are_kept_beside_the_log_and_can_be_erased() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.toml");
    let t = tokens(&file);
    let data = dir.path().join("ledger");
    let start = |data: std::path::PathBuf, file: std::path::PathBuf| async move {
        TestLedger::start_with(&data, |s| s.auth.tokens_file = Some(file)).await
    };
    let l = start(data.clone(), file.clone()).await;
    let (get, post, delete) = (reqwest::Method::GET, reqwest::Method::POST, reqwest::Method::DELETE);
    let verify = |l: &TestLedger| {
        let (url, auditor) = (l.url.clone(), t.auditor.clone());
        async move {
            let r = reqwest::Client::new().get(format!("{url}/v1/verify")).bearer_auth(auditor).send().await.unwrap();
            r.json::<Value>().await.unwrap()
        }
    };
    let before = verify(&l).await;

    let kim =
        json!({"role": "reporter", "orgs": ["polisen"], "name": "Kim Kommunpolis", "email": "kim@polisen.example"});
    let (s, p) = send(&l, post.clone(), "/v1/people", &t.coordinator, Some(kim.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = p["id"].as_str().unwrap().to_owned();
    // The same person again: the one there is. With another organisation: merged into theirs.
    let (s, again) = send(&l, post.clone(), "/v1/people", &t.coordinator, Some(kim.clone())).await;
    assert_eq!((s, again["id"].as_str()), (StatusCode::OK, Some(id.as_str())));
    let mut also = kim.clone();
    also["orgs"] = json!(["kommunen"]);
    let (s, p) = send(&l, post.clone(), "/v1/people", &t.coordinator, Some(also)).await;
    assert_eq!((s, p["id"].as_str(), &p["orgs"]), (StatusCode::OK, Some(id.as_str()), &json!(["polisen", "kommunen"])));
    // Bad input names the field; nothing is added.
    for (body, field) in [
        (json!({"role": "reporter", "orgs": [], "email": "a@b.se"}), "orgs"),
        (json!({"role": "chef", "orgs": ["polisen"], "email": "a@b.se"}), "role"),
        (json!({"role": "reporter", "orgs": ["polisen"], "email": "inte en adress"}), "email"),
        (json!({"role": "reporter", "orgs": ["polisen"], "email": "a@b.se", "personnummer": "x"}), "personnummer"),
    ] {
        let (s, p) = send(&l, post.clone(), "/v1/people", &t.coordinator, Some(body)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert!(p["field"].as_str().unwrap().starts_with(field), "{p}");
    }
    // Who may do what.
    assert_eq!(send(&l, post.clone(), "/v1/people", &t.polisen, Some(kim.clone())).await.0, StatusCode::FORBIDDEN);
    assert_eq!(send(&l, get.clone(), "/v1/people", &t.polisen, None).await.0, StatusCode::FORBIDDEN);
    let (s, all) = send(&l, get.clone(), "/v1/people", &t.service, None).await;
    assert_eq!((s, all.as_array().unwrap().len()), (StatusCode::OK, 1));
    assert_eq!(send(&l, delete.clone(), &format!("/v1/people/{id}"), &t.auditor, None).await.0, StatusCode::FORBIDDEN);

    // Erased: name and address gone, here and in the audit record; role and organisation stay.
    let (s, p) = send(&l, delete.clone(), &format!("/v1/people/{id}"), &t.coordinator, None).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert!(p.get("name").is_none() && p.get("email").is_none() && p["erased_at"].is_string(), "{p}");
    assert_eq!((p["role"].as_str(), p["orgs"][0].as_str()), (Some("reporter"), Some("polisen")));
    let (_, changes) = send(&l, get.clone(), "/v1/people/changes", &t.auditor, None).await;
    let text = changes.to_string();
    assert!(!text.contains("Kim") && !text.contains("kim@polisen.example"), "{text}");
    let kinds: Vec<&str> = changes.as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["added", "changed", "erased"]);
    assert!(changes[1]["purged"].as_bool().unwrap(), "every entry about them is purged");
    assert!(changes[0]["purged"].as_bool().unwrap() && changes[0]["by"].as_str().unwrap().starts_with("coordinator:"));
    assert_eq!(send(&l, get.clone(), "/v1/people/no-such-id", &t.coordinator, None).await.0, StatusCode::NOT_FOUND);
    // The log was never touched: the same head, and it verifies.
    let after = verify(&l).await;
    assert_eq!((after["ok"].as_bool(), &after["head_hash"]), (Some(true), &before["head_hash"]));
    l.stop().await;

    // Restarted on the same data: the directory is there, erased as it was.
    let l = start(data, file).await;
    let (_, p) = send(&l, get, &format!("/v1/people/{id}"), &t.coordinator, None).await;
    assert!(p.get("name").is_none() && p["erased_at"].is_string(), "{p}");
    l.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_address_gets_into_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let l = TestLedger::start(dir.path()).await;
    let before = l.head().await;
    let mut plan = super::common::plan_commands()[0].clone();
    plan["data"]["actors"][0]["reporters"] = json!(["kim@polisen.example"]);
    let (s, p) = l.post(&plan).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["field"], "data.actors[0].reporters", "{p}");
    let mut plan = super::common::plan_commands()[0].clone();
    plan["data"]["coordinators"][0]["email"] = json!("asa@jonkoping.example");
    let (s, p) = l.post(&plan).await;
    assert_eq!((s, p["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("data.coordinators[0].email")), "{p}");
    assert_eq!(l.head().await, before, "nothing written");
    l.stop().await;
}
