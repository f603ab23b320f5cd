//! The HTTP API over a real sled log: appends, idempotency, optimistic concurrency, reads,
//! operations routes, and state surviving a restart.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::common::{patrol, TestLedger, PLAN};

#[tokio::test]
async fn an_append_is_stored_chained_and_readable() {
    let dir = tempfile::tempdir().unwrap();
    let l = TestLedger::start(dir.path()).await.with_plan().await;
    let (s, h, ev) = l.post_with(&patrol("2022-03-01", json!("ca 35")), &[]).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(ev["seq"], 4);
    assert_eq!(ev["kind"], "measure_counted");
    assert_eq!(ev["data"]["count"], "ca 35");
    assert_eq!(ev["data"]["hours"], 2.5);
    assert_eq!(ev["stream"], format!("activity/{PLAN}/fotpatrullering"));
    assert_eq!(ev["stream_version"], 1);
    assert_eq!(ev["author"], "polisen");
    assert_eq!(h["etag"], "\"1\"");
    let id = ev["id"].as_str().unwrap();
    assert_eq!(h["location"], format!("/v1/events/{id}").as_str());

    let (s, one) = l.get_json(&format!("/v1/events/{id}")).await;
    assert_eq!((s, &one), (StatusCode::OK, &ev));
    let (_, page) = l.get_json("/v1/events?after=2&limit=10").await;
    let seqs: Vec<u64> = page["events"].as_array().unwrap().iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, vec![3, 4]);
    assert_eq!(page["next_after"], 4);
    assert_eq!(page["events"][1]["prev_hash"], page["events"][0]["hash"]);
    let (_, v) = l.get_json("/v1/verify").await;
    assert_eq!((v["ok"].as_bool(), v["checked"].as_u64()), (Some(true), Some(4)));
    l.stop().await;
}

#[tokio::test]
async fn the_same_idempotency_key_and_body_return_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let l = TestLedger::start(dir.path()).await.with_plan().await;
    let body = patrol("2022-03-01", json!(12));
    let (s1, _, first) = l.post_with(&body, &[("Idempotency-Key", "polisen-2022-03-01-a")]).await;
    assert_eq!(s1, StatusCode::CREATED);
    // The same request re-serialised with other key order and whitespace is still the same.
    let reordered = serde_json::to_vec_pretty(&body).unwrap();
    let (s2, _, again) = l.post_raw(reordered, &[("Idempotency-Key", "polisen-2022-03-01-a")]).await;
    assert_eq!(s2, StatusCode::OK);
    assert_eq!(again, first);
    let (s3, h3, conflict) =
        l.post_with(&patrol("2022-03-01", json!(13)), &[("Idempotency-Key", "polisen-2022-03-01-a")]).await;
    assert_eq!(s3, StatusCode::CONFLICT);
    assert_eq!(h3["content-type"], "application/problem+json");
    assert_eq!(conflict["field"], "Idempotency-Key");
    assert_eq!(l.head().await.0, 4, "only one event was written");
    l.stop().await;
}

#[tokio::test]
async fn if_match_guards_the_stream_version() {
    let dir = tempfile::tempdir().unwrap();
    let l = TestLedger::start(dir.path()).await.with_plan().await;
    let (s, _, _) = l.post_with(&patrol("2022-03-01", json!(1)), &[("If-Match", "0")]).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _, p) = l.post_with(&patrol("2022-03-02", json!(1)), &[("If-Match", "0")]).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!((p["field"].as_str(), p["current_version"].as_u64()), (Some("If-Match"), Some(1)));
    let (s, _, ev) = l.post_with(&patrol("2022-03-02", json!(1)), &[("If-Match", "\"1\"")]).await;
    assert_eq!((s, ev["stream_version"].as_u64()), (StatusCode::CREATED, Some(2)));
    let (s, _, p) = l.post_with(&patrol("2022-03-02", json!(1)), &[("If-Match", "two")]).await;
    assert_eq!((s, p["field"].as_str()), (StatusCode::BAD_REQUEST, Some("If-Match")));
    l.stop().await;
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let l = TestLedger::start(dir.path()).await.with_plan().await;
    let (_, _, before) = l.post_with(&patrol("2022-03-01", json!(5)), &[("Idempotency-Key", "k1")]).await;
    let head = l.head().await;
    l.stop().await;
    let l = TestLedger::start(dir.path()).await;
    assert_eq!(l.head().await, head);
    // The plan, the stream version and the idempotency key are all still known.
    let (s, _, again) = l.post_with(&patrol("2022-03-01", json!(5)), &[("Idempotency-Key", "k1")]).await;
    assert_eq!((s, &again), (StatusCode::OK, &before));
    let (s, _, next) = l.post_with(&patrol("2022-03-02", json!(6)), &[("If-Match", "1")]).await;
    assert_eq!((s, next["seq"].as_u64()), (StatusCode::CREATED, Some(5)));
    assert_eq!(next["prev_hash"], before["hash"]);
    l.stop().await;
}

#[tokio::test]
async fn operations_routes_answer() {
    let dir = tempfile::tempdir().unwrap();
    let l = TestLedger::start(dir.path()).await.with_plan().await;
    let (s, v) = l.get_json("/healthz").await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (s, v) = l.get_json("/readyz").await;
    assert_eq!((s, v["head_seq"].as_u64()), (StatusCode::OK, Some(3)));
    let (s, _, text) = l.get("/metrics").await;
    assert_eq!(s, StatusCode::OK);
    assert!(text.contains("lofte_ledger_appends_total 3"), "{text}");
    assert!(text.contains("# TYPE lofte_ledger_head_seq gauge"));
    let (s, doc) = l.get_json("/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    for path in ["/v1/events", "/v1/events/{id}", "/v1/verify", "/healthz", "/readyz", "/metrics"] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
    }
    assert!(doc["components"]["schemas"]["Envelope"].is_object());
    l.stop().await;
}

#[tokio::test]
async fn unknown_routes_and_ids_are_problems() {
    let dir = tempfile::tempdir().unwrap();
    let l = TestLedger::start(dir.path()).await;
    let check = |s: StatusCode, h: &reqwest::header::HeaderMap, want: StatusCode| {
        assert_eq!(s, want);
        assert_eq!(h["content-type"], "application/problem+json");
    };
    let (s, h, _) = l.get("/v2/nothing").await;
    check(s, &h, StatusCode::NOT_FOUND);
    let (s, h, _) = l.get(&format!("/v1/events/{}", uuid::Uuid::now_v7())).await;
    check(s, &h, StatusCode::NOT_FOUND);
    let (s, h, body) = l.get("/v1/events/not-a-uuid").await;
    check(s, &h, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["field"], "id");
    for q in ["limit=0", "limit=100000", "after=-1", "after=x", "bogus=1"] {
        let (s, h, _) = l.get(&format!("/v1/events?{q}")).await;
        check(s, &h, StatusCode::UNPROCESSABLE_ENTITY);
    }
    l.stop().await;
}
