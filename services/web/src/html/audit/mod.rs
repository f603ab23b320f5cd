//! The auditors' pages.
