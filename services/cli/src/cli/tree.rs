//! The command tree: the top-level commands and the small groups; larger groups have files of
//! their own.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::{audit::*, record::*};

/// Lofte: record what the partners of a medborgarlöfte do, follow it up every tertial, and audit
/// the history.
#[derive(Debug, Parser)]
#[command(name = "lofte", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes. Unset values come from the environment, then the config profile
/// (see `profile`), then the defaults.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The ledger's base URL [env: LOFTE_LEDGER_URL; profile; default: http://127.0.0.1:7410].
    #[arg(long, global = true, env = "LOFTE_LEDGER_URL", hide_env = true)]
    pub ledger: Option<String>,
    /// The projector's base URL [env: LOFTE_PROJECTOR_URL; profile; default: http://127.0.0.1:7420].
    #[arg(long, global = true, env = "LOFTE_PROJECTOR_URL", hide_env = true)]
    pub projector: Option<String>,
    /// The profile of the config file to use [env: LOFTE_PROFILE; default: the file's `default`].
    #[arg(long, global = true, env = "LOFTE_PROFILE", hide_env = true)]
    pub profile: Option<String>,
    /// The config file with the profiles [env: LOFTE_CONFIG; default: ~/.config/lofte/config.toml].
    #[arg(long, global = true, env = "LOFTE_CONFIG", hide_env = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Plans: import a plan file.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Reporters: record what happened under an activity.
    Log(LogArgs),
    /// Reporters: your organisation's part of an activity's tertial follow-up is done.
    Submit(FollowUp),
    /// Coordinators: approve and lock a tertial's follow-up.
    Approve(Approve),
    /// Coordinators: which organisation still owes which follow-up.
    Pending(PlanTertial),
    /// The published follow-up report.
    Report(ReportArgs),
    /// Correct an earlier record: give only the values that change.
    Correct(Correct),
    /// Withdraw an earlier record; it no longer counts.
    Retract(Retract),
    /// The whole stack on this machine with the sample plans; Ctrl-C stops it. Run from the
    /// repository root (deploy/run installs nats-server and builds first).
    Up(Up),
    /// Coordinators: set a tertial's follow-up due date.
    #[command(subcommand)]
    Deadline(DeadlineCommand),
    /// Print shell completions: lofte completions bash > ~/.local/share/bash-completion/completions/lofte
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Coordinators: the people directory — who reports for which organisation, who coordinates.
    #[command(subcommand)]
    People(PeopleCommand),
    /// Operators: bearer tokens (stored as hashes in the services' tokens file).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Which services and profile the commands use, and where each setting came from.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Auditors: export, verify and replay the log without trusting the services.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Debug, Args)]
pub struct Up {
    /// Where everything keeps its data; run again on the same directory to resume.
    #[arg(long, default_value = "var")]
    pub data_dir: PathBuf,
    /// The plan files to import.
    #[arg(long, default_value = "deploy/plans")]
    pub plans: PathBuf,
    /// Sample events to load (*.jsonl, one POST /v1/events body per line), if the folder exists.
    #[arg(long, default_value = "deploy/events")]
    pub events: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; it is printed once and only its hash is kept. With --profile NAME it is
    /// also saved as that profile of the config file (with --ledger and --projector, if given),
    /// e.g. lofte token create --role reporter --org brottsofferjouren --profile reporter-boj.
    Create {
        /// reporter, coordinator, auditor or service.
        #[arg(long)]
        role: String,
        /// The organisation a reporter reports for (reporters only), e.g. polisen.
        #[arg(long)]
        org: Option<String>,
        /// Who holds it (kept in the file for people reading it).
        #[arg(long)]
        name: Option<String>,
        /// A service token that may record on behalf of people of the directory, as their role
        /// allows (the web application's, ADR 0019). Service tokens only.
        #[arg(long)]
        delegate: bool,
        /// The services' tokens file.
        #[arg(long, env = "LOFTE_TOKENS_FILE", default_value = "var/tokens.toml")]
        tokens_file: PathBuf,
    },
    /// List the tokens (ids, roles, organisations; never the tokens).
    List {
        /// The services' tokens file.
        #[arg(long, env = "LOFTE_TOKENS_FILE", default_value = "var/tokens.toml")]
        tokens_file: PathBuf,
    },
    /// Revoke a token by its id; the services stop accepting it within a second.
    Revoke {
        /// The token's id (lofte token list).
        id: String,
        /// The services' tokens file.
        #[arg(long, env = "LOFTE_TOKENS_FILE", default_value = "var/tokens.toml")]
        tokens_file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum PeopleCommand {
    /// Add a reporter, a coordinator or an auditor (the same person again is no error).
    Add {
        /// reporter, coordinator or auditor.
        #[arg(long)]
        role: String,
        /// An organisation they act for, e.g. polisen (repeatable).
        #[arg(long = "org", required = true)]
        orgs: Vec<String>,
        /// A plan they act in (repeatable; default: every plan of their organisations).
        #[arg(long = "plan")]
        plans: Vec<String>,
        /// Their name, e.g. "Kim Andersson".
        #[arg(long)]
        name: Option<String>,
        /// Their e-mail address; reminders and escalations go here.
        #[arg(long)]
        email: String,
    },
    /// List the directory (erased people show their role and organisations only).
    List {
        /// Only the people of this organisation.
        #[arg(long)]
        org: Option<String>,
    },
    /// Move into the directory the people of plans adopted before it existed (their
    /// plan_adopted events, schema 1, name reporters and coordinators), read from the ledger's log.
    Import {
        /// Read an export (lofte audit export) instead of the ledger's log.
        #[arg(long, value_name = "FILE")]
        from: Option<std::path::PathBuf>,
    },
    /// Erase a person's name and address (GDPR art. 17); the log is not touched.
    Remove {
        /// The person's id (lofte people list).
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Show the settings in use (the token itself is never printed).
    Show,
}

#[derive(Debug, Subcommand)]
pub enum DeadlineCommand {
    /// Set when a tertial's follow-up is due (a weekend or holiday moves to the working day before).
    Set {
        /// The plan, e.g. jonkoping-2022.
        #[arg(long)]
        plan: String,
        /// The tertial, e.g. 2022-T1.
        #[arg(long)]
        tertial: String,
        /// The due date, e.g. 2022-05-16.
        #[arg(long)]
        due: String,
        /// The coordinator's organisation.
        #[arg(long = "as", value_name = "ORG")]
        actor: String,
    },
}
