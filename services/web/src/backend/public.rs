//! What the public pages (no sign-in) ask of the other services.

#[allow(unused_imports)]
use super::Backend;
