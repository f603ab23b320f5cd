//! The TOML plan file: a whole medborgarlöfte written down once — organisations, areas,
//! promises, activities with their targets, and the tertial deadlines — and its translation into
//! the plan events that adopt it (`lofte plan import FILE`).
//!
//! ```toml
//! [plan]
//! id = "jonkoping-2022"
//! title = "Medborgarlöfte 2022"
//! municipality = "Jönköpings kommun"
//! police_area = "Lokalpolisområde Södra Vätterbygden"
//! period = "2022-01-01..2022-12-31"
//!
//! [[actors]]
//! id = "polisen"
//! name = "Polisen"
//! reporters = ["kommunpolis@polisen.example"]
//!
//! [[coordinators]]
//! name = "Kommunpolis"
//! email = "kommunpolis@polisen.example"
//! org = "polisen"
//!
//! [[areas]]
//! id = "raslatt"
//! name = "Råslätt"
//!
//! [[promises]]
//! id = "lagesbild"
//! title = "Arbeta utifrån den lokala lägesbilden"
//!
//! [[activities]]
//! id = "fotpatrullering"
//! promise = "lagesbild"
//! title = "Polisen ska fotpatrullera"
//! lead = "polisen"
//! areas = ["raslatt"]
//!
//!   [[activities.targets]]
//!   id = "fotpatrullering"
//!   metric = "fotpatrullering"
//!   text = "minst 800 registrerade tillfällen"
//!   at_least = 800
//!   each_area = true
//!
//! [[deadlines]]
//! tertial = "2022-T1"
//! due = "2022-05-16"
//! ```
//!
//! [`parse`] reads and checks a file; [`PlanFile::events`] yields `plan_adopted`, then one
//! `activity_added` per activity, one `target_set` per target and one `deadline_set` per
//! deadline. Every key, default and rule is described in `docs/plan-format.md`.

mod check;
mod error;
mod file;
mod raw;
mod target;
#[cfg(test)]
mod tests;

pub use error::PlanFileError;
pub use file::{parse, PlanFile};
