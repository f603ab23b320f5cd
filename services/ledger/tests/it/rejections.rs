//! Bad input gets a clear problem+json naming the field, and writes nothing: after every refusal
//! the log's head (seq and hash) is unchanged.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::common::{patrol, TestLedger};

fn with(mut v: Value, path: &[&str], x: Value) -> Value {
    let mut cur = &mut v;
    for p in &path[..path.len() - 1] {
        cur = &mut cur[*p];
    }
    cur[path[path.len() - 1]] = x;
    v
}

#[tokio::test]
async fn every_refusal_names_the_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let l = TestLedger::start(dir.path()).await.with_plan().await;
    let ok = patrol("2022-03-01", json!(3));
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (with(ok.clone(), &["plan"], json!("okand-plan")), StatusCode::UNPROCESSABLE_ENTITY, "plan"),
        (with(ok.clone(), &["data", "activity"], json!("okand")), StatusCode::UNPROCESSABLE_ENTITY, "data.activity"),
        (with(ok.clone(), &["data", "area"], json!("ekhagen")), StatusCode::UNPROCESSABLE_ENTITY, "data.area"),
        (with(ok.clone(), &["actor"], json!("vatterhem")), StatusCode::UNPROCESSABLE_ENTITY, "actor"),
        (with(ok.clone(), &["data", "date"], json!("2021-12-31")), StatusCode::UNPROCESSABLE_ENTITY, "data.date"),
        (with(ok.clone(), &["data", "date"], json!("2022-02-30")), StatusCode::UNPROCESSABLE_ENTITY, "data.date"),
        (with(ok.clone(), &["data", "date"], json!("13/1")), StatusCode::UNPROCESSABLE_ENTITY, "data.date"),
        (with(ok.clone(), &["data", "count"], json!(-3)), StatusCode::UNPROCESSABLE_ENTITY, "data.count"),
        (with(ok.clone(), &["data", "count"], json!(1e300)), StatusCode::UNPROCESSABLE_ENTITY, "data.count"),
        (with(ok.clone(), &["data", "count"], json!(5_000_000)), StatusCode::UNPROCESSABLE_ENTITY, "data.count"),
        (with(ok.clone(), &["data", "count"], json!("många")), StatusCode::UNPROCESSABLE_ENTITY, "data.count"),
        (with(ok.clone(), &["data", "hours"], json!(-1)), StatusCode::UNPROCESSABLE_ENTITY, "data.hours"),
        (with(ok.clone(), &["data", "hours"], json!(1e9)), StatusCode::UNPROCESSABLE_ENTITY, "data.hours"),
        (
            with(ok.clone(), &["data", "sub"], json!({"forstagangsanvandare": 4})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "data.sub.forstagangsanvandare",
        ),
        (with(ok.clone(), &["data", "unexpected"], json!(1)), StatusCode::UNPROCESSABLE_ENTITY, "data.unexpected"),
        (with(ok.clone(), &["extra"], json!(1)), StatusCode::UNPROCESSABLE_ENTITY, "extra"),
        (with(ok.clone(), &["kind"], json!("party_thrown")), StatusCode::UNPROCESSABLE_ENTITY, "kind"),
        (with(ok.clone(), &["actor"], json!("Polisen\u{0}")), StatusCode::UNPROCESSABLE_ENTITY, "actor"),
        (
            json!({"plan": "test-2022", "actor": "kommunen", "kind": "note_written",
                "data": {"activity": "ssg", "tertial": "2022-T1", "text": "x".repeat(4001)}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "data.text",
        ),
        (
            json!({"plan": "test-2022", "actor": "kommunen", "kind": "note_written",
                "data": {"activity": "ssg", "tertial": "2022-T1", "text": "bell\u{7}"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "data.text",
        ),
        (
            json!({"plan": "test-2022", "actor": "kommunen", "kind": "note_written",
                "data": {"activity": "ssg", "tertial": "2022-T4", "text": "x"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "data.tertial",
        ),
        (json!([1, 2, 3]), StatusCode::BAD_REQUEST, ""),
        (json!("text"), StatusCode::BAD_REQUEST, ""),
    ];
    let before = l.head().await;
    for (body, status, field) in cases {
        let (s, h, p) = l.post_with(&body, &[]).await;
        assert_eq!(s, status, "{body} → {p}");
        assert_eq!(h["content-type"], "application/problem+json");
        assert_eq!(p["field"].as_str().unwrap_or(""), field, "{body} → {p}");
        assert!(p["type"].as_str().unwrap().starts_with("urn:lofte:problem:"));
        assert!(!p["detail"].as_str().unwrap().is_empty());
    }
    assert_eq!(l.head().await, before, "a refused request wrote something");
    l.stop().await;
}

#[tokio::test]
async fn malformed_bodies_and_headers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let l = TestLedger::start_with(dir.path(), |s| s.max_body_bytes = 4096).await.with_plan().await;
    let before = l.head().await;
    let ok = patrol("2022-03-01", json!(3)).to_string().into_bytes();
    let nested = format!("{}{}", "[".repeat(1500), "]".repeat(1500)).into_bytes();
    let raw: Vec<(Vec<u8>, Vec<(&str, &str)>, StatusCode)> = vec![
        (b"{not json".to_vec(), vec![], StatusCode::BAD_REQUEST),
        (vec![0xff, 0xfe, b'{'], vec![], StatusCode::BAD_REQUEST),
        (b"".to_vec(), vec![], StatusCode::BAD_REQUEST),
        (nested, vec![], StatusCode::BAD_REQUEST),
        (vec![b' '; 5000], vec![], StatusCode::PAYLOAD_TOO_LARGE),
        (ok.clone(), vec![("content-type", "text/plain")], StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (ok.clone(), vec![("Idempotency-Key", "")], StatusCode::BAD_REQUEST),
        (ok.clone(), vec![("Idempotency-Key", "has space")], StatusCode::BAD_REQUEST),
    ];
    for (body, headers, status) in raw {
        let (s, h, p) = l.post_raw(body, &headers).await;
        assert_eq!(s, status, "{p}");
        assert_eq!(h["content-type"], "application/problem+json", "{p}");
    }
    assert_eq!(l.head().await, before);
    let (_, _, m) = l.get("/metrics").await;
    assert!(m.contains("lofte_ledger_too_large_total 1"), "{m}");
    l.stop().await;
}
