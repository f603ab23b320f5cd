//! The plan model ([`model`]) and the plan state folded from the log ([`state`]).

pub mod model;
pub mod state;

pub use model::*;
pub use state::{ActivityState, PlanBook, PlanState};
