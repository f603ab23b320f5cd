//! `lofte audit who|trace|diff`: questions about the history, answered from the raw log with the
//! shared fold — who recorded what and when, which events are behind a cell's figures, and what
//! changed in the follow-up between two moments and which events changed it (the comparison is
//! proto's `report::diff`, which the auditors' web pages use too).

use std::collections::BTreeMap;

use anyhow::anyhow;
use jiff::Timestamp;
use lofte_proto::{
    date::local_date,
    envelope::Envelope,
    fold::{fold_plan, measure_events, FoldOptions, PlanSummary},
    ids::PlanId,
    report::{
        cells,
        diff::{self, Change},
    },
    upcast::Upcasters,
    Tertial,
};
use serde_json::json;

use super::audit::records;
use crate::{
    cli::{Diff, Trace, Who},
    global::Global,
};

async fn events(g: &Global, from: &Option<std::path::PathBuf>) -> anyhow::Result<Vec<Envelope>> {
    let up = Upcasters::standard();
    records(g, from)
        .await?
        .iter()
        .map(|(_, b)| Envelope::decode(b, &up).map_err(|e| anyhow!("an event does not decode: {e}")))
        .collect()
}

fn moment(s: &Option<String>, flag: &str) -> anyhow::Result<Option<Timestamp>> {
    s.as_deref().map(str::parse::<Timestamp>).transpose().map_err(|e| anyhow!("{flag}: not an RFC 3339 moment: {e}"))
}

fn summary(plan: &PlanId, events: &[Envelope], as_of: Option<Timestamp>) -> anyhow::Result<PlanSummary> {
    let today = local_date(as_of.unwrap_or_else(Timestamp::now));
    fold_plan(plan, events, &FoldOptions { as_of, today: Some(today) })
        .ok_or_else(|| anyhow!("no plan {plan} in the log (as of that moment)"))
}

fn line(e: &Envelope) -> String {
    let about = e.event.activity().map(|a| a.to_string()).unwrap_or_default();
    let t = e.event.tertial().map(|t| t.to_string()).unwrap_or_default();
    format!(
        "{:>6}  {}  {:<12} by {:<20} {:<24} {:<32} {:<8} {}",
        e.seq,
        e.recorded_at,
        e.actor,
        e.author,
        e.kind().as_str(),
        about,
        t,
        e.id
    )
}

pub async fn who(g: &Global, w: &Who) -> anyhow::Result<()> {
    let evs: Vec<Envelope> = events(g, &w.from).await?.into_iter().filter(|e| e.actor.as_str() == w.actor).collect();
    if g.json {
        println!("{}", serde_json::to_string_pretty(&evs)?);
        return Ok(());
    }
    if evs.is_empty() {
        println!("no events recorded for {}", w.actor);
    }
    for e in &evs {
        println!("{}", line(e));
    }
    Ok(())
}

pub async fn trace(g: &Global, t: &Trace) -> anyhow::Result<()> {
    let plan = PlanId::new(t.plan.as_str()).map_err(|e| anyhow!("--plan: {e}"))?;
    let tertial: Tertial = t.tertial.parse().map_err(|e| anyhow!("--tertial: {e}"))?;
    let evs = events(g, &t.from).await?;
    let s = summary(&plan, &evs, moment(&t.as_of, "--as-of")?)?;
    let a = s
        .promises
        .iter()
        .flat_map(|p| &p.activities)
        .find(|a| a.id.as_str() == t.activity)
        .ok_or_else(|| anyhow!("--activity: no activity {} in plan {plan}", t.activity))?;
    let cell = a.cells.get(&tertial).ok_or_else(|| anyhow!("--tertial: {tertial} is not a tertial of plan {plan}"))?;
    let by_id: BTreeMap<_, _> = evs.iter().map(|e| (e.id, e)).collect();
    let measures = measure_events(&plan, &evs, moment(&t.as_of, "--as-of")?);
    let figures: Vec<(String, Vec<&Envelope>)> = cell
        .provenance(measures.get(&(a.id.clone(), tertial)))
        .into_iter()
        .map(|(what, ids)| (what, ids.iter().filter_map(|id| by_id.get(id).copied()).collect()))
        .collect();
    if g.json {
        let out: Vec<_> = figures.iter().map(|(w, es)| json!({"figure": w, "events": es})).collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!("{} — {} {}", a.title, plan, tertial);
    for (what, es) in figures {
        println!("\n{what}:");
        for e in es {
            println!("{}", line(e));
        }
    }
    Ok(())
}

pub async fn diff(g: &Global, d: &Diff) -> anyhow::Result<()> {
    let plan = PlanId::new(d.plan.as_str()).map_err(|e| anyhow!("--plan: {e}"))?;
    let (from, to) = (moment(&Some(d.from.clone()), "--from")?, moment(&Some(d.to.clone()), "--to")?);
    let (Some(from), Some(to)) = (from, to) else { return Err(anyhow!("--from and --to are required")) };
    if to < from {
        return Err(anyhow!("--to must not be before --from"));
    }
    let evs = events(g, &d.from_file).await?;
    let before = summary(&plan, &evs, Some(from)).ok();
    let after = summary(&plan, &evs, Some(to))?;
    let changes: Vec<(Change, Vec<&Envelope>)> =
        diff::changes(&before.as_ref().map(|b| cells(b, None)).unwrap_or_default(), &cells(&after, None))
            .into_iter()
            .map(|c| {
                let by = diff::changed_by(&evs, &plan, from, to, &c);
                (c, by)
            })
            .collect();
    if g.json {
        let out: Vec<_> = changes
            .iter()
            .map(|(c, by)| json!({"activity": c.activity, "tertial": c.tertial, "before": c.before, "after": c.after, "events": by}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if changes.is_empty() {
        println!("no change in plan {plan} between {from} and {to}");
    }
    for (c, by) in changes {
        println!("{} {}:", c.activity, c.tertial);
        for l in &c.before {
            println!("  - {l}");
        }
        for l in &c.after {
            println!("  + {l}");
        }
        for e in by {
            println!("    by {}", line(e));
        }
    }
    Ok(())
}
