//! What the coordinators' actions (Påminn nu, importing a plan, the people directory) ask of the other services.

#[allow(unused_imports)]
use super::Backend;
