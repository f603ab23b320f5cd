//! The command tree. Each subcommand group has its own enum; add new groups here and a module
//! under `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Lofte: record what the partners of a medborgarlöfte do, follow it up every tertial, and audit
/// the history.
#[derive(Debug, Parser)]
#[command(name = "lofte", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The ledger's base URL.
    #[arg(long, global = true, env = "LOFTE_LEDGER_URL", default_value = "http://127.0.0.1:7410")]
    pub ledger: String,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Plans: import a plan file.
    #[command(subcommand)]
    Plan(PlanCommand),
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Import a plan file (TOML, see docs/plan-format.md): records `plan_adopted`, the activities,
    /// targets and deadlines. Safe to run again: events already recorded are recognised.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The plan file, e.g. deploy/plans/jonkoping-2022.toml.
    pub file: PathBuf,
    /// The organisation recording the plan (default: the first coordinator's).
    #[arg(long = "as", value_name = "ORG")]
    pub actor: Option<String>,
    /// Check the file and list the events it would record, without sending anything.
    #[arg(long)]
    pub dry_run: bool,
}
