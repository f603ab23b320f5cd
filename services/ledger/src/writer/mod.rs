//! The single writer: it decides each append against the state left by those before it, stages
//! it ([`stage`]), and group-commits ([`commit`]) everything waiting into one sled batch and one
//! flush before answering.

mod commit;
mod stage;

pub use commit::{AppendError, AppendRequest, Appended, Record, Writer};
