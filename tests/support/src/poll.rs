//! Waiting for eventual effects: poll a condition until it holds or a deadline passes.

use std::{future::Future, time::Duration};

use tokio::time::{sleep, Instant};

/// The condition never held.
#[derive(Debug, thiserror::Error)]
#[error("timed out after {waited:?} waiting for {what}; last observation: {last}")]
pub struct PollError {
    pub what: String,
    pub waited: Duration,
    pub last: String,
}

/// Calls `check` every 20 ms until it returns `Ok(Some(t))`, or fails after `deadline`.
/// `Ok(None)` and `Err(_)` both mean "not yet"; the last error is reported on timeout.
pub async fn poll_until<T, E, F, Fut>(what: &str, deadline: Duration, mut check: F) -> Result<T, PollError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, E>>,
    E: std::fmt::Display,
{
    let start = Instant::now();
    loop {
        let last = match check().await {
            Ok(Some(t)) => return Ok(t),
            Ok(None) => "condition not met".to_owned(),
            Err(e) => e.to_string(),
        };
        if start.elapsed() >= deadline {
            return Err(PollError { what: what.to_owned(), waited: start.elapsed(), last });
        }
        sleep(Duration::from_millis(20)).await;
    }
}
