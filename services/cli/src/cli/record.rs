//! Arguments of the commands that record: `log <kind>`, `submit`, `correct`, `retract`.

use clap::{Args, Subcommand};

/// Which plan, activity and organisation a record is about.
/// A workshop or a training: when, what it is called, where, how many took part.
#[derive(Debug, Args)]
pub struct Occasion {
    #[command(flatten)]
    pub target: Target,
    /// When: 2024-01-13, a range 2024-04-15..2024-04-16, or separate days of one entry
    /// 2024-10-03,2024-10-17.
    #[arg(long)]
    pub date: String,
    /// What it is called.
    #[arg(long)]
    pub title: String,
    /// The plan's area, e.g. raslatt.
    #[arg(long)]
    pub area: Option<String>,
    /// How many took part: 35, "ca 35", "ett 20-tal", "15-20".
    #[arg(long)]
    pub participants: Option<String>,
}

#[derive(Debug, Args)]
pub struct Target {
    /// The plan, e.g. jonkoping-2022.
    #[arg(long)]
    pub plan: String,
    /// The activity, e.g. fotpatrullering.
    #[arg(long)]
    pub activity: String,
    /// The organisation you report for, e.g. polisen (default: your reporter token's).
    #[arg(long)]
    pub actor: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    #[command(subcommand)]
    pub kind: LogKind,
}

/// What happened. Dates are local: 2024-01-13, a range 2024-04-15..2024-04-16, or separate days of
/// one entry 2024-10-03,2024-10-17. Figures are kept as said: 35, "ca 35", "ett 20-tal", "15-20",
/// "minst 8".
#[derive(Debug, Subcommand)]
pub enum LogKind {
    /// A citizen dialogue.
    Dialogue {
        #[command(flatten)]
        target: Target,
        /// When: 2024-01-13, a range 2024-04-15..2024-04-16, or separate days of one entry
        /// 2024-10-03,2024-10-17.
        #[arg(long)]
        date: String,
        /// Where, e.g. Österängens bibliotek (leave out when the dialogue had no one place).
        #[arg(long)]
        place: Option<String>,
        /// What it was about.
        #[arg(long)]
        topic: String,
        /// The plan's area, e.g. raslatt.
        #[arg(long)]
        area: Option<String>,
        /// How many took part: 35, "ca 35", "ett 20-tal", "15-20".
        #[arg(long)]
        participants: Option<String>,
    },
    /// A meeting (SSG, BOS, samverkansmöte, …).
    Meeting {
        #[command(flatten)]
        target: Target,
        /// When: 2024-01-13, a range 2024-04-15..2024-04-16, or separate days of one entry
        /// 2024-10-03,2024-10-17.
        #[arg(long)]
        date: String,
        /// What it is called.
        #[arg(long)]
        title: Option<String>,
        /// Where, e.g. Österängens bibliotek.
        #[arg(long)]
        place: Option<String>,
        /// The plan's area, e.g. raslatt.
        #[arg(long)]
        area: Option<String>,
        /// How many took part: 35, "ca 35", "ett 20-tal", "15-20".
        #[arg(long)]
        participants: Option<String>,
    },
    /// A workshop.
    Workshop(Occasion),
    /// A training given.
    Training(Occasion),
    /// Something counted: foot patrols, traffic controls, drug offences (with --sub first_time=K).
    Measure {
        #[command(flatten)]
        target: Target,
        /// When: 2024-01-13, a range 2024-04-15..2024-04-16, or separate days of one entry
        /// 2024-10-03,2024-10-17.
        #[arg(long)]
        date: String,
        /// What is counted: the target's metric, e.g. fotpatrullering.
        #[arg(long)]
        metric: String,
        /// How many: 312, "ca 35", "minst 8", "15-20".
        #[arg(long, allow_negative_numbers = true)]
        count: String,
        /// Hours spent, e.g. 96 or 12.5.
        #[arg(long, allow_negative_numbers = true)]
        hours: Option<f64>,
        /// The plan's area, e.g. raslatt.
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
        /// When: 2024-01-13, a range 2024-04-15..2024-04-16, or separate days of one entry
        /// 2024-10-03,2024-10-17.
        #[arg(long)]
        date: String,
        /// The plan's area, e.g. raslatt.
        #[arg(long)]
        area: String,
        /// The days it covers: 2024-01-01..2024-01-31.
        #[arg(long)]
        period: String,
    },
    /// A milestone reached.
    Milestone {
        #[command(flatten)]
        target: Target,
        /// When: 2024-01-13, a range 2024-04-15..2024-04-16, or separate days of one entry
        /// 2024-10-03,2024-10-17.
        #[arg(long)]
        date: String,
        /// What it is called.
        #[arg(long)]
        title: String,
    },
    /// The activity's status in a tertial: none, planned, ongoing, done, postponed (with --until), cancelled.
    Status {
        #[command(flatten)]
        target: Target,
        /// The tertial, e.g. 2024-T1.
        #[arg(long)]
        tertial: String,
        /// none, planned, ongoing, done, postponed or cancelled.
        #[arg(long)]
        status: String,
        /// With postponed: the day or month it is moved to: 2025-01-31, 2025-01 or "januari 2025".
        #[arg(long)]
        until: Option<String>,
        /// A note for the tertial's cell.
        #[arg(long)]
        note: Option<String>,
    },
    /// The text you want in the tertial's cell.
    Note {
        #[command(flatten)]
        target: Target,
        /// The tertial, e.g. 2024-T1.
        #[arg(long)]
        tertial: String,
        /// The text, in Swedish, as it should read in the report.
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
            | LogKind::Workshop(Occasion { target, .. })
            | LogKind::Training(Occasion { target, .. })
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
    /// The tertial, e.g. 2024-T1.
    #[arg(long)]
    pub tertial: String,
}

#[derive(Debug, Args)]
pub struct Correct {
    /// The id of the record to correct.
    pub event: String,
    /// Why (kept in the log).
    #[arg(long)]
    pub reason: String,
    /// When: 2024-01-13, a range 2024-04-15..2024-04-16, or separate days 2024-10-03,2024-10-17.
    #[arg(long)]
    pub date: Option<String>,
    /// How many: 312, "ca 35", "minst 8", "15-20".
    #[arg(long, allow_negative_numbers = true)]
    pub count: Option<String>,
    /// Hours spent, e.g. 96 or 12.5.
    #[arg(long, allow_negative_numbers = true)]
    pub hours: Option<f64>,
    /// The plan's area, e.g. raslatt.
    #[arg(long)]
    pub area: Option<String>,
    /// Where, e.g. Österängens bibliotek.
    #[arg(long)]
    pub place: Option<String>,
    /// What it was about.
    #[arg(long)]
    pub topic: Option<String>,
    /// What it is called.
    #[arg(long)]
    pub title: Option<String>,
    /// How many took part: 35, "ca 35", "ett 20-tal", "15-20".
    #[arg(long)]
    pub participants: Option<String>,
    /// The text, in Swedish, as it should read in the report.
    #[arg(long)]
    pub text: Option<String>,
    /// none, planned, ongoing, done, postponed or cancelled.
    #[arg(long)]
    pub status: Option<String>,
    /// With postponed: the day or month it is moved to: 2025-01-31, 2025-01 or "januari 2025".
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
