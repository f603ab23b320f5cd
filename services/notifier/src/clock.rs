//! The notifier's clock: real, or simulated from `--now` and moved by `POST /v1/tick?now=`, so
//! tests and demos can walk through a year in seconds.

use std::sync::{Arc, Mutex};

use jiff::Timestamp;

/// The clock. Cloning is shallow: every clone reads and moves the same one.
#[derive(Debug, Clone, Default)]
pub struct Clock(Arc<Mutex<Option<Timestamp>>>);

impl Clock {
    /// A clock at `now` if given (simulated), else the real one.
    pub fn starting_at(now: Option<Timestamp>) -> Clock {
        Clock(Arc::new(Mutex::new(now)))
    }

    pub fn now(&self) -> Timestamp {
        self.0.lock().ok().and_then(|t| *t).unwrap_or_else(Timestamp::now)
    }

    /// Moves the clock to `t`; from then on it is simulated.
    pub fn set(&self, t: Timestamp) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(t);
        }
    }
}
