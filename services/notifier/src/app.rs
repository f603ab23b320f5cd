//! Building and running the notifier: its own durable consumer on the stream (the projector's
//! consumer and views, under the name `notifier`), a ticker following the clock, and a small HTTP
//! API: `POST /v1/tick?now=<RFC 3339>` moves a simulated clock and runs a tick at once, so tests
//! and demos can walk through a year in seconds.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use jiff::Timestamp;
use lofte_projector::{consumer::Consumer, metrics::Metrics, views::Views};
use lofte_proto::date::local_date;
use tokio::net::TcpListener;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{mailer::Mailer, notifier::Notifier, settings::Settings};

/// The clock: real, or simulated from `--now` and moved by `POST /v1/tick`.
#[derive(Debug, Clone, Default)]
pub struct Clock(Arc<Mutex<Option<Timestamp>>>);

impl Clock {
    pub fn now(&self) -> Timestamp {
        self.0.lock().ok().and_then(|t| *t).unwrap_or_else(Timestamp::now)
    }
    pub fn set(&self, t: Timestamp) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(t);
        }
    }
}

/// What the HTTP handlers reach.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub(crate) notifier: Arc<Notifier>,
    pub(crate) clock: Clock,
    pub(crate) metrics: Arc<Metrics>,
    /// Posted ticks run here, so a client that goes away never cuts one short between sending a
    /// mail and keeping it, and shutdown waits for them.
    pub(crate) ticks: TaskTracker,
}

/// A built, not yet running notifier.
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    addr: SocketAddr,
    state: AppState,
    consumer: Consumer,
    tick_every: Duration,
    auth: Arc<lofte_service::auth::Auth>,
}

impl App {
    /// Opens its state and binds the listener; `now` starts a simulated clock.
    pub async fn build(settings: Settings, now: Option<Timestamp>) -> anyhow::Result<App> {
        // A bad combination of NATS credentials, or a missing certificate, stops the start.
        settings.nats.options().await?;
        std::fs::create_dir_all(&settings.data_dir)?;
        let views = Views::open(&settings.data_dir.join("views"), 64 << 20)?;
        let state = sled::open(settings.data_dir.join("state"))?.open_tree("sent")?;
        let mailer = Mailer::new(&settings.smtp, &settings.mail_dir).map_err(anyhow::Error::msg)?;
        let metrics = Arc::new(Metrics::default());
        let follow = lofte_projector::Settings {
            nats: settings.nats.clone(),
            stream: settings.stream.clone(),
            consumer: settings.consumer.clone(),
            ledgers: settings.ledgers.clone(),
            ledger_token: settings.ledger_token.clone(),
            ..lofte_projector::Settings::default()
        };
        let (consumer, _rebuild) = Consumer::new(follow, views.clone(), metrics.clone());
        let listener = TcpListener::bind(settings.listen).await?;
        let addr = listener.local_addr()?;
        let clock = Clock::default();
        if let Some(t) = now {
            clock.set(t);
        }
        let tick_every = Duration::from_secs(settings.tick_secs.max(1));
        let auth = lofte_service::auth::Auth::new(&settings.auth).map_err(anyhow::Error::msg)?;
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(v) = settings.ledger_token.as_ref().and_then(lofte_service::auth::Secret::bearer) {
            headers.insert(reqwest::header::AUTHORIZATION, v);
        }
        let http = reqwest::Client::builder().default_headers(headers).build()?;
        let notifier = Notifier::new(settings, views, mailer, state, http);
        Ok(App {
            listener,
            addr,
            state: AppState { notifier: Arc::new(notifier), clock, metrics, ticks: TaskTracker::new() },
            auth,
            consumer,
            tick_every,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Follows the stream, ticks — at once, then every `tick_secs` — and serves until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let tracker = self.state.ticks.clone();
        tracker.spawn(self.consumer.run(shutdown.child_token()));
        let (st, cancel, every) = (self.state.clone(), shutdown.child_token(), self.tick_every);
        tracker.spawn(async move {
            // The first tick is at start-up: what came due while the notifier was down goes out now.
            let mut interval = tokio::time::interval(every);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    _ = interval.tick() => {
                        if let Err(e) = st.notifier.tick(|| local_date(st.clock.now())).await {
                            tracing::warn!(error = %e, "tick failed; will retry");
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
        served?;
        Ok(())
    }
}
