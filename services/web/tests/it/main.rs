//! `lofte-web` against the real parts: nats-server, a ledger and a projector holding Jönköping
//! 2022 with its people in the directory, a real SMTP server receiving the sign-in mail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod amend;
mod audit;
mod browser;
mod browser_audit;
mod browser_coord;
mod browser_coord_actions;
mod browser_public;
mod coord;
mod coord_actions;
mod coord_people;
mod log;
mod public;
mod signin;
mod stack;
mod submit;
mod visit;
