//! The fold: a plan's events → its tertial follow-up. One pure function, called by the projector,
//! the notifier ("who still owes what") and the auditor's replay, so the same events always give
//! the same summary, byte for byte.
//!
//! - [`apply`] resolves the log, one event at a time: corrections replace, retractions remove, events recorded for an
//!   approved tertial are flagged as late amendments;
//! - this module builds one [`Cell`] per activity and tertial from what remains;
//! - [`targets`] computes progress towards each target, year to date — computed, never logged;
//! - [`measures`] keeps counted measures as sums ([`tally`]), not event by event;
//! - [`kept`] is the fold brought forward as events arrive ([`PlanFold`]), what a projector keeps;
//! - [`figure`] keeps sums of approximate figures approximate ("ca 47", "minst 18").

mod apply;
pub mod figure;
mod kept;
mod measures;
pub mod model;
mod provenance;
mod summary;
mod tally;
mod targets;

pub use apply::{Missing, Past};
pub use figure::Figure;
pub use kept::{PlanFold, Slice};
pub use model::*;
pub use provenance::{measure_events, MeasureEvents};
pub use summary::*;
