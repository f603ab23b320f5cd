//! The plan file's rules, one refusal at a time, and the events a good file yields.

use jiff::civil::date;

use super::*;
use crate::{
    event::{Event, Kind},
    plan::model::{Cadence, Comparator, Goal},
};

/// A small but complete plan; each test breaks one thing in it.
const GOOD: &str = r#"
[plan]
id = "test-2022"
title = "Medborgarlöfte 2022"
municipality = "Jönköpings kommun"
police_area = "Lokalpolisområde Södra Vätterbygden"
period = "2022-01-01..2022-12-31"
signed_on = 2021-12-15

[[actors]]
id = "polisen"
name = "Polisen"
reporters = ["kommunpolis@polisen.example"]

[[actors]]
id = "kommunen"
name = "Jönköpings kommun"

[[coordinators]]
name = "Kommunpolis"
email = "kommunpolis@polisen.example"
org = "polisen"

[[areas]]
id = "raslatt"
name = "Råslätt"

[[areas]]
id = "oxnehaga"
name = "Öxnehaga"

[[promises]]
id = "lagesbild"
title = "Arbeta utifrån den lokala lägesbilden"

[[activities]]
id = "fotpatrullering"
promise = "lagesbild"
title = "Polisen ska fotpatrullera"
lead = "polisen"
participants = ["kommunen"]
areas = ["raslatt", "oxnehaga"]

  [[activities.targets]]
  id = "fotpatrullering"
  metric = "fotpatrullering"
  text = "minst 800 registrerade tillfällen"
  at_least = 800
  each_area = true

  [[activities.targets]]
  id = "narkotikabrott"
  metric = "narkotikabrott"
  text = "minst 52 narkotikabrott varav minst 20 procent förstagångsanvändare"
  at_least = 52
  ratio = { sub = "forstagangsanvandare", at_least_percent = 20 }
  areas = ["raslatt"]

[[activities]]
id = "ssg"
promise = "lagesbild"
title = "SSG ska träffas minst åtta gånger"
lead = "kommunen"

  [[activities.targets]]
  id = "ssg-moten"
  metric = "meetings"
  text = "minst åtta gånger under året"
  at_least = 8

  [[activities.targets]]
  id = "lagesbild-oxnehaga"
  metric = "situation-pictures"
  text = "en gång i månaden"
  every = "monthly"
  areas = ["oxnehaga"]

[[deadlines]]
tertial = "2022-T1"
due = "2022-05-16"

[[deadlines]]
tertial = "2022-T3"
due = 2023-01-16
"#;

fn with(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "test fixture lacks {from:?}");
    GOOD.replacen(from, to, 1)
}

fn refused(text: &str) -> PlanFileError {
    match parse(text) {
        Ok(_) => panic!("accepted a bad plan file"),
        Err(e) => e,
    }
}

fn message(text: &str) -> String {
    refused(text).to_string()
}

#[test]
fn good_file_yields_events_in_order() {
    let f = parse(GOOD).expect("the fixture is a good plan");
    assert_eq!(f.plan_id().as_str(), "test-2022");
    assert_eq!(f.adopted().signed_on, Some(date(2021, 12, 15)));
    let kinds: Vec<Kind> = f.events().iter().map(Event::kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::PlanAdopted,
            Kind::ActivityAdded,
            Kind::ActivityAdded,
            Kind::TargetSet,
            Kind::TargetSet,
            Kind::TargetSet,
            Kind::TargetSet,
            Kind::TargetSet,
            Kind::DeadlineSet,
            Kind::DeadlineSet,
        ]
    );
    let ids: Vec<&str> = f.targets().iter().map(|t| t.target.id.as_str()).collect();
    assert_eq!(
        ids,
        ["fotpatrullering-raslatt", "fotpatrullering-oxnehaga", "narkotikabrott", "ssg-moten", "lagesbild-oxnehaga"]
    );
    assert_eq!(f.targets()[1].target.areas[0].as_str(), "oxnehaga");
    assert_eq!(f.targets()[3].activity.as_str(), "ssg");
    match &f.targets()[2].target.goal {
        Goal::Count { comparator: Comparator::AtLeast, value: 52, ratio: Some(r) } => {
            assert_eq!((r.sub.as_str(), r.at_least_percent), ("forstagangsanvandare", 20));
        }
        other => panic!("unexpected goal {other:?}"),
    }
    assert_eq!(f.targets()[4].target.goal, Goal::Cadence { every: Cadence::Monthly });
    assert_eq!(f.deadlines()[1].due, date(2023, 1, 16));
    assert_eq!(GOOD.parse::<PlanFile>(), Ok(f));
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let m = message(&with("municipality = ", "kommun = "));
    assert!(m.contains("line 5, column 1"), "{m}");
    assert!(m.contains("unknown field `kommun`"), "{m}");
    assert!(refused(&with("at_least = 8\n", "at_least = 8\n  colour = \"red\"\n")).place().is_none());
    let m = message(&with(r#"lead = "kommunen""#, r#"lead = "Kommunen""#));
    assert!(m.contains("must start with a letter or digit"), "{m}");
    let m = message(&with(r#"due = "2022-05-16""#, r#"due = "16/5""#));
    assert!(m.contains("not a date"), "{m}");
    let m = message(&with("due = 2023-01-16", "due = 2023-01-16T12:00:00"));
    assert!(m.contains("column 7") && m.contains("expected a date"), "{m}");
    let m = message(&with(r#"every = "monthly""#, r#"every = "daily""#));
    assert!(m.contains("daily"), "{m}");
}

#[test]
fn duplicate_ids_are_refused() {
    let twice = |table: &str, entry: &str| format!("{GOOD}\n[[{table}]]\n{entry}\n");
    assert_eq!(
        message(&twice("actors", "id = \"polisen\"\nname = \"Polisen igen\"")),
        r#"actors[2].id: duplicate id "polisen""#
    );
    assert_eq!(
        message(&twice("areas", "id = \"raslatt\"\nname = \"Råslätt\"")),
        r#"areas[2].id: duplicate id "raslatt""#
    );
    assert_eq!(
        message(&twice("promises", "id = \"lagesbild\"\ntitle = \"Igen\"")),
        r#"promises[1].id: duplicate id "lagesbild""#
    );
    assert_eq!(
        message(&twice("activities", "id = \"ssg\"\npromise = \"lagesbild\"\ntitle = \"Igen\"\nlead = \"polisen\"")),
        r#"activities[2].id: duplicate id "ssg""#
    );
    // Target ids are unique across the plan, each_area expansions included.
    assert_eq!(
        message(&with(r#"id = "ssg-moten""#, r#"id = "narkotikabrott""#)),
        r#"activities[1].targets[0].id: duplicate id "narkotikabrott""#
    );
    assert_eq!(
        message(&with(r#"id = "ssg-moten""#, r#"id = "fotpatrullering-oxnehaga""#)),
        r#"activities[1].targets[0].id: duplicate id "fotpatrullering-oxnehaga""#
    );
}

#[test]
fn activity_references_must_be_declared() {
    assert_eq!(
        message(&with(r#"promise = "lagesbild""#, r#"promise = "drogfri""#)),
        r#"activities[0].promise: unknown promise "drogfri""#
    );
    assert_eq!(
        message(&with(r#"lead = "kommunen""#, r#"lead = "polis""#)),
        r#"activities[1].lead: unknown organisation "polis""#
    );
    assert_eq!(
        message(&with(r#"participants = ["kommunen"]"#, r#"participants = ["kommunen", "vatterhem"]"#)),
        r#"activities[0].participants[1]: unknown organisation "vatterhem""#
    );
    assert_eq!(
        message(&with(r#"areas = ["raslatt", "oxnehaga"]"#, r#"areas = ["raslatt", "ekhagen"]"#)),
        r#"activities[0].areas[1]: unknown area "ekhagen""#
    );
    assert!(matches!(
        refused(&with(r#"areas = ["raslatt", "oxnehaga"]"#, r#"areas = ["raslatt", "raslatt"]"#)),
        PlanFileError::Repeated { .. }
    ));
    assert_eq!(
        message(&with(r#"participants = ["kommunen"]"#, r#"participants = ["polisen"]"#)),
        r#"activities[0].participants[0]: "polisen" leads the activity already"#
    );
}

#[test]
fn target_areas_must_be_the_activitys() {
    // Declared in the plan, but not one of the activity's areas.
    let text = format!("{GOOD}\n[[areas]]\nid = \"ekhagen\"\nname = \"Ekhagen\"\n");
    let text = text.replacen(r#"areas = ["raslatt"]"#, r#"areas = ["ekhagen"]"#, 1);
    assert_eq!(
        message(&text),
        r#"activities[0].targets[1].areas[0]: area "ekhagen" is not among the activity's areas"#
    );
    // Not declared at all.
    assert_eq!(
        message(&with(r#"areas = ["raslatt"]"#, r#"areas = ["huskvarna"]"#)),
        r#"activities[0].targets[1].areas[0]: unknown area "huskvarna""#
    );
    // An activity without areas concerns the whole municipality: any declared area will do,
    // but each_area needs some area to expand over.
    assert!(parse(&with(r#"areas = ["oxnehaga"]"#, r#"areas = ["raslatt"]"#)).is_ok());
    let text = with(r#"text = "minst åtta gånger under året""#, "text = \"x\"\n  each_area = true");
    assert_eq!(
        message(&text),
        "activities[1].targets[0].each_area: needs areas to expand over: \
         list them in the target's or the activity's `areas`"
    );
}

#[test]
fn a_target_has_exactly_one_goal() {
    assert_eq!(
        message(&with("at_least = 8\n", "at_least = 8\n  exactly = 8\n")),
        "activities[1].targets[0]: give exactly one of `at_least`, `exactly` or `every` \
         (found `at_least` and `exactly`)"
    );
    assert_eq!(
        message(&with("at_least = 8\n", "\n")),
        "activities[1].targets[0]: give exactly one of `at_least`, `exactly` or `every` (found none)"
    );
    assert!(matches!(
        refused(&with("at_least = 8\n", "at_least = 8\n  every = \"weekly\"\n")),
        PlanFileError::Goal { .. }
    ));
    assert_eq!(
        message(&with(r#"every = "monthly""#, "every = \"monthly\"\n  ratio = { sub = \"x\", at_least_percent = 5 }")),
        "activities[1].targets[1].ratio: a ratio goes with `at_least` or `exactly`, not with `every`"
    );
    assert_eq!(
        message(&with("at_least_percent = 20", "at_least_percent = 120")),
        "activities[0].targets[1].ratio.at_least_percent: a share is at most 100 percent, got 120"
    );
    assert!(message(&with("at_least = 8\n", "at_least = 8\n  ratio = { sub = \"x\", at_least_percent = 5 }\n"))
        .starts_with("activities[1].targets[0].ratio: \"meetings\" counts events"));
    assert!(message(&with("at_least = 8\n", "at_least = 8000000\n")).starts_with("activities[1].targets[0].at_least:"));
}

#[test]
fn deadlines_lie_within_the_plan() {
    let m = message(&with(r#"tertial = "2022-T3""#, r#"tertial = "2023-T1""#));
    assert_eq!(m, "deadlines[1].tertial: tertial 2023-T1 lies outside the plan period 2022-01-01..2022-12-31");
    assert!(matches!(
        refused(&with(r#"tertial = "2022-T3""#, r#"tertial = "2022-T1""#)),
        PlanFileError::Repeated { .. }
    ));
    assert_eq!(
        message(&with(r#"due = "2022-05-16""#, r#"due = "2021-12-20""#)),
        "deadlines[0].due: a follow-up cannot be due (2021-12-20) before its tertial 2022-T1 starts"
    );
}

#[test]
fn coordinators_work_for_a_declared_organisation() {
    assert_eq!(
        message(&with(r#"org = "polisen""#, r#"org = "lansstyrelsen""#)),
        r#"coordinators[0].org: unknown organisation "lansstyrelsen""#
    );
}

#[test]
fn a_plan_has_actors_coordinators_and_promises() {
    let cut = |from: &str, to: &str| {
        let (a, rest) = GOOD.split_once(from).expect("fixture has the start marker");
        let (_, b) = rest.split_once(to).expect("fixture has the end marker");
        format!("{a}{to}{b}")
    };
    assert_eq!(refused(&cut("[[coordinators]]", "[[areas]]")).place(), Some("coordinators"));
    assert_eq!(refused(&cut("[[promises]]", "[[activities]]")).place(), Some("promises"));
    let no_actors =
        "[plan]\nid = \"x\"\ntitle = \"x\"\nmunicipality = \"x\"\npolice_area = \"x\"\nperiod = \"2022-01-01\"\n";
    assert_eq!(refused(no_actors).place(), Some("actors"));
}
