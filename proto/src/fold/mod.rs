//! The fold: a plan's events → its tertial follow-up. One pure function, called by the projector,
//! the notifier ("who still owes what") and the auditor's replay, so the same events always give
//! the same summary, byte for byte.
//!
//! - [`apply`] resolves the log: corrections replace, retractions remove, events recorded for an
//!   approved tertial are flagged as late amendments;
//! - this module builds one [`Cell`] per activity and tertial from what remains;
//! - [`targets`] computes progress towards each target, year to date — computed, never logged;
//! - [`figure`] keeps sums of approximate figures approximate ("ca 47", "minst 18").

mod apply;
pub mod figure;
pub mod model;
mod summary;
mod targets;

pub use figure::Figure;
pub use model::*;
pub use summary::*;
