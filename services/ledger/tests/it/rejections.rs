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

/// The hostile inputs of issue 7, one row each: raw bytes that are (nearly) a good event, the
/// status, and the field named (empty: the body as a whole).
#[tokio::test]
async fn hostile_input_is_refused_with_the_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let l = TestLedger::start(dir.path()).await.with_plan().await;
    let ok = patrol("2022-03-01", json!(3)).to_string();
    let swap = |from: &str, to: &str| {
        assert!(ok.contains(from), "{from} not in {ok}");
        ok.replacen(from, to, 1).into_bytes()
    };
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let long = "å".repeat(30_000);
    let note = |text: &str| {
        json!({"plan": "test-2022", "actor": "kommunen", "kind": "note_written",
            "data": {"activity": "ssg", "tertial": "2022-T1", "text": text}})
        .to_string()
        .into_bytes()
    };
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        ("oversized body", vec![b' '; 64 * 1024 + 1], StatusCode::PAYLOAD_TOO_LARGE, ""),
        ("nested 20,000 deep", deep(20_000).into_bytes(), StatusCode::BAD_REQUEST, ""),
        ("nested inside data", swap("\"count\":3", &format!("\"count\":{}", deep(5_000))), unprocessable, "data.count"),
        (
            "nested unknown field",
            swap("\"count\":3", &format!("\"x\":{},\"count\":3", deep(200))),
            unprocessable,
            "data.x",
        ),
        (
            "invalid UTF-8 in a string",
            swap("polisen", "polis\u{0}n").iter().map(|b| if *b == 0 { 0xc3 } else { *b }).collect(),
            unprocessable,
            "actor",
        ),
        ("lone surrogate escape", swap("polisen", "polis\\ud800n"), unprocessable, "actor"),
        ("integer beyond u64", swap("\"count\":3", "\"count\":184467440737095516160000"), unprocessable, "data.count"),
        ("number beyond f64", swap("\"count\":3", "\"count\":1e400"), unprocessable, "data.count"),
        ("negative zero hours", swap("\"hours\":2.5", "\"hours\":-0.0"), StatusCode::CREATED, ""),
        ("NaN", swap("\"count\":3", "\"count\":NaN"), unprocessable, "data"),
        ("2024-02-30", swap("2022-03-01", "2024-02-30"), unprocessable, "data.date"),
        ("2022-02-29", swap("2022-03-01", "2022-02-29"), unprocessable, "data.date"),
        ("date with a time", swap("2022-03-01", "2022-03-01T25:00"), unprocessable, "data.date"),
        ("control character in an id", swap("polisen", "poli\\u001bsen"), unprocessable, "actor"),
        ("control character in text", note("rad\u{1b}[31m"), unprocessable, "data.text"),
        ("bidi override in text", note("abc\u{202e}def"), unprocessable, "data.text"),
        ("very long text", note(&long), unprocessable, "data.text"),
        ("very long id", swap("test-2022", &"p".repeat(60_000)), unprocessable, "plan"),
        ("very long kind", swap("measure_counted", &"k".repeat(60_000)), unprocessable, "kind"),
        ("duplicate key", swap("\"count\":3", "\"count\":3,\"count\":4"), unprocessable, "data.count"),
    ];
    let before = l.head().await;
    for (what, body, status, field) in cases {
        let (s, h, p) = l.post_raw(body, &[]).await;
        if status == StatusCode::CREATED {
            // A harmless oddity that is accepted is fine; then it is the new baseline.
            assert!(s.is_success(), "{what}: {s} {p}");
            continue;
        }
        assert_eq!(s, status, "{what}: {p}");
        assert_eq!(h["content-type"], "application/problem+json", "{what}");
        assert_eq!(p["field"].as_str().unwrap_or(""), field, "{what}: {p}");
        assert!(p["detail"].as_str().unwrap().len() < 2_000, "{what}: the answer echoes the input: {p}");
    }
    let after = l.head().await;
    assert!(after.0 <= before.0 + 1, "only the one harmless row may be written: {before:?} → {after:?}");
    l.stop().await;
}
