//! Authentication for every service: a bearer token is looked up by its hash in the tokens file
//! (re-read when it changes, so a new or revoked token takes effect within a second), the
//! request gets a [`Principal`], and each principal is rate-limited. Handlers decide what the
//! principal may do.
//!
//! Without a tokens file the service runs *open* (development and in-process tests): every
//! request is [`Principal::Open`] and may do everything. The binaries refuse to start open unless
//! told so (`auth.open = true`).

mod bearer;
mod rate;
mod whoami;

pub use bearer::*;
pub use rate::RateLimiter;
pub use whoami::{whoami, WhoAmI, WhoAmIDoc};
