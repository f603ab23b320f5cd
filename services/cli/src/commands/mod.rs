//! One module per command group.

mod plan;

use crate::cli::{Cli, Command, PlanCommand};

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Plan(PlanCommand::Import(args)) => plan::import(&cli.global, &args).await,
    }
}
