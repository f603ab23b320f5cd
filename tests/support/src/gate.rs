//! A real service behind a gate: closed, every request gets 503; open, requests pass through
//! (method, body, and the headers Lofte's clients send). For a dependency that goes away and
//! comes back (a ledger a gap is back-filled from, a ledger the notifier records into).

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Router,
};

/// A gate in front of `upstream`, listening on a free port until the test ends.
#[derive(Debug, Clone)]
pub struct Gate {
    url: String,
    open: Arc<AtomicBool>,
}

impl Gate {
    /// A gate in front of `upstream` (a base URL), open or closed.
    pub async fn start(upstream: &str, open: bool) -> std::io::Result<Gate> {
        async fn pass(State((upstream, open)): State<(String, Arc<AtomicBool>)>, req: Request) -> Response {
            if !open.load(Ordering::SeqCst) {
                return (StatusCode::SERVICE_UNAVAILABLE, "closed").into_response();
            }
            let url = format!("{upstream}{}", req.uri().path_and_query().map_or("", |p| p.as_str()));
            let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes()).unwrap_or(reqwest::Method::GET);
            let mut headers = reqwest::header::HeaderMap::new();
            for name in ["content-type", "authorization", "idempotency-key", "if-match"] {
                if let Some(v) =
                    req.headers().get(name).and_then(|v| reqwest::header::HeaderValue::from_bytes(v.as_bytes()).ok())
                {
                    headers.insert(name, v);
                }
            }
            let Ok(body) = axum::body::to_bytes(req.into_body(), 1 << 20).await else {
                return (StatusCode::BAD_REQUEST, "body").into_response();
            };
            let sent = reqwest::Client::new().request(method, url).headers(headers).body(body).send().await;
            let Ok(r) = sent else {
                return (StatusCode::BAD_GATEWAY, "upstream unreachable").into_response();
            };
            let status = StatusCode::from_u16(r.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let ct =
                r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("application/json").to_owned();
            let body = r.bytes().await.unwrap_or_default();
            (status, [("content-type", ct)], body).into_response()
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let open = Arc::new(AtomicBool::new(open));
        let app = Router::new().fallback(pass).with_state((upstream.to_owned(), open.clone()));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Gate { url, open })
    }

    /// Its base URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens (`true`) or closes it.
    pub fn set_open(&self, open: bool) {
        self.open.store(open, Ordering::SeqCst);
    }
}
