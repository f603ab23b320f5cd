//! The one retry policy of Lofte's services: capped exponential backoff with jitter. [`Backoff`]
//! is pure (the caller supplies the randomness); [`Backoff::pause`] takes it from the clock.

use std::time::Duration;

/// The pause before the next retry.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    max: Duration,
    attempt: u32,
}

impl Backoff {
    /// Starts at `base`, doubles per failure, never above `max`.
    pub fn new(base: Duration, max: Duration) -> Self {
        Self { base, max: max.max(base), attempt: 0 }
    }

    /// The next pause: the capped exponential delay, scaled by `jitter` in [0.5, 1.0] so that many
    /// ledgers do not retry in step. `unit` is a random number in [0, 1).
    pub fn next(&mut self, unit: f64) -> Duration {
        let exp = self.base.saturating_mul(1u32 << self.attempt.min(20));
        self.attempt = self.attempt.saturating_add(1);
        exp.min(self.max).mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0))
    }

    /// After a success.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// The next pause, jittered with [`jitter`].
    pub fn pause(&mut self) -> Duration {
        self.next(jitter())
    }
}

/// A number in [0, 1) for jitter; the low bits of the clock are random enough for spreading
/// retries.
pub fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1000) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_caps_jitters_and_resets() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_millis(1000));
        let full: Vec<u128> = (0..6).map(|_| b.next(1.0).as_millis()).collect();
        assert_eq!(full, vec![100, 200, 400, 800, 1000, 1000]);
        assert_eq!(b.next(0.0).as_millis(), 500);
        b.reset();
        assert_eq!(b.next(0.0).as_millis(), 50);
    }
}
