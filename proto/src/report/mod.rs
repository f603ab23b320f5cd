//! The published follow-up, rendered from a [`PlanSummary`]: per promise a table
//! *Aktivitet | Tertial 1 | Tertial 2 | Tertial 3*, each cell written from the facts, then the
//! reporters' notes; open follow-ups and late amendments visible. Markdown, a printable HTML page,
//! CSV (one row per activity and tertial) and JSON. Pure, so the auditor's replay prints exactly
//! what the projector serves. [`diff`]: what changed in the follow-up between two moments, and
//! which events changed it.

mod cell;
pub mod diff;
mod measure;
mod render;

pub use cell::{cell_lines, short_date};
pub use measure::{measure_name, target_words, unit};
pub use render::*;
