//! Building and running the notifier: its own follower of the stream (`lofte-follow`, with its
//! own durable consumer and views), a ticker following the [`Clock`], and the HTTP API
//! ([`crate::http`]).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use jiff::Timestamp;
use lofte_follow::{Follower, Views};
use lofte_proto::date::local_date;
use tokio::net::TcpListener;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{
    clock::Clock,
    error::{AppError, TickError},
    http::AppState,
    mailer::Mailer,
    record::Recorder,
    settings::Settings,
    store::Store,
    tick::Notifier,
};

/// A built, not yet running notifier.
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    addr: SocketAddr,
    state: AppState,
    follower: Follower,
    tick_every: Duration,
    auth: Arc<lofte_service::auth::Auth>,
}

impl App {
    /// Opens its state and binds the listener; `now` starts a simulated clock.
    pub async fn build(settings: Settings, now: Option<Timestamp>) -> Result<App, AppError> {
        // A bad combination of NATS credentials, or a missing certificate, stops the start.
        settings.nats.options().await?;
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|source| AppError::DataDir { path: settings.data_dir.clone(), source })?;
        let views = Views::open(&settings.data_dir.join("views"), settings.cache_bytes)?;
        let store = Store::open(&settings.data_dir.join("state"))?;
        let mailer = Mailer::new(&settings.smtp, &settings.mail_dir)?;
        let recorder = Recorder::new(&settings.ledger_url, settings.ledger_token.as_ref()).map_err(AppError::Ledger)?;
        let (follower, follow) = Follower::new(settings.follow(), views.clone());
        let listener = TcpListener::bind(settings.listen)
            .await
            .map_err(|source| AppError::Bind { addr: settings.listen, source })?;
        let addr = listener.local_addr().map_err(AppError::Serve)?;
        let tick_every = Duration::from_secs(settings.tick_secs.max(1));
        let auth = lofte_service::auth::Auth::new(&settings.auth).map_err(AppError::Auth)?;
        let notifier = Arc::new(Notifier::new(settings, views, store, mailer, recorder, follow.clone()));
        let state = AppState { notifier, clock: Clock::starting_at(now), follow, ticks: TaskTracker::new() };
        Ok(App { listener, addr, state, auth, follower, tick_every })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Follows the stream, ticks — at once, then every `tick_secs` — and serves until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), AppError> {
        let tracker = self.state.ticks.clone();
        tracker.spawn(self.follower.run(shutdown.child_token()));
        let (st, cancel, every) = (self.state.clone(), shutdown.child_token(), self.tick_every);
        tracker.spawn(async move {
            // The first tick is at start-up: what came due while the notifier was down goes out now.
            let mut interval = tokio::time::interval(every);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    _ = interval.tick() => {
                        match st.notifier.tick(|| local_date(st.clock.now())).await {
                            Ok(_) => {}
                            Err(TickError::Rebuilding) => tracing::info!("no tick while the views are rebuilt"),
                            Err(e) => tracing::warn!(error = %e, "tick failed; will retry"),
                        }
                    }
                }
            }
        });
        tracker.close();
        let router = crate::http::router(self.state, self.auth);
        let served =
            axum::serve(self.listener, router).with_graceful_shutdown(shutdown.clone().cancelled_owned()).await;
        shutdown.cancel();
        tracker.wait().await;
        served.map_err(AppError::Serve)
    }
}
