//! A real service behind a gate: closed, every request gets 503; open, GETs pass through. For a
//! dependency that goes away and comes back (a ledger a gap is back-filled from).

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
            let Ok(r) = reqwest::get(url).await else {
                return (StatusCode::BAD_GATEWAY, "upstream unreachable").into_response();
            };
            let status = StatusCode::from_u16(r.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let body = r.bytes().await.unwrap_or_default();
            (status, [("content-type", "application/json")], body).into_response()
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
