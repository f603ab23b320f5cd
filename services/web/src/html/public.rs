//! The public pages.
