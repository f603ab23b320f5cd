//! One event as the auditors' history lists it (pure): where it stands in the log, what it is
//! about, a short summary in Swedish, and the lower-cased text free-text search looks in. Only
//! what the list and its filters need is kept; the event itself is read from the ledger when its
//! page is opened.

use std::sync::Arc;

use jiff::Timestamp;
use lofte_proto::{envelope::Envelope, report::short_date, Event, Kind, Tertial};
use serde_json::Value;
use uuid::Uuid;

/// The longest summary shown in the list, in characters.
const SUMMARY_CHARS: usize = 120;

/// One event of the log.
#[derive(Debug, Clone)]
pub struct Row {
    pub seq: u64,
    pub id: Uuid,
    pub recorded_at: Timestamp,
    pub kind: Kind,
    pub plan: Arc<str>,
    /// What it is about; a retraction's is what it retracts.
    pub activity: Option<Arc<str>>,
    pub tertial: Option<Tertial>,
    pub actor: Arc<str>,
    pub author: Arc<str>,
    /// The event a correction or retraction is of.
    pub target: Option<Uuid>,
    /// A correction's or retraction's reason.
    pub reason: Option<Box<str>>,
    /// What it says, in short.
    pub summary: Box<str>,
    /// Lower-cased: every text of its data, its kind in Swedish, its date as written, its id.
    pub text: Box<str>,
}

impl Row {
    /// The memory the row holds beyond itself (its own strings; shared names are counted once
    /// by the index).
    pub fn heap_bytes(&self) -> usize {
        self.reason.as_ref().map_or(0, |r| r.len()) + self.summary.len() + self.text.len()
    }
}

/// A kind in Swedish, as the history says it.
pub fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::PlanAdopted => "Plan antagen",
        Kind::ActivityAdded => "Aktivitet tillagd",
        Kind::ActivityAmended => "Aktivitet ändrad",
        Kind::TargetSet => "Mål satt",
        Kind::DeadlineSet => "Sista dag satt",
        Kind::PlanExtended => "Plan förlängd",
        Kind::MeetingHeld => "Möte",
        Kind::DialogueHeld => "Dialog",
        Kind::WorkshopHeld => "Workshop",
        Kind::TrainingGiven => "Utbildning",
        Kind::MeasureCounted => "Antal",
        Kind::SituationPictureMade => "Lägesbild",
        Kind::MilestoneReached => "Milstolpe",
        Kind::StatusChanged => "Status",
        Kind::NoteWritten => "Notering",
        Kind::FollowUpSubmitted => "Uppföljning lämnad",
        Kind::FollowUpApproved => "Uppföljning godkänd",
        Kind::EventCorrected => "Rättelse",
        Kind::EventRetracted => "Borttagning",
        Kind::ReminderSent => "Påminnelse skickad",
        Kind::ReminderFailed => "Påminnelse misslyckades",
    }
}

/// What an event says, in short: its date as Swedish documents write it, then its topic,
/// title, figures, status or note; a correction what it now says and why.
pub fn summary(e: &Event) -> String {
    let data = serde_json::to_value(e).map(|v| v["data"].clone()).unwrap_or(Value::Null);
    let mut parts: Vec<String> = vec![];
    if let Some(d) = e.business_date() {
        parts.push(short_date(d));
    }
    let text = |k: &str| match &data[k] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match e {
        Event::EventCorrected(c) => {
            parts.push(format!("nu: {}", summary(&c.replacement)));
            parts.push(format!("anledning: {}", c.reason.as_str()));
        }
        Event::EventRetracted(r) => parts.push(format!("anledning: {}", r.reason.as_str())),
        _ => {
            for key in ["topic", "title", "name", "place"] {
                parts.extend(text(key));
            }
            if let Some(p) = text("participants") {
                parts.push(format!("{p} deltagare"));
            }
            if let (Some(c), Some(m)) = (text("count"), text("metric")) {
                parts.push(format!("{c} {}", m.replace('_', " ")));
            }
            parts.extend(text("status"));
            parts.extend(text("note"));
            if let Some(t) = e.tertial().filter(|_| e.business_date().is_none()) {
                parts.push(crate::html::words::tertial(&t.to_string()));
            }
        }
    }
    let s = parts.join(", ");
    if s.chars().count() > SUMMARY_CHARS {
        s.chars().take(SUMMARY_CHARS - 1).chain(std::iter::once('…')).collect()
    } else {
        s
    }
}

/// Every text in `v`, depth first.
fn texts(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push(' ');
        }
        Value::Number(n) => {
            out.push_str(&n.to_string());
            out.push(' ');
        }
        Value::Array(a) => a.iter().for_each(|x| texts(x, out)),
        Value::Object(m) => m.values().for_each(|x| texts(x, out)),
        _ => {}
    }
}

/// The row of `e`; `names` shares the plan, activity, organisation and author strings, and
/// `earlier` says what an earlier event (a retraction's target) is about.
pub fn of(
    e: &Envelope,
    names: &mut impl FnMut(&str) -> Arc<str>,
    earlier: impl Fn(&Uuid) -> Option<(String, Tertial)>,
) -> Row {
    let (target, reason) = match &e.event {
        Event::EventCorrected(c) => (Some(c.event), Some(c.reason.as_str().into())),
        Event::EventRetracted(r) => (Some(r.event), Some(r.reason.as_str().into())),
        _ => (None, None),
    };
    let about = lofte_proto::report::diff::about(&e.event, earlier);
    let summary = summary(&e.event);
    let mut text = String::new();
    texts(&serde_json::to_value(&e.event).map(|v| v["data"].clone()).unwrap_or(Value::Null), &mut text);
    text.push_str(kind_name(e.kind()));
    text.push(' ');
    if let Some(d) = e.event.business_date() {
        text.push_str(&short_date(d));
        text.push(' ');
    }
    text.push_str(&e.id.to_string());
    Row {
        seq: e.seq,
        id: e.id,
        recorded_at: e.recorded_at,
        kind: e.kind(),
        plan: names(e.plan.as_str()),
        activity: about.as_ref().map(|(a, _)| names(a)).or_else(|| e.event.activity().map(|a| names(a.as_str()))),
        tertial: about.map(|(_, t)| t).or_else(|| e.event.tertial()),
        actor: names(e.actor.as_str()),
        author: names(&e.author),
        target,
        reason,
        summary: summary.into(),
        text: text.to_lowercase().into(),
    }
}
