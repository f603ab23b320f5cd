//! The JetStream stream every ledger publishes into, created or updated idempotently from the
//! settings: subjects `lofte.v1.>`, file storage, a duplicate window, replicas.

use std::time::Duration;

use async_nats::jetstream::{self, stream};
use lofte_proto::subject::ALL_SUBJECTS;

use crate::settings::NatsSettings;

/// The stream's configuration as Lofte wants it.
pub fn config(s: &NatsSettings) -> stream::Config {
    stream::Config {
        name: s.stream.clone(),
        subjects: vec![ALL_SUBJECTS.to_owned()],
        storage: stream::StorageType::File,
        num_replicas: s.replicas,
        duplicate_window: Duration::from_secs(s.duplicate_window_secs),
        allow_direct: true,
        ..Default::default()
    }
}

/// Creates the stream, or brings an existing one to this configuration.
pub async fn ensure(js: &jetstream::Context, s: &NatsSettings) -> Result<(), super::OutboxError> {
    js.create_or_update_stream(config(s)).await.map(|_| ()).map_err(super::error::nats)
}
