//! `lofte`: the command line for reporters, coordinators and auditors.
//!
//! `cli` declares the commands (clap), `commands/` holds one module per command group, `client`
//! talks to the services over HTTP and turns their problem+json answers into one clear line.
//! Errors end the program with one line on stderr and a non-zero exit.

mod cli;
mod client;
mod commands;
mod global;
mod profile;
mod progress;

use std::process::ExitCode;

use clap::Parser;

/// A reader that goes away (`lofte audit who … | head`) ends the program quietly: printing to a
/// closed pipe panics in Rust, and that panic is no error of the user's.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload.downcast_ref::<String>().map(String::as_str).or(payload.downcast_ref::<&str>().copied());
        if msg.is_some_and(|m| m.contains("Broken pipe")) {
            std::process::exit(0);
        }
        default(info);
    }));
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    quiet_on_broken_pipe();
    let args = cli::Cli::parse();
    match commands::run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lofte: {e:#}");
            ExitCode::FAILURE
        }
    }
}
