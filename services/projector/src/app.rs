//! Building and running the projector: `App::build(settings)`, `app.addr()`, `app.run(shutdown)`.

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use lofte_follow::{Follower, KeptFolds, ViewError, Views};

use crate::{
    http::{router, AppState},
    settings::Settings,
};

/// Why the projector could not start.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error(transparent)]
    Views(#[from] ViewError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("server error: {0}")]
    Serve(#[from] std::io::Error),
    #[error(transparent)]
    Nats(#[from] lofte_service::nats::NatsConnectError),
    #[error("authentication: {0}")]
    Auth(#[from] lofte_service::auth::AuthError),
}

/// A built, not yet running projector.
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    addr: SocketAddr,
    router: Router,
    follower: Follower,
}

impl App {
    /// Opens the views and binds the listener.
    pub async fn build(settings: Settings) -> Result<App, AppError> {
        // A bad combination of credentials, or a missing certificate, stops the start.
        settings.nats.options().await?;
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|source| AppError::DataDir { path: settings.data_dir.display().to_string(), source })?;
        let views = Views::open(&settings.data_dir, settings.cache_bytes)?;
        let listener = TcpListener::bind(settings.listen)
            .await
            .map_err(|source| AppError::Bind { addr: settings.listen, source })?;
        let addr = listener.local_addr()?;
        let auth = lofte_service::auth::Auth::new(&settings.auth).map_err(AppError::Auth)?;
        let (follower, follow) = Follower::new(settings.follow(), views.clone());
        let router =
            router(AppState { kept: KeptFolds::new(views.clone()), views, follow, cache: Default::default() }, auth);
        Ok(App { listener, addr, router, follower })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Follows the stream, reads how far it goes (for `/readyz`), and serves until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), AppError> {
        let tracker = TaskTracker::new();
        tracker.spawn(self.follower.run(shutdown.child_token()));
        tracker.close();
        let served =
            axum::serve(self.listener, self.router).with_graceful_shutdown(shutdown.clone().cancelled_owned()).await;
        shutdown.cancel();
        tracker.wait().await;
        served?;
        Ok(())
    }
}
