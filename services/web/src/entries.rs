//! What an activity's cells hold, entry by entry (pure): from the projector's provenance, each
//! occurrence in force as its original event and the corrections of it — its latest content, who
//! recorded it, whether it was corrected — in words a reporter recognises.

use lofte_proto::report::short_date;
use serde_json::Value;

use crate::forms::Kind;

/// One occurrence in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The original event's id (what a correction or retraction names).
    pub id: String,
    pub kind: Kind,
    /// The organisation that recorded it.
    pub actor: String,
    /// Its latest content, in words ("13/1 Gängsnacket, ca 35 deltagare").
    pub text: String,
    pub corrected: bool,
    /// Its latest data (to fill a correction form with).
    pub data: Value,
}

/// The data an envelope holds as it stands: a correction's replacement, or the event's own.
fn content(env: &Value) -> (&str, &Value) {
    if env["kind"] == "event_corrected" {
        let r = &env["data"]["replacement"];
        (r["kind"].as_str().unwrap_or_default(), &r["data"])
    } else {
        (env["kind"].as_str().unwrap_or_default(), &env["data"])
    }
}

/// The entries of one tertial of a provenance answer (`GET …/provenance?activity=`).
pub fn of_tertial(provenance: &Value, tertial: &str) -> Vec<Entry> {
    let mut out = vec![];
    let Some(t) = provenance["tertials"].as_array().into_iter().flatten().find(|t| t["tertial"] == tertial) else {
        return out;
    };
    for figure in t["figures"].as_array().into_iter().flatten() {
        let events: Vec<&Value> = figure["events"].as_array().into_iter().flatten().collect();
        // Chains: an original, then the corrections naming it.
        for original in events.iter().filter(|e| e["kind"] != "event_corrected") {
            let id = original["id"].as_str().unwrap_or_default();
            let corrections: Vec<&&Value> = events.iter().filter(|e| e["data"]["event"] == id).collect();
            let latest = corrections.last().map_or(*original, |c| **c);
            let (kind, data) = content(latest);
            let Some(k) = Kind::ALL.into_iter().find(|k| k.event_kind() == kind) else { continue };
            if out.iter().any(|e: &Entry| e.id == id) {
                continue;
            }
            out.push(Entry {
                id: id.to_owned(),
                kind: k,
                actor: original["actor"].as_str().unwrap_or_default().to_owned(),
                text: words(data),
                corrected: !corrections.is_empty(),
                data: data.clone(),
            });
        }
    }
    out
}

/// An occurrence's data in words.
fn words(d: &Value) -> String {
    let s = |k: &str| d[k].as_str().map(str::to_owned);
    let date = d["date"].as_str().and_then(|x| x.parse().ok()).map(|bd| short_date(&bd));
    let mut parts: Vec<String> =
        [date, s("topic"), s("title"), s("place"), s("text"), s("status")].into_iter().flatten().collect();
    if let Some(p) = s("participants") {
        parts.push(format!("{p} deltagare"));
    }
    if let Some(c) = s("count").or_else(|| d["count"].as_u64().map(|n| n.to_string())) {
        parts.push(format!("antal {c}"));
    }
    parts.join(", ")
}
