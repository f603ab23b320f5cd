//! A token bucket per principal: `burst` requests at once, refilled at `per_sec`. Pure: the
//! caller passes the time.

use std::{collections::HashMap, time::Instant};

/// Buckets by key (a token id, or an anonymous client's address).
#[derive(Debug)]
pub struct RateLimiter {
    per_sec: f64,
    burst: f64,
    buckets: HashMap<String, (f64, Instant)>,
}

impl RateLimiter {
    pub fn new(per_sec: f64, burst: u32) -> RateLimiter {
        RateLimiter { per_sec, burst: f64::from(burst.max(1)), buckets: HashMap::new() }
    }

    /// Takes one request for `key` at `now`: `Ok`, or `Err(seconds)` to wait before the next.
    pub fn take(&mut self, key: &str, now: Instant) -> Result<(), u32> {
        if self.per_sec <= 0.0 {
            return Ok(());
        }
        if self.buckets.len() > 100_000 {
            // Forget full buckets rather than grow without bound under many addresses.
            let (per_sec, burst) = (self.per_sec, self.burst);
            self.buckets.retain(|_, (level, at)| *level + now.duration_since(*at).as_secs_f64() * per_sec < burst);
        }
        let (level, at) = self.buckets.entry(key.to_owned()).or_insert((self.burst, now));
        *level = (*level + now.saturating_duration_since(*at).as_secs_f64() * self.per_sec).min(self.burst);
        *at = now;
        if *level >= 1.0 {
            *level -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *level) / self.per_sec).ceil().max(1.0) as u32)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_burst_then_the_rate_then_a_wait() {
        let mut r = RateLimiter::new(2.0, 3);
        let t0 = Instant::now();
        assert!((0..3).all(|_| r.take("a", t0).is_ok()));
        assert_eq!(r.take("a", t0), Err(1));
        assert!(r.take("b", t0).is_ok(), "each key has its own bucket");
        assert!(r.take("a", t0 + Duration::from_millis(500)).is_ok(), "refilled at 2/s");
        assert!(r.take("a", t0 + Duration::from_millis(500)).is_err());
    }

    #[test]
    fn zero_means_no_limit() {
        let mut r = RateLimiter::new(0.0, 1);
        let t0 = Instant::now();
        assert!((0..1000).all(|_| r.take("a", t0).is_ok()));
    }
}
