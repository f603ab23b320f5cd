//! Deciding: is this command acceptable against the plan's current state, and which stream does
//! its event belong to? Pure and synchronous — given(events) / when(command) / then(stream or
//! rejection) — so the rules are tested without sled or HTTP.

mod decision;
mod facts;
mod occurrence;
mod plan;
mod rejection;

pub(crate) use decision::within_plan;
pub use decision::{activity_stream, decide, plan_stream, Decision};
pub use facts::{EventFacts, Facts, MemoryFacts};
pub use rejection::Rejection;
pub(crate) use rejection::{not_involved, reject};
