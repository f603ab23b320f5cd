//! What a follower is told. Each service keeps these in its own settings (its table of
//! `deploy/config/lofte.toml`) and hands them over: the projector and the notifier follow the
//! same stream with consumers, batches and ack waits of their own.

use std::collections::BTreeMap;

use lofte_service::{auth::Secret, nats::NatsConnection};

/// How to follow the stream.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The NATS servers, credentials and TLS.
    pub nats: NatsConnection,
    /// The stream the ledgers publish into.
    pub stream: String,
    /// The durable consumer's name (also the NATS connection's: `lofte-<consumer>`).
    pub consumer: String,
    /// Each ledger's base URL, by ledger id, for back-filling a gap in the stream.
    pub ledgers: BTreeMap<String, String>,
    /// A `service` token to read the ledgers' logs with, when they require tokens.
    pub ledger_token: Option<Secret>,
    /// Most messages applied (and flushed) together (a rebuild's replay: four times as many).
    pub batch: usize,
    /// How long JetStream waits for an acknowledgement before redelivering.
    pub ack_wait_secs: u64,
}
