//! `lofte correct <event-id>` and `lofte retract <event-id>`: amend an earlier record. The original
//! is read from the ledger; its plan, organisation and kind carry over, and a correction replaces
//! only the values given on the command line.

use anyhow::anyhow;
use serde_json::{json, Value};

use super::log::record;
use crate::{
    cli::{Correct, Retract},
    global::Global,
};

async fn original(g: &Global, id: &str) -> anyhow::Result<Value> {
    uuid_like(id)?;
    let ledger = crate::client::Ledger::new(g);
    match ledger.client().event(id).await? {
        Some(ev) => Ok(ev),
        None => Err(anyhow!("no event {id} in the ledger at {}", g.ledger)),
    }
}

fn uuid_like(id: &str) -> anyhow::Result<()> {
    let ok = id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(anyhow!("{id:?} is not an event id (a UUID such as 01a1fcd6-c888-739e-89d7-fd5062116ba8)"))
    }
}

pub async fn retract(g: &Global, r: &Retract) -> anyhow::Result<()> {
    let ev = original(g, &r.event).await?;
    let (plan, actor) = (ev["plan"].as_str().unwrap_or(""), ev["actor"].as_str().unwrap_or(""));
    record(g, plan, actor, "event_retracted", json!({"event": r.event, "reason": r.reason})).await
}

pub async fn correct(g: &Global, c: &Correct) -> anyhow::Result<()> {
    let ev = original(g, &c.event).await?;
    let (plan, actor, kind) =
        (ev["plan"].as_str().unwrap_or(""), ev["actor"].as_str().unwrap_or(""), ev["kind"].as_str().unwrap_or(""));
    let mut data = ev["data"].clone();
    let set = |data: &mut Value, k: &str, v: Value| {
        if let Some(m) = data.as_object_mut() {
            m.insert(k.to_owned(), v);
        }
    };
    let until = c.until.as_deref().map(super::log::wire_until).transpose()?;
    let strings = [
        ("date", &c.date),
        ("count", &c.count),
        ("area", &c.area),
        ("place", &c.place),
        ("topic", &c.topic),
        ("title", &c.title),
        ("participants", &c.participants),
        ("text", &c.text),
        ("status", &c.status),
        ("until", &until),
    ];
    let mut changed = false;
    for (k, v) in strings {
        if let Some(v) = v {
            set(&mut data, k, json!(v));
            changed = true;
        }
    }
    if let Some(h) = c.hours {
        set(&mut data, "hours", json!(h));
        changed = true;
    }
    if !changed {
        return Err(anyhow!("say what to correct, e.g. --count 12 or --date 2022-03-02 (see lofte correct --help)"));
    }
    super::log::check(kind, &data)?;
    let replacement = json!({"kind": kind, "data": data});
    record(g, plan, actor, "event_corrected", json!({"event": c.event, "reason": c.reason, "replacement": replacement}))
        .await
}
