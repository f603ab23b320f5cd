//! Shared fixtures: a small plan as commands, and a ledger running in-process.

use std::path::Path;

use lofte_ledger::{App, AppError, Settings};
use reqwest::{header::HeaderMap, StatusCode};
use serde_json::{json, Value};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub const PLAN: &str = "test-2022";

/// The commands that set up the test plan: adopted, two activities.
pub fn plan_commands() -> Vec<Value> {
    vec![
        json!({"plan": PLAN, "actor": "kommunen", "kind": "plan_adopted", "data": {
            "title": "Medborgarlöfte 2022", "municipality": "Jönköpings kommun",
            "police_area": "Lokalpolisområde Södra Vätterbygden", "period": "2022-01-01..2022-12-31",
            "promises": [{"id": "trygghet", "title": "Arbeta utifrån den lokala lägesbilden"}],
            "actors": [
                {"id": "polisen", "name": "Polisen"},
                {"id": "kommunen", "name": "Jönköpings kommun"},
                {"id": "vatterhem", "name": "Vätterhem"}],
            "areas": [{"id": "raslatt", "name": "Råslätt"}, {"id": "oxnehaga", "name": "Öxnehaga"},
                      {"id": "huskvarna", "name": "Huskvarna"}],
            "coordinators": [{"org": "kommunen"}]}}),
        json!({"plan": PLAN, "actor": "kommunen", "kind": "activity_added", "data": {
            "id": "fotpatrullering", "promise": "trygghet", "title": "Polisen ska fotpatrullera",
            "lead": "polisen", "areas": ["raslatt", "oxnehaga"]}}),
        json!({"plan": PLAN, "actor": "kommunen", "kind": "activity_added", "data": {
            "id": "ssg", "promise": "trygghet", "title": "SSG ska träffas minst åtta gånger",
            "lead": "kommunen", "participants": ["polisen"]}}),
    ]
}

/// A foot-patrol count by Polisen.
pub fn patrol(date: &str, count: Value) -> Value {
    json!({"plan": PLAN, "actor": "polisen", "kind": "measure_counted", "data": {
        "activity": "fotpatrullering", "date": date, "metric": "fotpatrullering", "count": count,
        "hours": 2.5, "area": "raslatt"}})
}

/// A ledger running in this process on a free port.
#[derive(Debug)]
pub struct TestLedger {
    pub url: String,
    cancel: CancellationToken,
    handle: JoinHandle<Result<(), AppError>>,
    client: reqwest::Client,
}

impl TestLedger {
    pub async fn start(dir: &Path) -> TestLedger {
        Self::start_with(dir, |_| {}).await
    }

    pub async fn start_with(dir: &Path, tweak: impl FnOnce(&mut Settings)) -> TestLedger {
        let mut s =
            Settings { listen: "127.0.0.1:0".parse().unwrap(), data_dir: dir.to_owned(), ..Settings::default() };
        tweak(&mut s);
        let app = App::build(s).await.expect("ledger starts");
        let url = format!("http://{}", app.addr());
        let cancel = CancellationToken::new();
        let handle = tokio::spawn(app.run(cancel.clone()));
        TestLedger { url, cancel, handle, client: reqwest::Client::new() }
    }

    /// Stops it and waits until the log is closed (so the directory can be reopened).
    pub async fn stop(self) {
        self.cancel.cancel();
        self.handle.await.expect("joins").expect("runs cleanly");
    }

    pub async fn post(&self, body: &Value) -> (StatusCode, Value) {
        let (s, _, v) = self.post_with(body, &[]).await;
        (s, v)
    }

    pub async fn post_with(&self, body: &Value, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Value) {
        self.post_raw(body.to_string().into_bytes(), headers).await
    }

    pub async fn post_raw(&self, body: Vec<u8>, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Value) {
        let mut req = self.client.post(format!("{}/v1/events", self.url));
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            req = req.header("content-type", "application/json");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.body(body).send().await.expect("request");
        let status = resp.status();
        let h = resp.headers().clone();
        let text = resp.text().await.expect("body");
        (status, h, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// POST with an empty body to `path`.
    pub async fn post_raw_to(&self, path: &str) -> (StatusCode, HeaderMap, Value) {
        let resp = self.client.post(format!("{}{path}", self.url)).send().await.expect("request");
        let (s, h) = (resp.status(), resp.headers().clone());
        let text = resp.text().await.expect("body");
        (s, h, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, HeaderMap, String) {
        let resp = self.client.get(format!("{}{path}", self.url)).send().await.expect("request");
        let (s, h) = (resp.status(), resp.headers().clone());
        (s, h, resp.text().await.expect("body"))
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let (s, _, t) = self.get(path).await;
        (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
    }

    /// Waits until the ledger takes appends (a ledger with NATS compares its log with the stream
    /// first).
    pub async fn ready(self) -> TestLedger {
        wait_ready(&self.url).await;
        self
    }

    /// Adopts the test plan and its activities (once the ledger takes appends).
    pub async fn with_plan(self) -> TestLedger {
        wait_ready(&self.url).await;
        for c in plan_commands() {
            let (s, v) = self.post(&c).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        self
    }

    /// The last seq and head hash, as `/v1/verify` reports them.
    pub async fn head(&self) -> (u64, String) {
        let (_, v) = self.get_json("/v1/verify").await;
        (v["head_seq"].as_u64().unwrap(), v["head_hash"].as_str().unwrap().to_owned())
    }
}

/// Waits until the ledger at `url` answers `/readyz` with 200.
pub async fn wait_ready(url: &str) {
    let client = reqwest::Client::new();
    lofte_test_support::poll_until("the ledger to take appends", std::time::Duration::from_secs(30), || async {
        let r = client.get(format!("{url}/readyz")).send().await.map_err(|e| e.to_string())?;
        let status = r.status();
        let body = r.text().await.unwrap_or_default();
        if status == StatusCode::OK {
            Ok(Some(()))
        } else {
            Err(format!("{status}: {body}"))
        }
    })
    .await
    .unwrap();
}
