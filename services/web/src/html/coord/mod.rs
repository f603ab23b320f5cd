//! The coordinators' pages.
pub mod approve;
pub mod deadline;
pub mod import;
pub mod overview;
pub mod people;
pub mod remind;
