//! Building and running the ledger: `App::build(settings)` opens the log and binds the socket,
//! `app.addr()` says where it listens (tests bind port 0), `app.run(shutdown)` serves until the
//! token is cancelled, then lets the writer answer what is queued.

use std::{net::SocketAddr, sync::Arc};

use axum::Router;
use tokio::{
    net::TcpListener,
    sync::{mpsc, oneshot, watch},
};
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{
    gate::{Gate, GateSender},
    http::{router, AppState, Nats},
    metrics::Metrics,
    outbox::{Errors, Outbox},
    settings::{AckMode, Settings},
    state::LedgerState,
    store::{Store, StoreError},
    writer::{AppendRequest, Writer},
};

/// Why the ledger could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the log in {path} cannot be read ({cause}). Move the directory aside and start the ledger with \
         --restore-from-stream to restore the log from the JetStream stream (ADR 0001); without a stream, restore the \
         directory from a backup"
    )]
    Damaged { path: String, cause: StoreError },
    #[error("the disk holding the log in {path} is full ({cause}); free space on it, then start the ledger again")]
    DiskFull { path: String, cause: StoreError },
    #[error("cannot listen on {addr}: {source} (is another ledger running? pick another --listen)")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("server error: {0}")]
    Serve(#[from] std::io::Error),
    #[error("start-up task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("authentication: {0}")]
    Auth(#[from] lofte_service::auth::AuthError),
    #[error(transparent)]
    Nats(#[from] lofte_service::nats::NatsConnectError),
    #[error("the people directory: {0}")]
    People(crate::people::DirectoryError),
}

/// A built, not yet running ledger.
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    addr: SocketAddr,
    router: Router,
    writer: Writer,
    appends: mpsc::Receiver<AppendRequest>,
    outbox: Option<(async_nats::ConnectOptions, Outbox)>,
    gate: GateSender,
    /// Told by the outbox once the log was compared with the stream.
    compared: Option<oneshot::Receiver<bool>>,
    store: Store,
}

impl App {
    /// Opens the log, replays it into memory (verifying the chain), and binds the listener.
    pub async fn build(settings: Settings) -> Result<App, AppError> {
        if settings.nats.ack_mode == AckMode::Replicated && settings.nats.connection.url.is_none() {
            return Err(AppError::Config("nats.ack_mode = \"replicated\" needs nats.url".into()));
        }
        if settings.restore_from_stream && settings.nats.connection.url.is_none() {
            return Err(AppError::Config("--restore-from-stream needs a NATS URL (--nats-url or nats.url)".into()));
        }
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|source| AppError::DataDir { path: settings.data_dir.display().to_string(), source })?;
        let (dir, cache) = (settings.data_dir.clone(), settings.cache_bytes);
        let (store, state) = tokio::task::spawn_blocking(move || -> Result<_, StoreError> {
            let store = Store::open(&dir, cache)?;
            let state = crate::quiet::catch(|| LedgerState::load(&store)).map_err(StoreError::Unreadable)??;
            Ok((store, state))
        })
        .await?
        .map_err(|cause| {
            let path = settings.data_dir.display().to_string();
            match cause.is_disk_full() {
                true => AppError::DiskFull { path, cause },
                false => AppError::Damaged { path, cause },
            }
        })?;
        tracing::info!(head_seq = state.head.seq, plans = state.book.plans.len(), "log loaded");
        let chain_ok = state.chain_break.is_none();
        let gate = match (&state.chain_break, &settings.nats.connection.url) {
            (Some(brk), _) => Gate::Refused(format!(
                "the log in {} is damaged at seq {} ({}); the ledger takes no appends. Move the directory aside and \
                 start the ledger with --restore-from-stream to restore the log from the JetStream stream (ADR 0001)",
                settings.data_dir.display(),
                brk.seq,
                brk.reason
            )),
            (None, Some(url)) => Gate::Checking(format!("waiting for NATS at {url}")),
            (None, None) => Gate::Open,
        };
        let (gate, gate_rx) = GateSender::new(gate);
        let (compared_tx, compared) = match settings.nats.connection.url {
            Some(_) => {
                let (tx, rx) = oneshot::channel();
                (Some(tx), Some(rx))
            }
            None => (None, None),
        };
        let metrics = Arc::new(Metrics::default());
        let (tx, rx) = mpsc::channel(settings.queue_depth.max(1));
        let writer = Writer::new(
            settings.ledger_id.clone(),
            store.clone(),
            state,
            settings.max_batch,
            metrics.clone(),
            gate.clone(),
        );
        let (errors, last_error) = Errors::new(metrics.clone());
        let (published_tx, published) = watch::channel(0);
        let (republish_tx, republish_rx) = mpsc::channel(4);
        // Credentials and TLS files are checked now: a wrong setting stops the start.
        let options = match settings.nats.connection.url {
            Some(_) => Some(settings.nats.connection.options().await?),
            None => None,
        };
        let outbox = options.map(|options| {
            let outbox = Outbox {
                ledger: settings.ledger_id.clone(),
                store: store.clone(),
                settings: settings.nats.clone(),
                durable: writer.durable(),
                published: published_tx,
                metrics: metrics.clone(),
                errors,
                republish: republish_rx,
                data_dir: settings.data_dir.clone(),
                restore_empty: settings.restore_from_stream,
                gate: gate.clone(),
                compared: compared_tx,
            };
            (options, outbox)
        });
        let nats = outbox.is_some().then_some(Nats { published, last_error, republish: republish_tx });
        let durable = writer.durable();
        let listener = TcpListener::bind(settings.listen)
            .await
            .map_err(|source| AppError::Bind { addr: settings.listen, source })?;
        let addr = listener.local_addr()?;
        let auth = lofte_service::auth::Auth::new(&settings.auth)?;
        let router = router(
            AppState {
                people: crate::people::Directory::open(store.db()).map_err(AppError::People)?,
                store: store.clone(),
                appends: tx,
                metrics,
                settings: Arc::new(settings),
                chain_ok,
                durable,
                gate: gate_rx,
                nats,
            },
            auth,
        );
        Ok(App { listener, addr, router, writer, appends: rx, outbox, gate, compared, store })
    }

    /// Where the ledger listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `shutdown` is cancelled; queued appends are still answered.
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), AppError> {
        let tracker = TaskTracker::new();
        tracker.spawn(start_writer(
            self.writer,
            self.appends,
            self.compared,
            self.gate,
            self.store,
            shutdown.child_token(),
        ));
        if let Some((options, outbox)) = self.outbox {
            tracker.spawn(outbox.run(options, shutdown.child_token()));
        }
        tracker.close();
        let served =
            axum::serve(self.listener, self.router).with_graceful_shutdown(shutdown.clone().cancelled_owned()).await;
        shutdown.cancel();
        tracker.wait().await;
        served?;
        Ok(())
    }
}

/// Runs the writer once the log was compared with the stream (at once without NATS): after a
/// recovered tail, with its state loaded again from the log. Opens the gate (unless it was closed
/// for good meanwhile).
async fn start_writer(
    mut writer: Writer,
    appends: mpsc::Receiver<AppendRequest>,
    compared: Option<oneshot::Receiver<bool>>,
    gate: GateSender,
    store: Store,
    cancel: CancellationToken,
) {
    if let Some(compared) = compared {
        let restored = tokio::select! {
            r = compared => match r {
                Ok(restored) => restored,
                Err(_) => return,
            },
            () = cancel.cancelled() => return,
        };
        if restored {
            match tokio::task::spawn_blocking(move || LedgerState::load(&store)).await {
                Ok(Ok(state)) => writer.reload(state),
                Ok(Err(e)) => return gate.set(Gate::Refused(format!("cannot load the recovered log: {e}"))),
                Err(e) => return gate.set(Gate::Refused(format!("cannot load the recovered log: {e}"))),
            }
        }
    }
    gate.set(Gate::Open);
    writer.run(appends, cancel).await
}
