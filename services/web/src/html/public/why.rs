//! "Varför står det 906?" (pure): the events behind each figure of an approved cell, as the
//! projector gives them to the public (as of the approval, without authors), in words — what kind
//! of event, its date, the organisation, what it says, and how it was corrected; and what was
//! removed from the cell, with the reason. Nothing here names a person.

use lofte_proto::report::short_date;
use serde_json::Value;

/// One event (with its corrections) behind a figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its kind in Swedish ("Medborgardialog").
    pub kind: String,
    /// Its business date as the report writes it ("13/1"), or the tertial it speaks of.
    pub date: String,
    pub organisation: String,
    /// What it says now ("906, 96 timmar").
    pub text: String,
    /// Each correction: "900 → 906 (Felräknat)".
    pub corrections: Vec<String>,
}

/// A figure of the cell and the events behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub name: String,
    /// The figure as the cell sums it, for a counted measure ("906").
    pub total: Option<String>,
    pub entries: Vec<Entry>,
    /// How many more events are behind the figure than are listed (the projector lists the newest).
    pub more: usize,
}

/// Names of the plan's organisations, areas and measures, from an approved report's summary.
#[derive(Debug)]
pub struct Names<'a>(pub &'a Value);

impl Names<'_> {
    fn get(&self, map: &str, id: &str) -> String {
        self.0[map][id].as_str().map_or_else(|| id.replace('-', " "), str::to_owned)
    }

    pub fn organisation(&self, id: &str) -> String {
        self.get("organisations", id)
    }

    fn area(&self, id: &str) -> String {
        self.get("areas", id)
    }

    fn measure(&self, id: &str) -> String {
        let name = self.0["measures"][id]["name"].as_str().map_or_else(|| id.replace('-', " "), str::to_owned);
        let mut c = name.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    }
}

/// An event kind in Swedish.
pub fn kind_name(kind: &str) -> &'static str {
    match kind {
        "meeting_held" => "Möte",
        "dialogue_held" => "Medborgardialog",
        "workshop_held" => "Workshop",
        "training_given" => "Utbildning",
        "measure_counted" => "Räknat antal",
        "situation_picture_made" => "Lägesbild",
        "milestone_reached" => "Milstolpe",
        "status_changed" => "Status",
        "note_written" => "Notering",
        "follow_up_submitted" => "Uppföljning lämnad",
        "event_corrected" => "Rättelse",
        "event_retracted" => "Borttagning",
        _ => "Händelse",
    }
}

fn figure_name(key: &str, names: &Names<'_>) -> String {
    match key.split_once(':') {
        Some(("measure", m)) => names.measure(m),
        Some(("situation_pictures", a)) => format!("Lägesbilder för {}", names.area(a)),
        _ => match key {
            "meetings" => "Möten",
            "dialogues" => "Dialoger",
            "workshops" => "Workshops",
            "trainings" => "Utbildningar",
            "milestones" => "Milstolpar",
            "status" => "Status",
            "notes" => "Noteringar",
            "submitted" => "Lämnad uppföljning",
            "late_amendments" => "Sena tillägg efter godkännandet",
            other => other,
        }
        .to_owned(),
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn status_name(s: &str) -> &'static str {
    match s {
        "none" => "Inga aktiviteter under tertialen",
        "planned" => "Planerad",
        "ongoing" => "Pågår",
        "done" => "Genomförd",
        "postponed" => "Framflyttad",
        "cancelled" => "Inställd",
        _ => "Okänd status",
    }
}

/// What an event of `kind` with `data` says, in words.
pub fn words(kind: &str, data: &Value, names: &Names<'_>) -> String {
    let mut parts: Vec<String> = vec![];
    match kind {
        "measure_counted" => {
            parts.extend(text(&data["count"]));
            if let Some(h) = text(&data["hours"]) {
                parts.push(format!("{h} timmar"));
            }
            for (k, v) in data["sub"].as_object().into_iter().flatten() {
                parts.push(format!("varav {v} {}", k.replace('-', " ")));
            }
        }
        "status_changed" => {
            parts.push(status_name(data["status"].as_str().unwrap_or_default()).to_owned());
            parts.extend(text(&data["until"]).map(|u| format!("till {u}")));
            parts.extend(text(&data["note"]));
        }
        "note_written" => parts.extend(text(&data["text"])),
        "event_retracted" => parts.extend(text(&data["reason"]).map(|r| format!("skäl: {r}"))),
        "event_corrected" => {
            let r = &data["replacement"];
            parts.push(words(r["kind"].as_str().unwrap_or_default(), &r["data"], names));
            parts.extend(text(&data["reason"]).map(|r| format!("skäl: {r}")));
        }
        "situation_picture_made" => parts
            .extend(data["period"].as_str().and_then(|p| p.parse().ok()).map(|p| format!("avser {}", short_date(&p)))),
        _ => {
            for k in ["topic", "title", "place"] {
                parts.extend(text(&data[k]));
            }
            if let Some(p) = text(&data["participants"]) {
                parts.push(format!("{p} deltagare"));
            }
        }
    }
    if let Some(a) = data["area"].as_str() {
        parts.push(names.area(a));
    }
    parts.join(", ")
}

fn date(data: &Value) -> String {
    match data["date"].as_str().and_then(|d| d.parse().ok()) {
        Some(d) => short_date(&d),
        None => data["tertial"].as_str().map(crate::html::words::tertial).unwrap_or_default(),
    }
}

/// The figures of one tertial of the projector's `provenance` answer (`figures`), each event with
/// its corrections; `cell` is the same cell of the approved report's summary (for the sums).
pub fn figures(provenance: &Value, cell: &Value, names: &Names<'_>) -> Vec<Figure> {
    let mut out = vec![];
    for f in provenance.as_array().into_iter().flatten() {
        let key = f["figure"].as_str().unwrap_or_default();
        let events: Vec<&Value> = f["events"].as_array().into_iter().flatten().collect();
        let corrects = |e: &Value, id: &Value| e["kind"] == "event_corrected" && &e["data"]["event"] == id;
        let mut entries = vec![];
        for e in &events {
            // A correction is told with the event it corrects, when that is listed too.
            if e["kind"] == "event_corrected" && events.iter().any(|o| o["id"] == e["data"]["event"]) {
                continue;
            }
            let (kind, data) = (e["kind"].as_str().unwrap_or_default(), &e["data"]);
            let mut now = words(kind, data, names);
            let mut when = date(data);
            let mut corrections = vec![];
            for c in events.iter().filter(|c| corrects(c, &e["id"])) {
                let r = &c["data"]["replacement"];
                let next = words(r["kind"].as_str().unwrap_or_default(), &r["data"], names);
                let why = c["data"]["reason"].as_str().unwrap_or_default();
                corrections.push(format!("{now} → {next} ({why})"));
                now = next;
                when = date(&r["data"]);
            }
            let organisation = names.organisation(e["actor"].as_str().unwrap_or_default());
            entries.push(Entry { kind: kind_name(kind).to_owned(), date: when, organisation, text: now, corrections });
        }
        let total =
            key.strip_prefix("measure:").and_then(|m| cell["measures"][m]["count"]["text"].as_str()).map(str::to_owned);
        let listed = events.len();
        let more = f["total"].as_u64().and_then(|t| usize::try_from(t).ok()).map_or(0, |t| t.saturating_sub(listed));
        out.push(Figure { name: figure_name(key, names), total, entries, more });
    }
    out
}

/// A count as Swedish writes it: groups of three digits apart ("19 900").
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// What was removed from the cell, as it was then, and why ("Medborgardialog 13/1, Gängsnacket
/// (Polisen) — borttagen: Dubbelregistrerat").
pub fn retracted(cell: &Value, names: &Names<'_>) -> Vec<String> {
    cell["retracted"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let mut what: Vec<String> =
                r["date"].as_str().and_then(|d| d.parse().ok()).map(|d| short_date(&d)).into_iter().collect();
            what.extend(r["what"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned));
            format!(
                "{} {} ({}) — borttagen: {}",
                kind_name(r["kind"].as_str().unwrap_or_default()),
                what.join(", "),
                names.organisation(r["actor"].as_str().unwrap_or_default()),
                r["reason"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_count_and_its_correction_are_told_without_who_sent_them() {
        let summary = json!({"organisations": {"polisen": "Polisen"}, "areas": {"raslatt": "Råslätt"},
            "measures": {"fotpatrullering": {"name": "fotpatrullering"}}});
        let names = Names(&summary);
        let prov = json!([{"figure": "measure:fotpatrullering", "events": [
            {"id": "a", "actor": "polisen", "kind": "measure_counted",
             "data": {"date": "2022-03-01", "metric": "fotpatrullering", "count": "900", "area": "raslatt"}},
            {"id": "b", "actor": "polisen", "kind": "event_corrected", "data": {"event": "a", "reason": "Felräknat",
             "replacement": {"kind": "measure_counted", "data": {"date": "2022-03-02", "metric": "fotpatrullering", "count": "906", "hours": "96"}}}}
        ]}]);
        let cell = json!({"measures": {"fotpatrullering": {"count": {"text": "906"}}}});
        let f = figures(&prov, &cell, &names);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].name.as_str(), f[0].total.as_deref()), ("Fotpatrullering", Some("906")));
        let e = &f[0].entries[0];
        assert_eq!(f[0].entries.len(), 1, "the correction is told with the count");
        assert_eq!((e.kind.as_str(), e.date.as_str(), e.organisation.as_str()), ("Räknat antal", "2/3", "Polisen"));
        assert_eq!(e.text, "906, 96 timmar");
        assert_eq!(e.corrections, ["900, Råslätt → 906, 96 timmar (Felräknat)"]);
    }

    #[test]
    fn a_figure_with_more_events_than_listed_says_how_many_more() {
        let names = Names(&Value::Null);
        let prov = json!([{"figure": "measure:fotpatrullering", "total": 20000, "events": [
            {"id": "a", "actor": "polisen", "kind": "measure_counted", "data": {"date": "2022-03-01", "count": "1"}}]}]);
        let f = figures(&prov, &Value::Null, &names);
        assert_eq!((f[0].entries.len(), f[0].more), (1, 19_999));
        assert_eq!((count(19_900), count(100), count(1_000_000)), ("19 900".into(), "100".into(), "1 000 000".into()));
        // Without `total` (every event listed), nothing more.
        assert_eq!(figures(&json!([{"figure": "notes", "events": []}]), &Value::Null, &names)[0].more, 0);
    }

    #[test]
    fn removed_entries_and_other_kinds_are_in_words() {
        let summary = json!({"organisations": {"kommunen": "Jönköpings kommun"}});
        let names = Names(&summary);
        let cell = json!({"retracted": [{"kind": "dialogue_held", "date": "2022-01-13", "what": ["Gängsnacket"],
            "actor": "kommunen", "reason": "Dubbelregistrerat"}]});
        assert_eq!(
            retracted(&cell, &names),
            ["Medborgardialog 13/1, Gängsnacket (Jönköpings kommun) — borttagen: Dubbelregistrerat"]
        );
        let d = json!({"topic": "Gängsnacket", "place": "Österängen", "participants": "ca 35"});
        assert_eq!(words("dialogue_held", &d, &names), "Gängsnacket, Österängen, ca 35 deltagare");
        assert_eq!(words("status_changed", &json!({"status": "ongoing"}), &names), "Pågår");
        assert_eq!(date(&json!({"tertial": "2022-T2"})), "tertial 2 2022");
    }
}
