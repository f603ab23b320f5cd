//! Who may write and read: every route of the ledger with no token, a bad token, and each role.
//! A refusal writes nothing (same head seq and hash) and never echoes the token.

use lofte_proto::auth::{new_token, Role, TokenFile};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::common::{patrol, plan_commands, TestLedger, PLAN};

pub struct Tokens {
    pub coordinator: String,
    pub auditor: String,
    pub service: String,
    pub polisen: String,
    pub vatterhem: String,
    /// A service token that may record on behalf of people (the web application's).
    pub web: String,
}

pub fn tokens(file: &std::path::Path) -> Tokens {
    let mut f = TokenFile::default();
    let mut make = |i: u8, role: Role, org: Option<&str>| {
        let org = org.map(|o| lofte_proto::ids::OrgId::new(o).unwrap());
        let (t, e) = new_token([i; 32], role, org, None, "2026-11-21T00:00:00Z".into());
        f.tokens.push(e);
        t
    };
    let t = Tokens {
        coordinator: make(1, Role::Coordinator, None),
        auditor: make(2, Role::Auditor, None),
        service: make(3, Role::Service, None),
        polisen: make(4, Role::Reporter, Some("polisen")),
        vatterhem: make(5, Role::Reporter, Some("vatterhem")),
        web: make(6, Role::Service, None),
    };
    if let Some(web) = f.tokens.last_mut() {
        web.delegate = true;
    }
    std::fs::write(file, f.render()).unwrap();
    t
}

async fn call(
    l: &TestLedger,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let http = reqwest::Client::new();
    let url = format!("{}{path}", l.url);
    let mut req = if method == "POST" { http.post(url) } else { http.get(url) };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let ct = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let text = resp.text().await.unwrap();
    if !status.is_success() {
        assert_eq!(ct, "application/problem+json", "{path}: {text}");
    }
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_checks_who_is_asking_and_a_refusal_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.toml");
    let t = tokens(&file);
    let l = TestLedger::start_with(dir.path(), |s| s.auth.tokens_file = Some(file.clone())).await;
    for c in plan_commands() {
        assert_eq!(call(&l, "POST", "/v1/events", Some(&t.coordinator), Some(&c)).await.0, StatusCode::CREATED);
    }
    let (s, first) = call(&l, "POST", "/v1/events", Some(&t.polisen), Some(&patrol("2022-02-01", json!(5)))).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    assert_eq!(first["author"].as_str().unwrap().split(':').take(2).collect::<Vec<_>>(), ["reporter", "polisen"]);
    let head = call(&l, "GET", "/v1/verify", Some(&t.auditor), None).await.1;

    let approve =
        json!({"plan": PLAN, "actor": "kommunen", "kind": "follow_up_approved", "data": {"tertial": "2022-T1"}});
    let reminder = json!({"plan": PLAN, "actor": "kommunen", "kind": "note_written", "data": {
        "activity": "ssg", "tertial": "2022-T1", "text": "x"}});
    let mut as_vatterhem = patrol("2022-02-02", json!(1));
    as_vatterhem["actor"] = json!("vatterhem");
    let bad = "lofte_0000000000000000000000000000000000000000000000000000000000000000";
    let refusals: Vec<(&str, &str, Option<&str>, Option<&Value>, StatusCode)> = vec![
        ("POST", "/v1/events", None, Some(&first), StatusCode::UNAUTHORIZED),
        ("POST", "/v1/events", Some(bad), Some(&first), StatusCode::UNAUTHORIZED),
        ("POST", "/v1/events", Some(&t.auditor), Some(&first), StatusCode::FORBIDDEN),
        ("POST", "/v1/events", Some(&t.polisen), Some(&approve), StatusCode::FORBIDDEN),
        ("POST", "/v1/events", Some(&t.polisen), Some(&as_vatterhem), StatusCode::FORBIDDEN),
        ("POST", "/v1/events", Some(&t.vatterhem), Some(&as_vatterhem), StatusCode::FORBIDDEN),
        ("POST", "/v1/events", Some(&t.coordinator), Some(&reminder), StatusCode::FORBIDDEN),
        ("POST", "/v1/events", Some(&t.service), Some(&reminder), StatusCode::FORBIDDEN),
        ("GET", "/v1/events", None, None, StatusCode::UNAUTHORIZED),
        ("GET", "/v1/events", Some(&t.polisen), None, StatusCode::FORBIDDEN),
        ("GET", "/v1/verify", Some(&t.polisen), None, StatusCode::FORBIDDEN),
        ("POST", "/v1/admin/republish", Some(&t.auditor), None, StatusCode::FORBIDDEN),
    ];
    for (method, path, token, body, expect) in refusals {
        let (s, v) = call(&l, method, path, token, body).await;
        assert_eq!(s, expect, "{method} {path} with {token:?}: {v}");
        assert!(!v.to_string().contains("lofte_"), "a token in an error body: {v}");
    }
    // A reporter reads what its organisation recorded, and nothing else — the same refusal
    // whether the event exists or not.
    let id = first["id"].as_str().unwrap();
    assert_eq!(call(&l, "GET", &format!("/v1/events/{id}"), Some(&t.polisen), None).await.0, StatusCode::OK);
    let other = call(&l, "GET", &format!("/v1/events/{id}"), Some(&t.vatterhem), None).await;
    let missing = call(&l, "GET", "/v1/events/01a1fcd6-c888-739e-89d7-fd5062116ba8", Some(&t.vatterhem), None).await;
    assert_eq!((other.0, &other.1["detail"]), (missing.0, &missing.1["detail"]));
    assert_eq!(other.0, StatusCode::FORBIDDEN);
    // Readers who read everything.
    for tok in [&t.coordinator, &t.auditor, &t.service] {
        assert_eq!(call(&l, "GET", "/v1/events?after=0", Some(tok), None).await.0, StatusCode::OK);
    }
    // Health, readiness, metrics and the API document need no token.
    for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
        assert!(reqwest::get(format!("{}{path}", l.url)).await.unwrap().status().is_success(), "{path}");
    }
    let after = call(&l, "GET", "/v1/verify", Some(&t.auditor), None).await.1;
    assert_eq!((&after["head_seq"], &after["head_hash"]), (&head["head_seq"], &head["head_hash"]), "a refusal wrote");
    l.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_stops_working_and_a_flood_gets_429() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.toml");
    let t = tokens(&file);
    let l = TestLedger::start_with(dir.path(), |s| {
        s.auth.tokens_file = Some(file.clone());
        s.auth.rate_per_sec = 1.0;
        s.auth.burst = 5;
    })
    .await;
    let mut limited = None;
    for _ in 0..10 {
        let resp =
            reqwest::Client::new().get(format!("{}/v1/verify", l.url)).bearer_auth(&t.auditor).send().await.unwrap();
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned()));
            break;
        }
    }
    assert_eq!(limited, Some(Some("1".to_owned())), "the 6th request within a second gets 429 with Retry-After");
    assert_eq!(call(&l, "GET", "/v1/verify", Some(&t.coordinator), None).await.0, StatusCode::OK, "per token");

    // Revoke the coordinator: rewrite the file without it; within about a second it is refused.
    let mut f = TokenFile::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
    f.tokens.retain(|e| e.role != Role::Coordinator);
    std::fs::write(&file, f.render()).unwrap();
    lofte_test_support::poll_until("the revocation to take effect", std::time::Duration::from_secs(10), || async {
        let (s, _) = call(&l, "GET", "/v1/verify", Some(&t.coordinator), None).await;
        Ok::<_, String>((s == StatusCode::UNAUTHORIZED).then_some(()))
    })
    .await
    .unwrap();
    l.stop().await;
}
