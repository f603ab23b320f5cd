//! Changing the people directory on behalf of a coordinator (ADR 0017, 0019): a delegate token
//! (the web application's) names a coordinator of the directory with `Lofte-On-Behalf-Of`; the
//! audit record names them `person:<id>:via:<token id>`. `PUT /v1/people/{id}` changes a name,
//! organisations and plans. Refused, writing nothing: a reporter or unknown person named, a token
//! without delegation naming one, bad input (the field named), changing an erased person.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{auth::tokens, common::TestLedger};

async fn send(
    l: &TestLedger,
    method: Method,
    path: &str,
    token: &str,
    as_: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", l.url)).bearer_auth(token);
    if let Some(p) = as_ {
        req = req.header("Lofte-On-Behalf-Of", p);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    (resp.status(), resp.json().await.unwrap_or(Value::Null))
}

async fn changes(l: &TestLedger, token: &str) -> Vec<Value> {
    let (s, v) = send(l, Method::GET, "/v1/people/changes", token, None, None).await;
    assert_eq!(s, StatusCode::OK);
    v.as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegate_changes_the_directory_as_a_coordinator_and_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.toml");
    let t = tokens(&file);
    let l = TestLedger::start_with(dir.path(), |s| s.auth.tokens_file = Some(file.clone())).await;
    let (s, sam) = send(
        &l,
        Method::POST,
        "/v1/people",
        &t.coordinator,
        None,
        Some(json!({"role": "coordinator", "orgs": ["kommunen"], "email": "sam@kommunen.example"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let sam = sam["id"].as_str().unwrap().to_owned();
    let (_, kim) = send(
        &l,
        Method::POST,
        "/v1/people",
        &t.coordinator,
        None,
        Some(json!({"role": "reporter", "orgs": ["polisen"], "email": "kim@polisen.example"})),
    )
    .await;
    let kim = kim["id"].as_str().unwrap().to_owned();

    // Added through the web's token on Sam's behalf: the audit names Sam and the token.
    let new = json!({"role": "reporter", "orgs": ["vatterhem"], "name": "Vera", "email": "vera@vatterhem.example"});
    let (s, vera) = send(&l, Method::POST, "/v1/people", &t.web, Some(&sam), Some(new.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{vera}");
    let vera = vera["id"].as_str().unwrap().to_owned();
    let last = changes(&l, &t.auditor).await.pop().unwrap();
    let by = last["by"].as_str().unwrap();
    assert!(by.starts_with(&format!("person:{sam}:via:")) && by.len() > sam.len() + 12, "{by}");

    // Changed: name, organisations, plans; the role and address stay.
    let path = format!("/v1/people/{vera}");
    let to = json!({"name": "Vera Vätter", "orgs": ["vatterhem", "kommunen"], "plans": ["jonkoping-2022"]});
    let (s, changed) = send(&l, Method::PUT, &path, &t.web, Some(&sam), Some(to)).await;
    assert_eq!(s, StatusCode::OK, "{changed}");
    assert_eq!(changed["name"], "Vera Vätter");
    assert_eq!(changed["orgs"], json!(["vatterhem", "kommunen"]));
    assert_eq!(changed["plans"], json!(["jonkoping-2022"]));
    assert_eq!(
        (changed["email"].as_str(), changed["role"].as_str()),
        (Some("vera@vatterhem.example"), Some("reporter"))
    );
    let last = changes(&l, &t.auditor).await.pop().unwrap();
    assert_eq!((last["kind"].as_str(), last["person"].as_str()), (Some("changed"), Some(vera.as_str())));
    assert!(last["by"].as_str().unwrap().starts_with(&format!("person:{sam}:via:")));
    // A coordinator's own token may too; no name and every plan.
    let (s, v) = send(&l, Method::PUT, &path, &t.coordinator, None, Some(json!({"orgs": ["vatterhem"]}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v.get("name").is_none() && v.get("plans").is_none(), "{v}");

    // Refused, writing nothing.
    let before = changes(&l, &t.auditor).await.len();
    let some = Some(json!({"orgs": ["polisen"]}));
    for (token, as_, body, status, field) in [
        (&t.web, Some(kim.as_str()), some.clone(), StatusCode::FORBIDDEN, "Lofte-On-Behalf-Of"),
        (
            &t.web,
            Some("0197a1c2-0000-7000-8000-000000000000"),
            some.clone(),
            StatusCode::FORBIDDEN,
            "Lofte-On-Behalf-Of",
        ),
        (&t.web, Some("inte-en-id"), some.clone(), StatusCode::BAD_REQUEST, "Lofte-On-Behalf-Of"),
        (&t.service, Some(sam.as_str()), some.clone(), StatusCode::FORBIDDEN, "Lofte-On-Behalf-Of"),
        (&t.polisen, Some(sam.as_str()), some.clone(), StatusCode::FORBIDDEN, "Lofte-On-Behalf-Of"),
        (&t.web, None, some.clone(), StatusCode::FORBIDDEN, ""),
        (&t.web, Some(sam.as_str()), Some(json!({"orgs": []})), StatusCode::UNPROCESSABLE_ENTITY, "orgs"),
        (&t.web, Some(sam.as_str()), Some(json!({"orgs": ["Polis!"]})), StatusCode::UNPROCESSABLE_ENTITY, "orgs[0]"),
        (
            &t.web,
            Some(sam.as_str()),
            Some(json!({"orgs": ["polisen"], "name": "a\u{202e}b"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "name",
        ),
        (
            &t.web,
            Some(sam.as_str()),
            Some(json!({"orgs": ["polisen"], "email": "x@y.example"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
    ] {
        let (s, p) = send(&l, Method::PUT, &path, token, as_, body.clone()).await;
        assert_eq!(s, status, "{as_:?} {body:?}: {p}");
        if !field.is_empty() {
            assert_eq!(p["field"], field, "{p}");
        }
    }
    let (s, _) = send(&l, Method::DELETE, &path, &t.service, Some(&sam), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(changes(&l, &t.auditor).await.len(), before, "nothing written by a refusal");

    // Erased on Sam's behalf; an erased person is not changed.
    let (s, gone) = send(&l, Method::DELETE, &path, &t.web, Some(&sam), None).await;
    assert_eq!(s, StatusCode::OK, "{gone}");
    assert!(gone["erased_at"].is_string() && gone.get("email").is_none());
    let (s, p) = send(&l, Method::PUT, &path, &t.web, Some(&sam), some).await;
    assert_eq!((s, p["type"].as_str().map(|t| t.ends_with("erased"))), (StatusCode::CONFLICT, Some(true)), "{p}");
    let last = changes(&l, &t.auditor).await.pop().unwrap();
    assert_eq!(last["kind"], "erased");
    assert!(last["by"].as_str().unwrap().starts_with(&format!("person:{sam}:via:")));
}
