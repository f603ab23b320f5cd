//! How often sign-in links may be asked for: per address and per client, within an hour. Over
//! the limit the answer is the same page as always ("Kolla din e-post"), and no mail goes out, so
//! the limit tells nobody whether an address is known.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

const WINDOW: Duration = Duration::from_secs(3600);

/// Counts within the last hour, per key.
#[derive(Debug, Default)]
pub struct Limits {
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limits {
    /// Counts one for `key` and says whether it stays within `max` in the last hour.
    pub fn allow(&self, key: &str, max: u32, now: Instant) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget what is older than the window, everywhere, now and then.
        if seen.len() > 10_000 {
            seen.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        let q = seen.entry(key.to_owned()).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            q.pop_front();
        }
        if q.len() >= max as usize {
            return false;
        }
        q.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_max_an_hour_per_key() {
        let (l, t0) = (Limits::default(), Instant::now());
        assert!((0..3).all(|_| l.allow("a@b.se", 3, t0)));
        assert!(!l.allow("a@b.se", 3, t0));
        assert!(l.allow("c@d.se", 3, t0), "another key counts apart");
        assert!(l.allow("a@b.se", 3, t0 + WINDOW), "an hour later");
    }
}
