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

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match commands::run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lofte: {e:#}");
            ExitCode::FAILURE
        }
    }
}
