//! What the auditors' pages (filled in by them) ask of the other services.

#[allow(unused_imports)]
use super::Backend;
