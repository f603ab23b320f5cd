//! Building and running `lofte-web`: its store, the mailer, the other services, the listener.

use std::{net::SocketAddr, sync::Arc};

use axum::Router;
use lofte_mail::Mailer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    backend::Backend,
    http::{router, AppState},
    limits::Limits,
    settings::Settings,
    store::{Store, StoreError},
};

/// Why the web application cannot start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot send mail: {0}")]
    Mailer(#[from] lofte_mail::MailerError),
    #[error("cannot make an HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("serving failed: {0}")]
    Serve(#[from] std::io::Error),
}

/// A built, not yet running web application.
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    addr: SocketAddr,
    router: Router,
}

impl App {
    pub async fn build(settings: Settings) -> Result<App, AppError> {
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|source| AppError::DataDir { path: settings.data_dir.display().to_string(), source })?;
        let store = Store::open(&settings.data_dir)?;
        let mailer = Mailer::new(&settings.smtp, &settings.mail_dir)?;
        let backend = Backend::new(&settings)?;
        let listener = TcpListener::bind(settings.listen)
            .await
            .map_err(|source| AppError::Bind { addr: settings.listen, source })?;
        let addr = listener.local_addr()?;
        let state =
            AppState { settings: Arc::new(settings), store, backend, mailer, limits: Arc::new(Limits::default()) };
        Ok(App { listener, addr, router: router(state) })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), AppError> {
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service).with_graceful_shutdown(shutdown.cancelled_owned()).await?;
        Ok(())
    }
}
