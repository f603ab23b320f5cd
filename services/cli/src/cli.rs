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
    /// The projector's base URL.
    #[arg(long, global = true, env = "LOFTE_PROJECTOR_URL", default_value = "http://127.0.0.1:7420")]
    pub projector: String,
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
    Completions { shell: clap_complete::Shell },
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
pub enum DeadlineCommand {
    /// Set when a tertial's follow-up is due (a weekend or holiday moves to the working day before).
    Set {
        #[arg(long)]
        plan: String,
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

#[derive(Debug, Args)]
pub struct Correct {
    /// The id of the record to correct.
    pub event: String,
    /// Why (kept in the log).
    #[arg(long)]
    pub reason: String,
    #[arg(long)]
    pub date: Option<String>,
    #[arg(long)]
    pub count: Option<String>,
    #[arg(long)]
    pub hours: Option<f64>,
    #[arg(long)]
    pub area: Option<String>,
    #[arg(long)]
    pub place: Option<String>,
    #[arg(long)]
    pub topic: Option<String>,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub participants: Option<String>,
    #[arg(long)]
    pub text: Option<String>,
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub until: Option<String>,
}

#[derive(Debug, Args)]
pub struct Retract {
    /// The id of the record to withdraw.
    pub event: String,
    /// Why (kept in the log).
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Stream the ledger's log as JSON lines (resumable with --after).
    Export(Export),
    /// Walk the chain here: canonical bytes, gapless seq, prev_hash links, recomputed hashes.
    Verify(VerifyArgs),
    /// Rebuild a plan's report from the log or an export file with the shared fold.
    Replay(Replay),
    /// Who recorded what, when, for an organisation.
    Who(Who),
    /// The events behind each figure of an activity's tertial cell.
    Trace(Trace),
    /// What changed in a plan's follow-up between two moments, and which events changed it.
    Diff(Diff),
}

#[derive(Debug, Args)]
pub struct Who {
    /// The organisation, e.g. polisen.
    #[arg(long)]
    pub actor: String,
    /// An export file instead of the ledger.
    #[arg(long)]
    pub from: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct Trace {
    #[arg(long)]
    pub plan: String,
    #[arg(long)]
    pub activity: String,
    #[arg(long)]
    pub tertial: String,
    /// What was known at this moment (RFC 3339).
    #[arg(long)]
    pub as_of: Option<String>,
    /// An export file instead of the ledger.
    #[arg(long)]
    pub from: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct Diff {
    #[arg(long)]
    pub plan: String,
    /// The earlier moment (RFC 3339).
    #[arg(long)]
    pub from: String,
    /// The later moment (RFC 3339).
    #[arg(long)]
    pub to: String,
    /// An export file instead of the ledger.
    #[arg(long = "file")]
    pub from_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct Export {
    /// Only events after this seq.
    #[arg(long, default_value_t = 0)]
    pub after: u64,
    /// Append to this file instead of printing.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// An export file instead of the ledger.
    #[arg(long)]
    pub from: Option<PathBuf>,
    /// Also compare with the copy in NATS JetStream: every event once, with the same hash.
    #[arg(long, env = "LOFTE_NATS_URL")]
    pub nats: Option<String>,
    /// The stream to compare with.
    #[arg(long, default_value = "LOFTE")]
    pub stream: String,
}

#[derive(Debug, Args)]
pub struct Replay {
    #[arg(long)]
    pub plan: String,
    /// Columns up to this tertial.
    #[arg(long)]
    pub tertial: Option<String>,
    /// What was known at this moment (RFC 3339).
    #[arg(long)]
    pub as_of: Option<String>,
    /// md, html, csv or json.
    #[arg(long, default_value = "md")]
    pub format: String,
    /// An export file instead of the ledger.
    #[arg(long)]
    pub from: Option<PathBuf>,
}

/// Which plan, activity and organisation a record is about.
#[derive(Debug, Args)]
pub struct Target {
    /// The plan, e.g. jonkoping-2022.
    #[arg(long)]
    pub plan: String,
    /// The activity, e.g. fotpatrullering.
    #[arg(long)]
    pub activity: String,
    /// The organisation you report for, e.g. polisen.
    #[arg(long)]
    pub actor: String,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    #[command(subcommand)]
    pub kind: LogKind,
}

/// What happened. Dates are local: 2024-01-13, or a range 2024-04-15..2024-04-16. Figures may be
/// approximate: 35, "ca 35", "ett 20-tal", "15-20", "minst 8".
#[derive(Debug, Subcommand)]
pub enum LogKind {
    /// A citizen dialogue.
    Dialogue {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        date: String,
        #[arg(long)]
        place: String,
        #[arg(long)]
        topic: String,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        participants: Option<String>,
    },
    /// A meeting (SSG, BOS, samverkansmöte, …).
    Meeting {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        date: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        participants: Option<String>,
    },
    /// A workshop.
    Workshop {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        date: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        participants: Option<String>,
    },
    /// A training given.
    Training {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        date: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        participants: Option<String>,
    },
    /// Something counted: foot patrols, traffic controls, drug offences (with --sub first_time=K).
    Measure {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        date: String,
        #[arg(long)]
        metric: String,
        #[arg(long)]
        count: String,
        #[arg(long)]
        hours: Option<f64>,
        #[arg(long)]
        area: Option<String>,
        /// A sub-count, NAME=COUNT (repeatable).
        #[arg(long)]
        sub: Vec<String>,
    },
    /// A situation picture (lägesbild) for an area and the days it covers.
    Lagesbild {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        date: String,
        #[arg(long)]
        area: String,
        #[arg(long)]
        period: String,
    },
    /// A milestone reached.
    Milestone {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        date: String,
        #[arg(long)]
        title: String,
    },
    /// The activity's status in a tertial: none, planned, ongoing, done, postponed (with --until), cancelled.
    Status {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        tertial: String,
        #[arg(long)]
        status: String,
        #[arg(long)]
        until: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// The text you want in the tertial's cell.
    Note {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        tertial: String,
        #[arg(long)]
        text: String,
    },
}

impl LogKind {
    /// The plan, activity and organisation the record is about.
    pub fn target(&self) -> &Target {
        match self {
            LogKind::Dialogue { target, .. }
            | LogKind::Meeting { target, .. }
            | LogKind::Workshop { target, .. }
            | LogKind::Training { target, .. }
            | LogKind::Measure { target, .. }
            | LogKind::Lagesbild { target, .. }
            | LogKind::Milestone { target, .. }
            | LogKind::Status { target, .. }
            | LogKind::Note { target, .. } => target,
        }
    }
}

#[derive(Debug, Args)]
pub struct FollowUp {
    #[command(flatten)]
    pub target: Target,
    /// The tertial, e.g. 2022-T1.
    #[arg(long)]
    pub tertial: String,
}

#[derive(Debug, Args)]
pub struct Approve {
    #[arg(long)]
    pub plan: String,
    #[arg(long)]
    pub tertial: String,
    /// The coordinator's organisation.
    #[arg(long = "as", value_name = "ORG")]
    pub actor: String,
}

#[derive(Debug, Args)]
pub struct PlanTertial {
    #[arg(long)]
    pub plan: String,
    #[arg(long)]
    pub tertial: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(long)]
    pub plan: String,
    /// Columns up to this tertial, e.g. 2022-T1.
    #[arg(long)]
    pub tertial: Option<String>,
    /// md, html, csv or json.
    #[arg(long, default_value = "md")]
    pub format: String,
    /// What was known at this moment (RFC 3339).
    #[arg(long)]
    pub as_of: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Show a plan as the ledger's log has it: organisations, areas, promises, activities,
    /// targets and each tertial's follow-up due date.
    Show {
        /// The plan, e.g. jonkoping-2022.
        plan: String,
    },
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
