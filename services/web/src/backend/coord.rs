//! What the coordinators' pages ask of the other services: the summaries of the plans a
//! coordinator coordinates, and waiting for the projector to take in what was just recorded (so
//! Översikt shows an approval or a due date as soon as the coordinator is sent back to it).

use std::time::{Duration, Instant};

use lofte_proto::people::Person;
use serde_json::Value;

use super::{Backend, BackendError};
use crate::overview;

impl Backend {
    /// The summaries of the plans `coordinator` coordinates ([`overview::coordinates`]), in the
    /// projector's order.
    pub async fn coordinated(&self, coordinator: &Person) -> Result<Vec<Value>, BackendError> {
        let mut out = vec![];
        for id in self.plans().await? {
            let s = self.summary(&id).await?;
            if overview::coordinates(coordinator, &s) {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// Waits (at most `wait`) until the projector's summary of `plan` has taken in the event at
    /// `seq`; whether it has. A slow projector only makes the next page show it later.
    pub async fn caught_up(&self, plan: &str, seq: u64, wait: Duration) -> bool {
        let start = Instant::now();
        loop {
            if let Ok(s) = self.summary(plan).await {
                if s["last_seq"].as_u64().is_some_and(|l| l >= seq) {
                    return true;
                }
            }
            if start.elapsed() >= wait {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}
