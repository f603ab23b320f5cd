//! # lofte-test-support
//!
//! What Lofte's tests share: [`ServiceProcess`] runs a real service binary as a child process on
//! a free port and kills it on drop; [`poll_until`] waits for an eventual effect with a deadline
//! instead of sleeping. (The nats-server and SMTP harnesses will live here too.)

mod poll;
mod process;

pub use poll::{poll_until, PollError};
pub use process::{ServiceProcess, StartError};
