//! One module per command group.

mod amend;
mod audit;
mod demo_tokens;
mod dispatch;
mod inspect;
mod log;
mod people;
mod plan;
mod profile;
mod read;
pub mod token;
mod up;

pub use dispatch::*;
