//! `lofte log <kind>`, `lofte submit`, `lofte approve`: record what happened. Every value is
//! checked with the same parsers the ledger uses before anything is sent; each event carries an
//! idempotency key derived from its content, so running the same command twice records it once.

use anyhow::anyhow;
use lofte_proto::{
    chain::canonical,
    command::{parse_event, NewEvent},
    ids::{OrgId, PlanId},
    Hash,
};
use serde_json::{json, Map, Value};

use crate::{
    cli::{LogArgs, LogKind, Occasion},
    client::{Ledger, Outcome},
    global::Global,
};

fn put(m: &mut Map<String, Value>, k: &str, v: &Option<String>) {
    if let Some(v) = v {
        m.insert(k.to_owned(), Value::String(v.clone()));
    }
}

/// `--until` in its wire form (`2025-01`, `2025-01-31`): a Swedish month ("januari 2025") too.
pub fn wire_until(until: &str) -> anyhow::Result<String> {
    Ok(until.parse::<lofte_proto::until::Until>().map_err(|e| anyhow!("--until: {e}"))?.to_string())
}

/// The event kind and payload a `log` subcommand describes.
fn payload(kind: &LogKind) -> anyhow::Result<(&'static str, Value)> {
    let target = kind.target();
    let mut m = Map::new();
    m.insert("activity".into(), json!(target.activity));
    let kind_name = match kind {
        LogKind::Dialogue { date, place, topic, area, participants, .. } => {
            m.insert("date".into(), json!(date));
            put(&mut m, "place", place);
            m.insert("topic".into(), json!(topic));
            put(&mut m, "area", area);
            put(&mut m, "participants", participants);
            "dialogue_held"
        }
        LogKind::Meeting { date, title, place, area, participants, .. } => {
            m.insert("date".into(), json!(date));
            put(&mut m, "title", title);
            put(&mut m, "place", place);
            put(&mut m, "area", area);
            put(&mut m, "participants", participants);
            "meeting_held"
        }
        LogKind::Workshop(Occasion { date, title, area, participants, .. })
        | LogKind::Training(Occasion { date, title, area, participants, .. }) => {
            m.insert("date".into(), json!(date));
            m.insert("title".into(), json!(title));
            put(&mut m, "area", area);
            put(&mut m, "participants", participants);
            if matches!(kind, LogKind::Workshop(_)) {
                "workshop_held"
            } else {
                "training_given"
            }
        }
        LogKind::Measure { date, metric, count, hours, area, sub, .. } => {
            m.insert("date".into(), json!(date));
            m.insert("metric".into(), json!(metric));
            m.insert("count".into(), json!(count));
            if let Some(h) = hours {
                m.insert("hours".into(), json!(h));
            }
            put(&mut m, "area", area);
            if !sub.is_empty() {
                let mut subs = Map::new();
                for s in sub {
                    let (k, v) = s.split_once('=').ok_or_else(|| anyhow!("--sub {s:?}: expected NAME=COUNT"))?;
                    let n: u64 = v.parse().map_err(|_| anyhow!("--sub {s:?}: {v:?} is not a whole number"))?;
                    subs.insert(k.to_owned(), json!(n));
                }
                m.insert("sub".into(), Value::Object(subs));
            }
            "measure_counted"
        }
        LogKind::Lagesbild { date, area, period, .. } => {
            m.insert("date".into(), json!(date));
            m.insert("area".into(), json!(area));
            m.insert("period".into(), json!(period));
            "situation_picture_made"
        }
        LogKind::Milestone { date, title, .. } => {
            m.insert("date".into(), json!(date));
            m.insert("title".into(), json!(title));
            "milestone_reached"
        }
        LogKind::Status { tertial, status, until, note, .. } => {
            m.insert("tertial".into(), json!(tertial));
            m.insert("status".into(), json!(status));
            put(&mut m, "until", &until.as_deref().map(wire_until).transpose()?);
            put(&mut m, "note", note);
            "status_changed"
        }
        LogKind::Note { tertial, text, .. } => {
            m.insert("tertial".into(), json!(tertial));
            m.insert("text".into(), json!(text));
            "note_written"
        }
    };
    Ok((kind_name, Value::Object(m)))
}

/// Checks a payload with the ledger's own parser; the error names the option at fault.
pub fn check(kind: &str, data: &Value) -> anyhow::Result<()> {
    parse_event(kind, data.clone()).map(|_| ()).map_err(|e| {
        let field = e.field.trim_start_matches("data.").trim_start_matches("replacement.data.");
        anyhow!("--{}: {}", field.replace('_', "-"), e.message)
    })
}

/// The organisation a record is for: `--actor`, else the one the reporter's token reports for.
pub async fn actor_of(global: &Global, actor: Option<&str>) -> anyhow::Result<String> {
    if let Some(a) = actor {
        return Ok(a.to_owned());
    }
    let me =
        Ledger::new(global).client().whoami().await.map_err(|e| anyhow!("--actor: cannot ask who you are: {e}"))?;
    me.org.map(|o| o.to_string()).ok_or_else(|| {
        anyhow!("--actor: say which organisation this is for, e.g. --actor polisen (only a reporter's token has one)")
    })
}

/// Checks `kind` and `data` locally (errors name the option at fault), then records them.
pub async fn record(global: &Global, plan: &str, actor: &str, kind: &str, data: Value) -> anyhow::Result<()> {
    let plan = PlanId::new(plan).map_err(|e| anyhow!("--plan {plan:?}: {e}"))?;
    let actor = OrgId::new(actor).map_err(|e| anyhow!("--actor {actor:?}: {e}"))?;
    parse_event(kind, data.clone())
        .map_err(|e| anyhow!("--{}: {}", e.field.trim_start_matches("data.").replace('_', "-"), e.message))?;
    let body = NewEvent { plan, actor, kind: kind.to_owned(), data, correlation_id: None, causation_id: None };
    let key = format!("cli:{}", &Hash::of(&canonical(&serde_json::to_value(&body)?)).to_string()[..32]);
    let ledger = Ledger::new(global);
    let (ev, new) = match ledger.append(&body, &key).await? {
        Ok(Outcome::Created(ev)) => (ev, true),
        Ok(Outcome::Existing(ev)) => (ev, false),
        Err(r) => return Err(anyhow!("the ledger refused it: {r}")),
    };
    let (seq, id) = (&ev["seq"], ev["id"].as_str().unwrap_or("?"));
    if global.json {
        println!("{}", serde_json::to_string_pretty(&ev)?);
    } else if new {
        println!("recorded {kind} as seq {seq} (id {id})");
    } else {
        // The same command again: its idempotency key found the first record.
        println!("already recorded as seq {seq} (id {id}); nothing new was recorded");
    }
    Ok(())
}

pub async fn log(global: &Global, args: &LogArgs) -> anyhow::Result<()> {
    let (kind, data) = payload(&args.kind)?;
    let t = args.kind.target();
    let actor = actor_of(global, t.actor.as_deref()).await?;
    record(global, &t.plan, &actor, kind, data).await
}
