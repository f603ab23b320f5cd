//! Why a tick, or the notifier's start, failed. Each part has its own error ([`StoreError`],
//! [`MailerError`], [`BuildError`], …); these gather them where a tick or the start ends.

use std::{net::SocketAddr, path::PathBuf};

use lofte_follow::ViewError;

use crate::{mailer::MailerError, message::BuildError, store::StoreError};

/// Why a tick stopped before its end; the next tick starts over.
#[derive(Debug, thiserror::Error)]
pub enum TickError {
    #[error("cannot read the views: {0}")]
    Views(#[from] ViewError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Message(#[from] BuildError),
    /// The people directory could not be read from the ledger; the next tick tries again.
    #[error("cannot read the people directory: {0}")]
    People(#[source] lofte_ledger_client::ClientError),
    /// The views are being rebuilt and hold part of the history only: what they show due could
    /// be done already. No tick runs until they hold the whole stream again.
    #[error("the views are being rebuilt; no tick runs until they hold the whole stream again")]
    Rebuilding,
}

/// Why the notifier could not start or stopped serving.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Nats(#[from] lofte_service::nats::NatsConnectError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Views(#[from] ViewError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the mail transport: {0}")]
    Mailer(#[from] MailerError),
    #[error("the ledger's HTTP client: {0}")]
    Ledger(#[source] reqwest::Error),
    #[error("authentication: {0}")]
    Auth(#[from] lofte_service::auth::AuthError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
}
