//! Coordinators: Påminn nu, importing a plan, the people directory.
