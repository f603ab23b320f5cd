//! # lofte-test-support
//!
//! What Lofte's tests share: [`ServiceProcess`] runs a real service binary as a child process on
//! a free port and kills it on drop; [`poll_until`] waits for an eventual effect with a deadline
//! instead of sleeping; [`NatsServer`] runs a real nats-server with JetStream. (The SMTP harness
//! will live here too.)

mod nats;
mod poll;
mod process;

pub use nats::{nats_server_binary, NatsError, NatsServer, MIN_VERSION};
pub use poll::{poll_until, PollError};
pub use process::{ServiceProcess, StartError};
