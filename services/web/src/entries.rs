//! What an activity's cells list, entry by entry (pure): each occurrence in force as the summary
//! has it — its original event (what a correction or retraction names), the latest event of its
//! chain (whose content it has now), who recorded it, whether it was corrected — in words a
//! reporter recognises. Counted measures are sums in a summary, not entries: a measure is found
//! by its id when asked for (`http::amend`).

use lofte_proto::report::short_date;
use serde_json::Value;

use crate::forms::Kind;

/// One occurrence in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The original event's id.
    pub id: String,
    /// The latest event of its chain (the original, or its last correction).
    pub latest: String,
    pub kind: Kind,
    /// The organisation that recorded it.
    pub actor: String,
    /// As it stands, in words ("13/1 Gängsnacket, ca 35 deltagare").
    pub text: String,
    pub corrected: bool,
}

/// The entries of a cell of the summary (`cells[tertial]` of an activity).
pub fn of_cell(cell: &Value) -> Vec<Entry> {
    let mut out = vec![];
    let mut lists: Vec<(Kind, &Value)> = vec![
        (Kind::Dialog, &cell["dialogues"]),
        (Kind::Mote, &cell["meetings"]),
        (Kind::Workshop, &cell["workshops"]),
        (Kind::Utbildning, &cell["trainings"]),
        (Kind::Milstolpe, &cell["milestones"]),
    ];
    lists.extend(cell["situation_pictures"].as_object().into_iter().flatten().map(|(_, v)| (Kind::Lagesbild, v)));
    for (kind, list) in lists {
        for o in list.as_array().into_iter().flatten() {
            let ids: Vec<&str> = o["events"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let (Some(first), Some(last)) = (ids.first(), ids.last()) else { continue };
            out.push(Entry {
                id: (*first).to_owned(),
                latest: (*last).to_owned(),
                kind,
                actor: o["actor"].as_str().unwrap_or_default().to_owned(),
                text: words(o),
                corrected: ids.len() > 1,
            });
        }
    }
    out
}

/// What a cell says was retracted, each in words with its reason ("13/1, Gängsnacket — borttagen:
/// Dubbelregistrerat").
pub fn retracted(cell: &Value) -> Vec<String> {
    cell["retracted"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| format!("{} — borttagen: {}", words(r), r["reason"].as_str().unwrap_or_default()))
        .collect()
}

/// An occurrence as a cell lists it, in words.
fn words(o: &Value) -> String {
    let date = o["date"].as_str().and_then(|x| x.parse().ok()).map(|bd| short_date(&bd));
    let mut parts: Vec<String> = date.into_iter().collect();
    parts.extend(o["what"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned));
    if let Some(p) = o["participants"].as_str() {
        parts.push(format!("{p} deltagare"));
    }
    parts.join(", ")
}

/// The content an event has now: a correction's replacement (kind and data), or its own.
pub fn content(env: &Value) -> (&str, &Value) {
    if env["kind"] == "event_corrected" {
        let r = &env["data"]["replacement"];
        (r["kind"].as_str().unwrap_or_default(), &r["data"])
    } else {
        (env["kind"].as_str().unwrap_or_default(), &env["data"])
    }
}
