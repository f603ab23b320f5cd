//! The command tree. Each subcommand group has its own enum; add new groups here and a module
//! under `commands/`.

mod audit;
mod help;
mod record;
mod tree;

pub use audit::*;
pub use record::*;
pub use tree::*;
