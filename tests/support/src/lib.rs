//! # lofte-test-support
//!
//! What Lofte's tests share: [`ServiceProcess`] runs a real service binary as a child process on
//! a free port and kills it on drop; [`poll_until`] waits for an eventual effect with a deadline
//! instead of sleeping; [`NatsServer`] runs a real nats-server with JetStream (one node or a
//! cluster, with credentials or TLS); [`SmtpServer`] runs a real SMTP server delivering into a
//! Maildir; [`Gate`] puts a service behind a gate that can be closed; [`TestPki`] makes throwaway TLS certificates; [`cpu_seconds`] reads a process's CPU
//! time for benchmarks; [`Browser`] drives a real headless Chromium over WebDriver and runs
//! axe-core in its pages.

mod browser;
mod cpu;
mod files;
mod gate;
mod nats;
mod poll;
mod process;
mod smtp;
mod tls;

pub use browser::{screenshot_dir, Browser, BrowserError, Element, Key, Violation, Widths, WCAG_TAGS};
pub use cpu::cpu_seconds;
pub use files::copy_dir;
pub use gate::Gate;
pub use nats::{nats_server_binary, NatsError, NatsServer, MIN_VERSION};
pub use poll::{poll_until, PollError};
pub use process::{ServiceProcess, StartError};
pub use smtp::{Mail, SmtpError, SmtpServer};
pub use tls::{PkiError, TestPki};
