//! The fold kept (issue 18): a [`PlanFold`] brought forward batch by batch, as a projector keeps it,
//! gives the same bytes as a fold from scratch of what has arrived — after every batch, over random
//! logs of Jönköping 2022 written by several ledgers: counted measures and dialogues, situation
//! pictures, statuses, notes, corrections (of corrections), retractions, submissions, approvals
//! and what is recorded after them, deadlines and an extended plan.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use common::Log;
use lofte_proto::{
    command::parse_event,
    envelope::Envelope,
    event::Event,
    fold::{fold_plan, FoldOptions, Past, PlanFold},
    ids::LedgerId,
};
use proptest::prelude::*;
use serde_json::{json, Value};

/// What a random log is made of; indexes pick among the plan's names.
#[derive(Debug, Clone)]
enum Op {
    Measure { activity: usize, area: usize, day: u16, figure: String, hours: Option<u32>, sub: Option<u64> },
    Dialogue { day: u16, area: usize, participants: Option<String> },
    Picture { week: u16 },
    Status { activity: usize, tertial: usize },
    Note { activity: usize, tertial: usize },
    Submit { activity: usize, tertial: usize },
    Approve { tertial: usize },
    Correct { pick: usize, day: u16, figure: String },
    Retract { pick: usize },
    Deadline { tertial: usize, day: u16 },
    Extend,
}

const MEASURED: [(&str, &str); 3] = [
    ("fotpatrullering", "fotpatrullering"),
    ("trafikkontroller", "trafikkontroller"),
    ("narkotika-raslatt", "narkotikabrott"),
];
const AREAS: [Option<&str>; 3] = [Some("raslatt"), Some("oxnehaga"), None];
const ACTIVITIES: [&str; 4] = ["fotpatrullering", "narkotika-raslatt", "est", "samverkansmoten"];

fn figure() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..60).prop_map(|n| n.to_string()),
        (1u64..60).prop_map(|n| format!("ca {n}")),
        (1u64..60).prop_map(|n| format!("minst {n}")),
        (1u64..5).prop_map(|n| format!("ett {n}0-tal")),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let day = 0u16..400;
    prop_oneof![
        6 => (0..3usize, 0..3usize, day.clone(), figure(), proptest::option::of(0u32..900), proptest::option::of(0u64..5))
            .prop_map(|(activity, area, day, figure, hours, sub)| Op::Measure { activity, area, day, figure, hours, sub }),
        2 => (day.clone(), 0..3usize, proptest::option::of(figure()))
            .prop_map(|(day, area, participants)| Op::Dialogue { day, area, participants }),
        1 => (0u16..52).prop_map(|week| Op::Picture { week }),
        1 => (0..4usize, 0..3usize).prop_map(|(activity, tertial)| Op::Status { activity, tertial }),
        1 => (0..4usize, 0..3usize).prop_map(|(activity, tertial)| Op::Note { activity, tertial }),
        1 => (0..4usize, 0..3usize).prop_map(|(activity, tertial)| Op::Submit { activity, tertial }),
        1 => (0..3usize).prop_map(|tertial| Op::Approve { tertial }),
        3 => (any::<usize>(), day.clone(), figure()).prop_map(|(pick, day, figure)| Op::Correct { pick, day, figure }),
        2 => any::<usize>().prop_map(|pick| Op::Retract { pick }),
        1 => (0..3usize, day).prop_map(|(tertial, day)| Op::Deadline { tertial, day }),
        1 => Just(Op::Extend),
    ]
}

fn date(day: u16) -> String {
    let d = jiff::civil::date(2022, 1, 1).checked_add(jiff::Span::new().days(i64::from(day))).unwrap();
    d.to_string()
}

fn tertial(i: usize) -> String {
    format!("2022-T{}", i + 1)
}

/// The occurrence recorded by `op` (kind and data), if it records one.
fn occurrence(op: &Op) -> Option<(&'static str, Value)> {
    Some(match op {
        Op::Measure { activity, area, day, figure, hours, sub } => {
            let (a, metric) = MEASURED[*activity];
            let mut d = json!({"activity": a, "date": date(*day), "metric": metric, "count": figure});
            if let Some(area) = AREAS[*area] {
                d["area"] = json!(area);
            }
            if let Some(h) = hours {
                d["hours"] = json!(f64::from(*h) / 4.0);
            }
            if let Some(s) = sub {
                d["sub"] = json!({"forstagangsanvandare": s});
            }
            ("measure_counted", d)
        }
        Op::Dialogue { day, area, participants } => {
            let mut d = json!({"activity": "samverkansmoten", "date": date(*day), "topic": "Trygghet"});
            if let Some(area) = AREAS[*area] {
                d["area"] = json!(area);
            }
            if let Some(p) = participants {
                d["participants"] = json!(p);
            }
            ("dialogue_held", d)
        }
        Op::Picture { week } => {
            let from = 2 + week * 7;
            let d = json!({"activity": "lagesbild-raslatt", "date": date(from), "area": "raslatt",
                "period": format!("{}..{}", date(from), date(from + 6))});
            ("situation_picture_made", d)
        }
        Op::Status { activity, tertial: t } => (
            "status_changed",
            json!({"activity": ACTIVITIES[*activity], "tertial": tertial(*t), "status": "ongoing", "note": "Pågår."}),
        ),
        Op::Note { activity, tertial: t } => {
            ("note_written", json!({"activity": ACTIVITIES[*activity], "tertial": tertial(*t), "text": "En notering."}))
        }
        _ => return None,
    })
}

/// The log `ops` write, each event by one of three ledgers (`ledger_of`), recorded a minute
/// apart; a correction replaces an earlier occurrence with one of the same kind, moved in time.
fn write(ops: &[Op], ledger_of: &[u8]) -> Vec<Envelope> {
    let mut log = Log::of("jonkoping-2022.toml", "2022-01-02T08:00:00Z");
    let mut recorded: Vec<(uuid::Uuid, Op)> = vec![];
    for (i, op) in ops.iter().enumerate() {
        let at = format!("{}T{:02}:{:02}:00Z", date(2 + (i as u16) * 3), 8 + i % 10, i % 60);
        let event = match op {
            Op::Submit { activity, tertial: t } => {
                json!({"kind": "follow_up_submitted", "data": {"activity": ACTIVITIES[*activity], "tertial": tertial(*t)}})
            }
            Op::Approve { tertial: t } => json!({"kind": "follow_up_approved", "data": {"tertial": tertial(*t)}}),
            Op::Deadline { tertial: t, day } => {
                json!({"kind": "deadline_set", "data": {"tertial": tertial(*t), "due": date(*day)}})
            }
            Op::Extend => json!({"kind": "plan_extended", "data": {"until": "2023-04-30", "reason": "Förlängd."}}),
            Op::Retract { pick } if !recorded.is_empty() => {
                let (id, _) = &recorded[pick % recorded.len()];
                json!({"kind": "event_retracted", "data": {"event": id, "reason": "Fel."}})
            }
            Op::Correct { pick, day, figure } if !recorded.is_empty() => {
                let (id, original) = recorded[pick % recorded.len()].clone();
                let moved = match original {
                    Op::Measure { activity, area, hours, sub, .. } => {
                        Op::Measure { activity, area, day: *day, figure: figure.clone(), hours, sub }
                    }
                    Op::Dialogue { area, .. } => Op::Dialogue { day: *day, area, participants: Some(figure.clone()) },
                    other => other,
                };
                let (kind, data) = occurrence(&moved).expect("an occurrence");
                json!({"kind": "event_corrected", "data": {"event": id, "reason": "Rättat.", "replacement": {"kind": kind, "data": data}}})
            }
            op => match occurrence(op) {
                Some((kind, data)) => json!({"kind": kind, "data": data}),
                None => continue,
            },
        };
        let e = parse_event(event["kind"].as_str().unwrap(), event["data"].clone()).expect("a valid event");
        let id = log.push(&at, "polisen", e);
        if occurrence(op).is_some() {
            recorded.push((id, op.clone()));
        }
    }
    // The plan file's events stay with the first ledger; the rest go where `ledger_of` says, each
    // ledger numbering its own.
    let mut seqs: BTreeMap<LedgerId, u64> = BTreeMap::new();
    let adopted = log.events.iter().take_while(|e| e.event.kind().is_plan_change()).count();
    for (i, e) in log.events.iter_mut().enumerate() {
        let l = if i < adopted { 0 } else { ledger_of[i % ledger_of.len()] % 3 };
        e.ledger = LedgerId::new(["a", "b", "c"][usize::from(l)]).unwrap();
        let seq = seqs.entry(e.ledger.clone()).or_default();
        *seq += 1;
        e.seq = *seq;
    }
    log.events
}

/// The views: a plan's events by (ledger, seq).
struct Views(BTreeMap<(LedgerId, u64), Envelope>);

impl Past for Views {
    fn event(&self, ledger: &LedgerId, seq: u64) -> Option<Event> {
        self.0.get(&(ledger.clone(), seq)).map(|e| e.event.clone())
    }
}

fn from_scratch(views: &Views, today: Option<jiff::civil::Date>) -> String {
    let all: Vec<Envelope> = views.0.values().cloned().collect();
    let plan = all[0].plan.clone();
    serde_json::to_string(&fold_plan(&plan, &all, &FoldOptions { as_of: None, today })).unwrap()
}

/// Each counted measure's sum per (activity, tertial, metric) as text, with its hours: added up
/// here one figure at a time from the measures in force, as the fold did before it kept sums.
fn measure_sums_one_by_one(views: &Views) -> BTreeMap<String, String> {
    let mut in_force: BTreeMap<(LedgerId, u64), lofte_proto::event::MeasureCounted> = BTreeMap::new();
    let mut by_id = std::collections::HashMap::new();
    for e in views.0.values() {
        match &e.event {
            Event::MeasureCounted(m) => {
                by_id.insert(e.id, (e.ledger.clone(), e.seq));
                in_force.insert((e.ledger.clone(), e.seq), m.clone());
            }
            Event::EventCorrected(c) => {
                if let (Some(k), Event::MeasureCounted(m)) = (by_id.get(&c.event), &*c.replacement) {
                    in_force.insert(k.clone(), m.clone());
                }
            }
            Event::EventRetracted(x) => {
                if let Some(k) = by_id.remove(&x.event) {
                    in_force.remove(&k);
                }
            }
            _ => {}
        }
    }
    let mut sums: BTreeMap<String, (lofte_proto::fold::Figure, u32)> = BTreeMap::new();
    for m in in_force.values() {
        let t = lofte_proto::Tertial::of(m.date.deciding_day());
        let (f, h) = sums.entry(format!("{} {t} {}", m.activity, m.metric)).or_default();
        f.add(&m.count);
        *h += m.hours.unwrap_or_default().hundredths();
    }
    sums.into_iter().map(|(k, (f, h))| (k, format!("{f} / {h}"))).collect()
}

fn measure_sums_kept(kept: &PlanFold) -> BTreeMap<String, String> {
    let s = kept.summary(None).unwrap();
    let mut out = BTreeMap::new();
    for a in s.promises.iter().flat_map(|p| &p.activities) {
        for (t, cell) in &a.cells {
            for (metric, m) in &cell.measures {
                out.insert(format!("{} {t} {metric}", a.id), format!("{} / {}", m.count, m.hours.hundredths()));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn kept_equals_from_scratch_after_every_batch(
        ops in proptest::collection::vec(op(), 1..70),
        ledger_of in proptest::collection::vec(0u8..3, 1..8),
        batches in proptest::collection::vec(1usize..12, 1..40),
    ) {
        let log = write(&ops, &ledger_of);
        let plan = log[0].plan.clone();
        let today = Some(jiff::civil::date(2022, 6, 15));
        // Events arrive in the order written, in batches; the views hold them by (ledger, seq).
        let mut views = Views(BTreeMap::new());
        let mut kept = PlanFold::new(plan.clone());
        let mut arrived = 0;
        for size in batches.iter().cycle() {
            if arrived >= log.len() {
                break;
            }
            let batch = &log[arrived..(arrived + size).min(log.len())];
            arrived += batch.len();
            for e in batch {
                views.0.insert((e.ledger.clone(), e.seq), e.clone());
            }
            // Catch up from the views, as the projector does: what is after each ledger's position.
            let news: Vec<&Envelope> = views
                .0
                .values()
                .filter(|e| kept.applied().get(&e.ledger).is_none_or(|s| e.seq > *s))
                .collect();
            if !kept.catch_up(news.iter().copied(), &views).unwrap() {
                kept = PlanFold::new(plan.clone());
                let all: Vec<&Envelope> = views.0.values().collect();
                prop_assert!(kept.catch_up(all.iter().copied(), &views).unwrap());
            }
            let incremental = serde_json::to_string(&kept.summary(today)).unwrap();
            prop_assert_eq!(incremental, from_scratch(&views, today));
        }
        let through_each_tertial = serde_json::to_string(&kept.summary(None)).unwrap();
        prop_assert_eq!(through_each_tertial, from_scratch(&views, None));
        // And the sums kept are the sums of the measures in force, added one by one.
        prop_assert_eq!(measure_sums_kept(&kept), measure_sums_one_by_one(&views));
    }
}

/// A fold of the views as of `at`, from scratch (what a public read as of an approval serves).
fn as_of_from_scratch(views: &Views, at: jiff::Timestamp) -> String {
    let all: Vec<Envelope> = views.0.values().cloned().collect();
    let plan = all[0].plan.clone();
    let options = FoldOptions { as_of: Some(at), today: Some(jiff::civil::date(2022, 6, 15)) };
    serde_json::to_string(&fold_plan(&plan, &all, &options)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// ADR 0022: while the kept fold is the same one and `backdated_by(at)` says the same, a fold
    /// as of `at` gives the same bytes — even when a ledger's events arrive late, recorded before
    /// moments the fold has already passed.
    #[test]
    fn a_fold_as_of_a_moment_changes_only_with_the_backdated_count(
        ops in proptest::collection::vec(op(), 1..60),
        ledger_of in proptest::collection::vec(0u8..3, 1..8),
        delay in 0usize..30,
        moment in 0usize..1000,
    ) {
        let log = write(&ops, &ledger_of);
        let plan = log[0].plan.clone();
        let at = log[moment % log.len()].recorded_at;
        // Ledger c's events arrive `delay` places late (each ledger's own still in seq order).
        let mut arrival: Vec<(usize, &Envelope)> = log
            .iter()
            .enumerate()
            .map(|(i, e)| (if e.ledger.as_str() == "c" { i + delay } else { i }, e))
            .collect();
        arrival.sort_by_key(|(k, _)| *k);
        let mut views = Views(BTreeMap::new());
        let (mut kept, mut started) = (PlanFold::new(plan.clone()), 0u32);
        let mut seen: BTreeMap<(u32, u64), String> = BTreeMap::new();
        for (_, e) in arrival {
            views.0.insert((e.ledger.clone(), e.seq), e.clone());
            let news: Vec<&Envelope> = views
                .0
                .values()
                .filter(|e| kept.applied().get(&e.ledger).is_none_or(|s| e.seq > *s))
                .collect();
            if !kept.catch_up(news.iter().copied(), &views).unwrap() {
                (kept, started) = (PlanFold::new(plan.clone()), started + 1);
                let all: Vec<&Envelope> = views.0.values().collect();
                prop_assert!(kept.catch_up(all.iter().copied(), &views).unwrap());
            }
            if let Some(n) = kept.backdated_by(at) {
                let now = as_of_from_scratch(&views, at);
                let before = seen.entry((started, n)).or_insert_with(|| now.clone());
                prop_assert_eq!(&*before, &now, "the same key, another fold as of {}", at);
            }
        }
    }
}
