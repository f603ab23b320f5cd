//! `lofte people add|list|remove`: the people directory beside the log (ADR 0017), through the
//! ledger client. Every value is checked with the ledger's own parser before anything is sent.

use anyhow::anyhow;
use lofte_proto::{
    ids::PlanId,
    people::{in_old_plan_adopted, NewPerson, Person},
};
use serde_json::json;

use crate::{cli::PeopleCommand, client::Ledger, global::Global};

pub async fn run(g: &Global, cmd: &PeopleCommand) -> anyhow::Result<()> {
    let ledger = Ledger::new(g);
    let client = ledger.client();
    match cmd {
        PeopleCommand::Add { role, orgs, plans, name, email } => {
            let body = json!({"role": role, "orgs": orgs, "plans": plans, "name": name, "email": email});
            let body = serde_json::to_vec(&body)?;
            let new = NewPerson::parse(&body).map_err(|e| anyhow!("--{}: {}", option(&e.field), e.message))?;
            let (p, created) = client.add_person(&new).await.map_err(|e| anyhow!("{e}"))?;
            if g.json {
                println!("{}", serde_json::to_string_pretty(&p)?);
            } else if created {
                println!("added {} as {}", p.described(), p.id);
            } else {
                println!("already in the directory as {}", p.id);
            }
        }
        PeopleCommand::List { org } => {
            let people: Vec<Person> = client
                .people()
                .await
                .map_err(|e| anyhow!("{e}"))?
                .into_iter()
                .filter(|p| org.as_ref().is_none_or(|o| p.orgs.iter().any(|x| x.as_str() == o)))
                .collect();
            if g.json {
                println!("{}", serde_json::to_string_pretty(&people)?);
                return Ok(());
            }
            for p in &people {
                let email = p.email.as_ref().map_or("-", |e| e.as_str());
                println!("{}  {:<52} {email}", p.id, p.described());
            }
            if people.is_empty() {
                println!("no one in the directory{}", org.as_ref().map_or(String::new(), |o| format!(" for {o}")));
            }
        }
        PeopleCommand::Import { from } => {
            let (mut named, mut added) = (0, 0);
            for (seq, bytes) in super::audit::records(g, from).await? {
                let v: serde_json::Value =
                    serde_json::from_slice(&bytes).map_err(|e| anyhow!("event {seq} is not JSON: {e}"))?;
                if v["kind"] != "plan_adopted" || v["schema"].as_u64() != Some(1) {
                    continue;
                }
                let Some(plan) = v["plan"].as_str().and_then(|p| PlanId::new(p).ok()) else { continue };
                for p in in_old_plan_adopted(&plan, &v["data"]) {
                    named += 1;
                    added += usize::from(client.add_person(&p).await.map_err(|e| anyhow!("{}: {e}", p.email))?.1);
                }
            }
            if g.json {
                println!("{}", json!({"named": named, "added": added}));
            } else {
                println!("{named} people named by plans adopted before the directory; {added} added now");
            }
        }
        PeopleCommand::Remove { id } => {
            let p = client.erase_person(id).await.map_err(|e| anyhow!("{e}"))?;
            if g.json {
                println!("{}", serde_json::to_string_pretty(&p)?);
            } else {
                println!("erased {id}: now {}", p.described());
            }
        }
    }
    Ok(())
}

/// The option a body field comes from: `orgs[0]` → `org`.
fn option(field: &str) -> String {
    let base = field.split('[').next().unwrap_or(field);
    match base {
        "orgs" => "org".into(),
        "plans" => "plan".into(),
        other => other.replace('_', "-"),
    }
}
