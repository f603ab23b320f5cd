//! Runs the parsed command line: each command to the module that carries it out.

use serde_json::json;

use clap::CommandFactory;

use super::{amend, audit, inspect, log, people, plan, profile, read, token, up};
use crate::{
    cli::{AuditCommand, Cli, Command, DeadlineCommand, PlanCommand, ProfileCommand},
    global::Global,
};

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Completions { shell } = &cli.command {
        clap_complete::generate(*shell, &mut Cli::command(), "lofte", &mut std::io::stdout());
        return Ok(());
    }
    if let Command::Token(t) = &cli.command {
        return token::run(t, &cli.global);
    }
    let g = &Global::resolve(&cli.global)?;
    match &cli.command {
        Command::Plan(PlanCommand::Import(args)) => plan::import(g, args).await,
        Command::Plan(PlanCommand::Show { plan }) => plan::show(g, plan).await,
        Command::Deadline(DeadlineCommand::Set { plan, tertial, due, actor }) => {
            log::record(g, plan, actor, "deadline_set", json!({"tertial": tertial, "due": due})).await
        }
        Command::Up(u) => up::up(g, u).await,
        Command::Completions { .. } | Command::Token(_) => Ok(()),
        Command::Profile(ProfileCommand::Show) => profile::show(g, &cli.global),
        Command::Log(args) => log::log(g, args).await,
        Command::People(cmd) => people::run(g, cmd).await,
        Command::Submit(f) => {
            let data = json!({"activity": f.target.activity, "tertial": f.tertial});
            let actor = log::actor_of(g, f.target.actor.as_deref()).await?;
            log::record(g, &f.target.plan, &actor, "follow_up_submitted", data).await
        }
        Command::Approve(a) => {
            log::record(g, &a.plan, &a.actor, "follow_up_approved", json!({"tertial": a.tertial})).await
        }
        Command::Pending(p) => read::pending(g, p).await,
        Command::Report(r) => read::report(g, r).await,
        Command::Correct(c) => amend::correct(g, c).await,
        Command::Retract(r) => amend::retract(g, r).await,
        Command::Audit(AuditCommand::Export(a)) => audit::export(g, a).await,
        Command::Audit(AuditCommand::Verify(a)) => audit::verify(g, a).await,
        Command::Audit(AuditCommand::Replay(a)) => audit::replay(g, a).await,
        Command::Audit(AuditCommand::Who(w)) => inspect::who(g, w).await,
        Command::Audit(AuditCommand::Trace(t)) => inspect::trace(g, t).await,
        Command::Audit(AuditCommand::Diff(d)) => inspect::diff(g, d).await,
    }
}
