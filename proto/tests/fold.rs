//! The fold on the sample plans, with follow-ups taken from the seed documents: Eksjö 2017's
//! traffic controls ("minst åtta", "minst fem", "minst fem" against a target of ten), Jönköping
//! 2022's per-area targets and ratio, an explicit "nothing this tertial", corrections,
//! retractions, late amendments, "as of", pending follow-ups and determinism.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Log;
use jiff::Timestamp;
use lofte_proto::{
    command::parse_event,
    event::Status,
    fold::{FoldOptions, PlanSummary, TargetStatus},
};
use serde_json::{json, Value};

fn activity<'a>(s: &'a PlanSummary, id: &str) -> &'a lofte_proto::fold::ActivitySummary {
    s.promises.iter().flat_map(|p| &p.activities).find(|a| a.id.as_str() == id).unwrap()
}

fn t(s: &str) -> lofte_proto::Tertial {
    s.parse().unwrap()
}

fn measure(activity: &str, date: &str, metric: &str, count: &str, area: &str) -> Value {
    json!({"activity": activity, "date": date, "metric": metric, "count": count, "area": area})
}

#[test]
fn eksjo_traffic_controls_minst_8_5_5_against_a_target_of_10() {
    let mut log = Log::of("eksjo-2017.toml", "2017-01-02T08:00:00Z");
    let a = "trafikkontroller";
    log.record(
        "2017-04-28T10:00:00Z",
        "measure_counted",
        measure(a, "2017-01-01..2017-04-30", a, "minst 8", "ostra-kommundelen"),
    );
    log.record(
        "2017-08-30T10:00:00Z",
        "measure_counted",
        measure(a, "2017-05-01..2017-08-31", a, "minst 5", "ostra-kommundelen"),
    );
    log.record(
        "2017-12-20T10:00:00Z",
        "measure_counted",
        measure(a, "2017-09-01..2017-12-31", a, "minst 5", "ostra-kommundelen"),
    );
    let s = log.fold(FoldOptions::default());
    let act = activity(&s, a);
    let metric: lofte_proto::ids::Metric = a.parse().unwrap();
    let cell = |tt: &str| act.cells[&t(tt)].measures[&metric].count.to_string();
    assert_eq!(
        (cell("2017-T1"), cell("2017-T2"), cell("2017-T3")),
        ("minst 8".into(), "minst 5".into(), "minst 5".into())
    );
    let target = &act.targets[0];
    let p = |tt: &str| &target.by_tertial[&t(tt)];
    assert_eq!(
        (p("2017-T1").actual.to_string(), p("2017-T1").percent, p("2017-T1").status),
        ("minst 8".into(), 80, TargetStatus::OnTrack)
    );
    assert_eq!((p("2017-T2").actual.value, p("2017-T2").status), (13, TargetStatus::Met));
    assert_eq!((p("2017-T3").actual.to_string(), p("2017-T3").percent), ("minst 18".into(), 180));
}

#[test]
fn jonkoping_2022_targets_per_area_with_a_ratio() {
    let mut log = Log::of("jonkoping-2022.toml", "2022-01-03T08:00:00Z");
    let mut d = measure("fotpatrullering", "2022-01-01..2022-04-30", "fotpatrullering", "312", "raslatt");
    d["hours"] = json!(96);
    log.record("2022-05-02T08:00:00Z", "measure_counted", d);
    log.record(
        "2022-05-02T08:00:00Z",
        "measure_counted",
        measure("fotpatrullering", "2022-03-01", "fotpatrullering", "ca 100", "oxnehaga"),
    );
    let mut drugs = measure("narkotika-raslatt", "2022-02-01..2022-04-30", "narkotikabrott", "20", "raslatt");
    drugs["sub"] = json!({"forstagangsanvandare": 3});
    log.record("2022-05-02T08:00:00Z", "measure_counted", drugs);
    let s = log.fold(FoldOptions::default());
    let fot = activity(&s, "fotpatrullering");
    assert_eq!(fot.targets.len(), 4, "one target per area");
    let progress = |id: &str| &fot.targets.iter().find(|x| x.id.as_str() == id).unwrap().by_tertial[&t("2022-T1")];
    let r = progress("fotpatrullering-raslatt");
    // 800 a year; through 30 April (120 of 365 days) the pro-rata expectation is 263.
    assert_eq!((r.actual.value, r.target, r.expected, r.percent, r.status), (312, 800, 263, 39, TargetStatus::OnTrack));
    let o = progress("fotpatrullering-oxnehaga");
    assert_eq!((o.actual.to_string(), o.status), ("ca 100".into(), TargetStatus::Behind));
    assert_eq!(progress("fotpatrullering-ekhagen").actual.value, 0);
    let cell = &fot.cells[&t("2022-T1")].measures[&"fotpatrullering".parse().unwrap()];
    assert_eq!((cell.count.to_string(), cell.hours.to_string()), ("ca 412".into(), "96".into()));
    assert_eq!(cell.by_area["raslatt"].count.value, 312);
    let drugs = &activity(&s, "narkotika-raslatt").targets[0].by_tertial[&t("2022-T1")];
    assert_eq!((drugs.actual.value, drugs.ratio), (20, Some((3, 15))));
}

#[test]
fn a_weekly_situation_picture_is_counted_by_weeks_covered() {
    let mut log = Log::of("jonkoping-2022.toml", "2022-01-03T08:00:00Z");
    for week in 0..10 {
        let day = jiff::civil::date(2022, 1, 3) + jiff::Span::new().weeks(week);
        for _ in 0..2 {
            // Twice in the same week still covers one week.
            log.record("2022-04-01T08:00:00Z", "situation_picture_made",
                json!({"activity": "lagesbild-raslatt", "date": day.to_string(), "area": "raslatt", "period": day.to_string()}));
        }
    }
    let s = log.fold(FoldOptions::default());
    let p = &activity(&s, "lagesbild-raslatt").targets[0].by_tertial[&t("2022-T1")];
    assert_eq!(p.actual.value, 10);
    // 2022 touches 53 ISO weeks: 1 January is a Saturday in week 52 of 2021.
    assert_eq!(p.target, 53);
    assert!(p.expected >= 17 && p.status == TargetStatus::Behind, "{p:?}");
}

#[test]
fn nothing_this_tertial_corrections_retractions_and_pending() {
    let mut log = Log::of("jonkoping-2022.toml", "2022-01-03T08:00:00Z");
    log.record(
        "2022-08-30T08:00:00Z",
        "status_changed",
        json!({"activity": "ssg", "tertial": "2022-T2", "status": "none"}),
    );
    let wrong = log.record(
        "2022-03-10T08:00:00Z",
        "meeting_held",
        json!({"activity": "ssg", "date": "2022-03-09", "title": "SSG", "participants": "ca 12"}),
    );
    let dup = log.record(
        "2022-03-10T08:05:00Z",
        "meeting_held",
        json!({"activity": "ssg", "date": "2022-03-09", "title": "SSG"}),
    );
    let fix = log.record("2022-03-11T08:00:00Z", "event_corrected", json!({"event": wrong, "reason": "Fel datum",
        "replacement": {"kind": "meeting_held", "data": {"activity": "ssg", "date": "2022-03-08", "title": "SSG", "participants": "ca 12"}}}));
    log.record("2022-03-11T08:01:00Z", "event_retracted", json!({"event": dup, "reason": "Dubbelregistrerat"}));
    let s = log.fold(FoldOptions::default());
    let ssg = activity(&s, "ssg");
    let t1 = &ssg.cells[&t("2022-T1")];
    assert_eq!(t1.meetings.len(), 1, "the retracted duplicate is gone");
    assert_eq!(t1.meetings[0].date.to_string(), "2022-03-08");
    assert_eq!(t1.meetings[0].events, vec![wrong, fix], "provenance: the original and its correction");
    assert_eq!(ssg.cells[&t("2022-T2")].status.as_ref().map(|x| x.status), Some(Status::None));
    assert!(!ssg.cells[&t("2022-T2")].is_empty(), "an explicit 'nothing' is an answer");
    assert!(ssg.cells[&t("2022-T3")].is_empty());
    let lead = ssg.lead.to_string();
    assert!(t1.pending.iter().any(|o| o.as_str() == lead));
    log.push(
        "2022-05-03T08:00:00Z",
        &lead,
        parse_event("follow_up_submitted", json!({"activity": "ssg", "tertial": "2022-T1"})).unwrap(),
    );
    let s = log.fold(FoldOptions::default());
    assert!(!activity(&s, "ssg").cells[&t("2022-T1")].pending.iter().any(|o| o.as_str() == lead));
}

#[test]
fn late_amendments_and_as_of() {
    let mut log = Log::of("jonkoping-2022.toml", "2022-01-03T08:00:00Z");
    let on_time = log.record(
        "2022-04-20T08:00:00Z",
        "meeting_held",
        json!({"activity": "ssg", "date": "2022-04-19", "title": "SSG"}),
    );
    log.push(
        "2022-05-16T09:00:00Z",
        "kommunen",
        parse_event("follow_up_approved", json!({"tertial": "2022-T1"})).unwrap(),
    );
    let late = log.record(
        "2022-06-01T08:00:00Z",
        "meeting_held",
        json!({"activity": "ssg", "date": "2022-04-28", "title": "SSG"}),
    );
    let s = log.fold(FoldOptions::default());
    let cell = &activity(&s, "ssg").cells[&t("2022-T1")];
    assert_eq!(cell.meetings.len(), 2);
    assert_eq!(cell.late_amendments, vec![late]);
    assert!(s.approved.contains_key(&t("2022-T1")));
    // As of the approval, the late meeting was not yet known.
    let at: Timestamp = "2022-05-16T09:00:00Z".parse().unwrap();
    let then = log.fold(FoldOptions { as_of: Some(at), today: None });
    let cell = &activity(&then, "ssg").cells[&t("2022-T1")];
    assert_eq!(cell.meetings.iter().map(|m| m.events[0]).collect::<Vec<_>>(), vec![on_time]);
    assert!(cell.late_amendments.is_empty());
}

#[test]
fn a_second_approval_is_the_latest_and_the_first_stays_the_first() {
    let mut log = Log::of("jonkoping-2022.toml", "2022-01-03T08:00:00Z");
    let approve = || parse_event("follow_up_approved", json!({"tertial": "2022-T1"})).unwrap();
    log.push("2022-05-16T09:00:00Z", "kommunen", approve());
    let late = log.record(
        "2022-06-01T08:00:00Z",
        "meeting_held",
        json!({"activity": "ssg", "date": "2022-04-28", "title": "SSG"}),
    );
    log.push("2022-06-02T09:00:00Z", "kommunen", approve());
    let (first, second): (Timestamp, Timestamp) =
        ("2022-05-16T09:00:00Z".parse().unwrap(), "2022-06-02T09:00:00Z".parse().unwrap());
    let s = log.fold(FoldOptions::default());
    assert_eq!(s.approved[&t("2022-T1")], first, "lateness is measured from the first approval");
    assert_eq!(s.last_approved[&t("2022-T1")], second);
    assert_eq!(activity(&s, "ssg").cells[&t("2022-T1")].late_amendments, vec![late]);
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["last_approved"]["2022-T1"], "2022-06-02T09:00:00Z");
    // As of the first approval, only the first is known.
    let then = log.fold(FoldOptions { as_of: Some(first), today: None });
    assert_eq!(then.last_approved[&t("2022-T1")], first);
}

#[test]
fn the_same_events_fold_to_the_same_bytes() {
    let mut log = Log::of("jonkoping-2022.toml", "2022-01-03T08:00:00Z");
    log.record("2022-03-10T08:00:00Z", "dialogue_held",
        json!({"activity": "samverkansmoten", "date": "2022-01-13", "place": "Österängen", "topic": "Gängsnacket", "participants": "ett 20-tal"}));
    let opts = FoldOptions { as_of: None, today: Some(jiff::civil::date(2022, 6, 1)) };
    let a = serde_json::to_vec(&log.fold(opts)).unwrap();
    let b = serde_json::to_vec(&log.fold(opts)).unwrap();
    assert_eq!(a, b);
    // A tertial that has not begun by `today` has no progress yet.
    let s = log.fold(opts);
    assert!(!activity(&s, "fotpatrullering").targets[0].by_tertial.contains_key(&t("2022-T3")));
}
