//! Arguments of `lofte audit …`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use lofte_service::{nats::NatsConnection, secret::Secret};

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
    /// The plan, e.g. jonkoping-2022.
    #[arg(long)]
    pub plan: String,
    /// The activity, e.g. fotpatrullering.
    #[arg(long)]
    pub activity: String,
    /// The tertial, e.g. 2022-T1.
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
    /// The plan, e.g. jonkoping-2022.
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
    /// NATS user; the password comes from LOFTE_NATS_PASSWORD.
    #[arg(long, env = "LOFTE_NATS_USER", requires = "nats_password")]
    pub nats_user: Option<String>,
    /// NATS password. Prefer the environment variable: a flag's value is visible to every user
    /// of the machine (ps).
    #[arg(long, env = "LOFTE_NATS_PASSWORD", hide_env_values = true, requires = "nats_user")]
    pub nats_password: Option<Secret>,
    /// A NATS .creds file (user JWT and nkey seed), instead of user and password.
    #[arg(long, env = "LOFTE_NATS_CREDS", conflicts_with = "nats_user")]
    pub nats_creds: Option<PathBuf>,
    /// The CA certificate (PEM) the NATS servers' certificates are checked against; TLS is then
    /// required.
    #[arg(long, env = "LOFTE_NATS_CA")]
    pub nats_ca: Option<PathBuf>,
}

impl VerifyArgs {
    /// The connection `--nats` and its credentials describe.
    pub fn nats_connection(&self) -> Option<NatsConnection> {
        let url = self.nats.clone()?;
        let mut c = NatsConnection::new(url);
        c.user = self.nats_user.clone();
        c.password = self.nats_password.clone();
        c.creds_file = self.nats_creds.clone();
        c.tls.ca_file = self.nats_ca.clone();
        Some(c)
    }
}

#[derive(Debug, Args)]
pub struct Replay {
    /// The plan, e.g. jonkoping-2022.
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

#[derive(Debug, Args)]
pub struct Approve {
    /// The plan, e.g. jonkoping-2022.
    #[arg(long)]
    pub plan: String,
    /// The tertial, e.g. 2022-T1.
    #[arg(long)]
    pub tertial: String,
    /// The coordinator's organisation.
    #[arg(long = "as", value_name = "ORG")]
    pub actor: String,
}

#[derive(Debug, Args)]
pub struct PlanTertial {
    /// The plan, e.g. jonkoping-2022.
    #[arg(long)]
    pub plan: String,
    /// The tertial, e.g. 2022-T1.
    #[arg(long)]
    pub tertial: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The plan, e.g. jonkoping-2022.
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
