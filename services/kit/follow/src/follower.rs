//! A service follows the stream with a [`Follower`] (run as one task) and reads and steers it
//! through its [`FollowHandle`]: readiness, metrics, rebuilding.

use std::{sync::Arc, time::Duration};

use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::{
    consumer::{Consumer, Rebuild},
    error::RebuildError,
    metrics::Metrics,
    progress,
    readiness::{readiness, NotReady, Readiness},
    settings::Settings,
    shared::Shared,
    views::Views,
};

/// How long a rebuild request waits for the follower to drop the views.
const REBUILD_ANSWER: Duration = Duration::from_secs(30);

/// The follower: the consumer, and the reader of the stream's end (for the lag).
#[derive(Debug)]
pub struct Follower {
    consumer: Consumer,
    shared: Arc<Shared>,
    stream: String,
}

/// What a service holds of its follower. Cloning is shallow.
#[derive(Debug, Clone)]
pub struct FollowHandle {
    shared: Arc<Shared>,
    rebuild: mpsc::Sender<Rebuild>,
}

impl Follower {
    /// A follower of `settings.stream` as the durable `settings.consumer`, keeping what it reads
    /// in `views`.
    pub fn new(settings: Settings, views: Views) -> (Follower, FollowHandle) {
        let shared = Arc::new(Shared::default());
        let stream = settings.stream.clone();
        let (consumer, rebuild) = Consumer::new(settings, views, shared.clone());
        (Follower { consumer, shared: shared.clone(), stream }, FollowHandle { shared, rebuild })
    }

    /// Follows the stream until `cancel` (connecting, and following again after errors, by
    /// itself), and reads the stream's end every second.
    pub async fn run(self, cancel: CancellationToken) {
        let Follower { consumer, shared, stream } = self;
        tokio::join!(consumer.run(cancel.clone()), progress::refresh(&shared.progress, stream, cancel));
    }
}

impl FollowHandle {
    /// The counters.
    pub fn metrics(&self) -> &Metrics {
        &self.shared.metrics
    }

    /// The Prometheus text of counters and state, every name starting with `prefix`.
    pub fn render_metrics(&self, prefix: &str) -> String {
        self.shared.metrics.render(prefix, &self.shared.progress)
    }

    /// Ready, with the lag against the stream; or why not.
    pub fn readiness(&self) -> Result<Readiness, NotReady> {
        let applied = self.shared.metrics.applied.load(std::sync::atomic::Ordering::Relaxed);
        readiness(&self.shared.progress, applied)
    }

    /// Whether the views are being rebuilt (and hold part of the history only).
    pub fn rebuilding(&self) -> bool {
        self.shared.progress.rebuilding()
    }

    /// Waits up to `at_most` for a rebuild under way to end; whether the views are whole.
    pub async fn rebuilt_within(&self, at_most: Duration) -> bool {
        let until = tokio::time::Instant::now() + at_most;
        while self.rebuilding() {
            if tokio::time::Instant::now() >= until {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    /// Drops the views and replays the stream from its start. Returns once the views are dropped
    /// (from then on [`rebuilding`](Self::rebuilding) is true until the replay is done).
    pub async fn rebuild(&self) -> Result<(), RebuildError> {
        let (reply, answer) = oneshot::channel();
        self.rebuild.send(Rebuild { reply }).await.map_err(|_| RebuildError::Stopped)?;
        match tokio::time::timeout(REBUILD_ANSWER, answer).await {
            Ok(Ok(dropped)) => dropped,
            Ok(Err(_)) => Err(RebuildError::Stopped),
            Err(_) => Err(RebuildError::NoAnswer),
        }
    }
}
