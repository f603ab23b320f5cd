//! Coordinators: Översikt, approving a tertial, deadlines.
