//! `lofte plan import FILE`: check a plan file whole, then record its events in order and put the
//! people it names into the people directory beside the log (ADR 0017; the events name
//! organisations only). Each event carries an idempotency key derived from its content and the
//! directory knows a person again by address and role, so importing the same file again records
//! nothing new, and an import cut short can simply be run again.

use anyhow::{anyhow, Context};
use lofte_proto::{
    chain::canonical,
    command::new_event,
    ids::OrgId,
    planfile::{self, PlanFile},
    Hash, NewEvent,
};
use serde_json::{json, Value};

use crate::{
    cli::ImportArgs,
    client::{Ledger, Outcome},
    global::Global,
};

/// The plan is on the ledger already, adopted with other content.
#[derive(Debug, thiserror::Error)]
#[error(
    "plan {plan} already exists on {ledger} with other content; change it with amendments \
     (activity_amended, target_set, plan_extended), see docs/plan-format.md"
)]
pub struct PlanExists {
    pub plan: String,
    pub ledger: String,
}

/// The idempotency key of one plan event: the plan and a hash of the event's content.
fn key_of(plan: &str, event: &NewEvent) -> String {
    let v = serde_json::to_value(event).unwrap_or(Value::Null);
    format!("plan-import:{plan}:{}", &Hash::of(&canonical(&v)).to_string()[..24])
}

fn describe(e: &NewEvent) -> String {
    let id = e.data.get("id").or_else(|| e.data.get("activity")).or_else(|| e.data.get("tertial"));
    match id.and_then(Value::as_str) {
        Some(id) => format!("{} {id}", e.kind),
        None => e.kind.clone(),
    }
}

pub async fn import(global: &Global, args: &ImportArgs) -> anyhow::Result<()> {
    let path = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {path}"))?;
    let plan: PlanFile = planfile::parse(&text).map_err(|e| anyhow!("{path}: {e}"))?;
    let actor = match &args.actor {
        Some(a) => OrgId::new(a.as_str()).map_err(|e| anyhow!("--as {a:?}: {e}"))?,
        None => plan
            .adopted()
            .coordinators
            .first()
            .map(|c| c.org.clone())
            .ok_or_else(|| anyhow!("{path}: the plan names no coordinator; pass --as ORG"))?,
    };
    let id = plan.plan_id().clone();
    let events: Vec<NewEvent> = plan.events().iter().map(|e| new_event(&id, &actor, e)).collect();

    if args.dry_run {
        if global.json {
            println!("{}", serde_json::to_string_pretty(&json!({"plan": id, "actor": actor, "events": events}))?);
        } else {
            println!("{path}: plan {id} is valid; importing it would record {} events as {actor}:", events.len());
            for e in &events {
                println!("  {}", describe(e));
            }
            println!("and put {} people into the people directory", plan.people().len());
        }
        return Ok(());
    }

    let ledger = Ledger::new(global);
    let (mut created, mut existing) = (0usize, 0usize);
    let mut recorded = Vec::with_capacity(events.len());
    let bar = crate::progress::bar("plan events", events.len() as u64);
    for (i, e) in events.iter().enumerate() {
        let outcome = ledger.append(e, &key_of(id.as_str(), e)).await?;
        bar.inc(1);
        let ev = match outcome {
            Ok(Outcome::Created(ev)) => {
                created += 1;
                ev
            }
            Ok(Outcome::Existing(ev)) => {
                existing += 1;
                ev
            }
            Err(r) if r.code == "plan-exists" => {
                return Err(PlanExists { plan: id.to_string(), ledger: ledger.url().to_owned() }.into())
            }
            Err(r) => {
                return Err(anyhow!(
                    "{path}: event {} of {} ({}) refused by the ledger: {r}; {created} events were recorded \
                     before it and the import can be run again once fixed",
                    i + 1,
                    events.len(),
                    describe(e)
                ))
            }
        };
        recorded.push(json!({"seq": ev["seq"], "id": ev["id"], "kind": ev["kind"]}));
    }
    bar.finish_and_clear();
    let mut added = 0;
    for p in plan.people() {
        let (_, new) = ledger.client().add_person(p).await.map_err(|e| {
            anyhow!(
                "{path}: the plan's events are recorded, but {} could not be put into the people directory: {e}",
                p.email
            )
        })?;
        added += usize::from(new);
    }
    let people = plan.people().len();
    if global.json {
        let out = json!({"plan": id, "ledger": ledger.url(), "created": created, "existing": existing, "events": recorded,
            "people": {"named": people, "added": added}});
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "plan {id}: {} events on {} ({created} recorded now, {existing} already there); {people} people in the directory ({added} added now)",
            events.len(),
            ledger.url()
        );
    }
    Ok(())
}

/// `lofte plan show P`: the plan folded from the ledger's log.
pub async fn show(global: &Global, plan: &str) -> anyhow::Result<()> {
    use lofte_proto::{
        calendar::{due_date, ReminderPolicy},
        envelope::Envelope,
        fold::plan_tertials,
        ids::PlanId,
        plan::PlanBook,
        report::target_words,
        upcast::Upcasters,
    };
    let id = PlanId::new(plan).map_err(|e| anyhow!("{plan:?}: {e}"))?;
    let up = Upcasters::standard();
    let mut book = PlanBook::default();
    for (_, bytes) in super::audit::records(global, &None).await? {
        let e = Envelope::decode(&bytes, &up).map_err(|e| anyhow!("an event does not decode: {e}"))?;
        if e.plan == id {
            book.apply(&e.plan, &e.event, e.recorded_at);
        }
    }
    let s = book.get(&id).ok_or_else(|| anyhow!("no plan {id} on {}", global.ledger))?;
    let policy = ReminderPolicy::default();
    let dues: Vec<(String, String)> =
        plan_tertials(s).into_iter().map(|t| (t.to_string(), due_date(s, t, &policy).to_string())).collect();
    if global.json {
        let acts: Vec<Value> = s
            .activities_in_order()
            .map(|a| {
                let targets: Vec<Value> = a
                    .targets
                    .values()
                    .map(|t| json!({"target": t, "words": target_words(&s.adopted.measures, t)}))
                    .collect();
                json!({"activity": a.activity, "targets": targets})
            })
            .collect();
        let out = json!({"plan": id, "adopted": s.adopted, "period": format!("{}..{}", s.starts(), s.ends()),
            "activities": acts, "due": dues.iter().map(|(t, d)| json!({"tertial": t, "due": d})).collect::<Vec<_>>(),
            "approved": s.approved.keys().map(|t| t.to_string()).collect::<Vec<_>>()});
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!("{} ({id}) — {}, {}", s.adopted.title, s.adopted.municipality, s.adopted.police_area);
    println!("Period: {}..{}", s.starts(), s.ends());
    println!("\nOrganisations:");
    for a in s.actors.values() {
        let coordinates = if s.coordinators.iter().any(|c| c.org == a.id) { "  (samordnar)" } else { "" };
        println!("  {:<12} {}{coordinates}", a.id, a.name);
    }
    println!("Who reports and coordinates: lofte people list");
    for p in &s.adopted.promises {
        println!("\n➤ {}", p.title);
        for a in s.activities_in_order().filter(|a| a.activity.promise == p.id) {
            let who = std::iter::once(a.activity.lead.to_string())
                .chain(a.activity.participants.iter().map(|o| o.to_string()));
            println!("  {:<40} {}", a.activity.id, who.collect::<Vec<_>>().join(", "));
            for t in a.targets.values() {
                println!("      mål {}: {} — {}", t.id, target_words(&s.adopted.measures, t), t.text);
            }
        }
    }
    println!("\nUppföljning senast:");
    for (t, d) in dues {
        let done = if s.approved.keys().any(|a| a.to_string() == t) { " (godkänd)" } else { "" };
        println!("  {t}  {d}{done}");
    }
    Ok(())
}
