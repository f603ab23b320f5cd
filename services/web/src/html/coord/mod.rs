//! The coordinators' pages.
