//! What the coordinators' pages ask of the other services.

#[allow(unused_imports)]
use super::Backend;
