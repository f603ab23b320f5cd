use jiff::civil::date;
use lofte_proto::{
    ids::{OrgId, PlanId},
    people::{Person, PersonRole},
    tertial::Tertial,
};
use serde_json::{json, Value};

use super::*;

fn t(n: u8) -> Tertial {
    Tertial::new(2022, n).unwrap()
}

/// Two activities: `a` (Polisen leads, Kommunen takes part), `b` (Kommunen alone).
fn summary() -> Value {
    let empty = json!({"pending": ["polisen", "kommunen"], "submitted": {}, "status": null, "late_amendments": []});
    json!({
        "plan": "p", "title": "Medborgarlöfte 2022",
        "tertials": ["2022-T1", "2022-T2", "2022-T3"],
        "approved": {"2022-T1": "2022-06-03T08:00:00Z"},
        "deadlines": {"2022-T2": "2022-09-14"},
        "organisations": {"polisen": "Polisen", "kommunen": "Jönköpings kommun"},
        "promises": [{"title": "Trygg stad", "activities": [
            {"id": "a", "title": "Fotpatrullering", "lead": "polisen", "participants": ["kommunen"], "cells": {
                "2022-T1": {"pending": ["kommunen"], "submitted": {"polisen": "x"}, "late_amendments": ["e1", "e2"]},
                "2022-T2": {"pending": ["kommunen"], "submitted": {"polisen": "x"}, "dialogues": [{}]},
                "2022-T3": empty.clone(),
            }},
            {"id": "b", "title": "SSG", "lead": "kommunen", "participants": [], "cells": {
                "2022-T1": {"pending": [], "submitted": {"kommunen": "y"}},
                "2022-T2": {"pending": [], "submitted": {"kommunen": "y"}},
                "2022-T3": {"pending": ["kommunen"], "notes": [{"text": "Pågår"}]},
            }},
        ]}]
    })
}

fn states(o: &Overview, row: usize) -> Vec<State> {
    o.promises[0].rows[row].cells.iter().map(|c| c.state).collect()
}

#[test]
fn every_state_from_the_summary() {
    let s = summary();
    // 1 August 2022: T2 is open (due 14 September), T3 has not begun.
    let o = overview(&s, date(2022, 8, 1), 14);
    assert_eq!(states(&o, 0), [State::Approved, State::InProgress, State::Upcoming]);
    assert_eq!(states(&o, 1), [State::Approved, State::Submitted, State::Upcoming]);
    // 1 October: T2 is late for the one still owing; T3 has begun.
    let o = overview(&s, date(2022, 10, 1), 14);
    assert_eq!(states(&o, 0), [State::Approved, State::Late, State::NotReported]);
    assert_eq!(states(&o, 1), [State::Approved, State::Submitted, State::InProgress]);
    // The due day itself is not late.
    assert_eq!(states(&overview(&s, date(2022, 9, 14), 14), 0)[1], State::InProgress);
    assert_eq!(o.promises[0].rows[0].cells[0].late_amendments, 2);
    assert_eq!(o.promises[0].rows[0].cells[1].pending, ["Jönköpings kommun"]);
}

#[test]
fn every_state_has_words_and_a_class() {
    let words: Vec<&str> = State::ALL.iter().map(|s| s.words()).collect();
    assert_eq!(words, ["ej rapporterat", "pågår", "kommande", "försenad", "inlämnad", "godkänd"]);
    assert!(State::ALL.iter().all(|s| s.class().starts_with("state-")));
}

#[test]
fn tertials_say_due_dates_approval_and_who_owes_what() {
    let o = overview(&summary(), date(2022, 10, 1), 14);
    let [t1, t2, t3] = &o.tertials[..] else { panic!("three tertials") };
    assert_eq!(t1.approved.as_deref(), Some("3 juni 2022"));
    assert!(t1.owed.is_empty(), "an approved tertial owes nothing");
    // T1 has no deadline of its own: 14 days after 30 April is 14 May, a Saturday → Friday 13th.
    assert_eq!((t1.due, t1.declared), (date(2022, 5, 13), false));
    assert_eq!((t2.due, t2.declared), (date(2022, 9, 14), true));
    assert_eq!(t2.owed, [Owed { org: "Jönköpings kommun".into(), activities: vec!["Fotpatrullering".into()] }]);
    assert_eq!(t2.counts, [(State::Late, 1), (State::Submitted, 1)]);
    assert_eq!(t3.owed.len(), 2, "Polisen and Kommunen");
    assert_eq!(t3.owed[1].activities, ["Fotpatrullering", "SSG"]);
}

#[test]
fn missing_lists_activities_without_every_follow_up() {
    let s = summary();
    assert_eq!(missing(&s, t(2)), [("Fotpatrullering".to_owned(), vec!["Jönköpings kommun".to_owned()])]);
    assert_eq!(missing(&s, t(3)).len(), 2);
    assert_eq!((late_amendments(&s, t(1)), late_amendments(&s, t(2))), (2, 0));
}

fn coordinator(orgs: &[&str], plans: &[&str]) -> Person {
    Person {
        id: uuid::Uuid::nil(),
        role: PersonRole::Coordinator,
        orgs: orgs.iter().map(|o| OrgId::new(*o).unwrap()).collect(),
        plans: plans.iter().map(|p| PlanId::new(*p).unwrap()).collect(),
        name: None,
        email: None,
        erased_at: None,
    }
}

#[test]
fn a_coordinator_coordinates_their_plans_for_an_organisation_of_the_plan() {
    let s = summary();
    assert!(coordinates(&coordinator(&["kommunen"], &[]), &s));
    assert!(coordinates(&coordinator(&["kommunen"], &["p"]), &s));
    assert!(!coordinates(&coordinator(&["kommunen"], &["q"]), &s));
    assert!(!coordinates(&coordinator(&["vatterhem"], &[]), &s));
    assert_eq!(actor(&coordinator(&["vatterhem", "polisen"], &[]), &s).as_deref(), Some("polisen"));
}

#[test]
fn a_due_date_is_a_real_day_in_a_sensible_range() {
    let today = date(2022, 8, 1);
    assert_eq!(due_date(" 2022-05-16 ", t(1), today), Ok(date(2022, 5, 16)));
    for bad in ["", "16/5", "2022-5-16", "20220516", "2022-05-16x", "ÅÅÅÅ-MM-DD"] {
        assert!(due_date(bad, t(1), today).is_err(), "{bad}");
    }
    assert!(due_date("2022-02-30", t(1), today).unwrap_err().contains("finns inte"));
    assert!(due_date("2021-12-31", t(1), today).unwrap_err().contains("före tertial 1 2022"));
    assert_eq!(due_date("2023-08-01", t(1), today), Ok(date(2023, 8, 1)), "a year after today");
    assert!(due_date("2023-08-02", t(1), today).unwrap_err().contains("1 augusti 2023"));
    // A late tertial can be given time a year from today.
    assert!(due_date("2026-01-10", t(1), date(2025, 6, 1)).is_ok());
}

#[test]
fn dates_are_said_in_swedish() {
    assert_eq!(swedish_date(date(2022, 5, 16)), "16 maj 2022");
}
