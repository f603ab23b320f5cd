//! given(events) / when(command) / then(stream or rejection): the decision rules, pure.

use jiff::Timestamp;
use lofte_ledger::decide::{decide, Decision, EventFacts, MemoryFacts, Rejection};
use lofte_proto::{command::parse_command, plan::PlanBook, Command};
use serde_json::{json, Value};
use uuid::Uuid;

use super::common::{patrol, plan_commands, PLAN};

fn cmd(v: &Value) -> Command {
    parse_command(v.to_string().as_bytes()).expect("a well-formed command")
}

/// The state after `events`, each of which must be accepted; returns the ids given to them.
struct Given {
    book: PlanBook,
    facts: MemoryFacts,
    ids: Vec<Uuid>,
}

fn given(events: &[Value]) -> Given {
    let mut g = Given { book: PlanBook::default(), facts: MemoryFacts::default(), ids: vec![] };
    for v in events {
        let c = cmd(v);
        let d = decide(&g.book, &g.facts, &c).unwrap_or_else(|r| panic!("given event refused: {r}"));
        // Deterministic ids, so that two `given`s of the same events agree.
        let id = Uuid::from_u128(g.ids.len() as u128 + 1);
        g.book.apply(&c.plan, &c.event, Timestamp::UNIX_EPOCH);
        if let lofte_proto::Event::EventRetracted(r) = &c.event {
            g.facts.retracted.insert(r.event);
        }
        g.facts.events.insert(
            id,
            EventFacts {
                plan: c.plan.clone(),
                kind: c.event.kind(),
                actor: c.actor.clone(),
                stream: d.stream,
                activity: c.event.activity().cloned(),
            },
        );
        g.ids.push(id);
    }
    g
}

impl Given {
    fn when(&self, v: &Value) -> Result<Decision, Rejection> {
        decide(&self.book, &self.facts, &cmd(v))
    }
}

fn then_rejected(r: Result<Decision, Rejection>, code: &str, field: &str) {
    let r = r.expect_err("should be refused");
    assert_eq!((r.code, r.field.as_str()), (code, field), "{}", r.detail);
}

fn set(mut v: Value, path: &[&str], x: Value) -> Value {
    let mut cur = &mut v;
    for p in &path[..path.len() - 1] {
        cur = &mut cur[*p];
    }
    cur[path[path.len() - 1]] = x;
    v
}

#[test]
fn an_occurrence_goes_to_its_activity_stream() {
    let g = given(&plan_commands());
    let d = g.when(&patrol("2022-03-01", json!("ca 35"))).unwrap();
    assert_eq!(d.stream, format!("activity/{PLAN}/fotpatrullering"));
}

#[test]
fn plan_changes_go_to_the_plan_stream() {
    let g = given(&plan_commands()[..1]);
    assert_eq!(g.when(&plan_commands()[1]).unwrap().stream, format!("plan/{PLAN}"));
}

#[test]
fn nothing_can_be_recorded_for_an_unknown_plan() {
    then_rejected(given(&[]).when(&patrol("2022-03-01", json!(3))), "unknown-plan", "plan");
}

#[test]
fn a_plan_is_adopted_once() {
    then_rejected(given(&plan_commands()).when(&plan_commands()[0]), "plan-exists", "plan");
}

#[test]
fn an_activity_id_is_unique() {
    then_rejected(given(&plan_commands()).when(&plan_commands()[1]), "activity-exists", "data.id");
}

#[test]
fn unknown_activity_area_and_organisation_are_refused() {
    let g = given(&plan_commands());
    let p = patrol("2022-03-01", json!(3));
    then_rejected(
        g.when(&set(p.clone(), &["data", "activity"], json!("nattvandring"))),
        "unknown-activity",
        "data.activity",
    );
    then_rejected(g.when(&set(p.clone(), &["data", "area"], json!("ekhagen"))), "unknown-area", "data.area");
    // Huskvarna is an area of the plan but not of this activity.
    then_rejected(g.when(&set(p.clone(), &["data", "area"], json!("huskvarna"))), "unknown-area", "data.area");
    then_rejected(g.when(&set(p, &["actor"], json!("brottsofferjouren"))), "unknown-organisation", "actor");
}

#[test]
fn an_actor_that_takes_no_part_is_refused() {
    let g = given(&plan_commands());
    then_rejected(
        g.when(&set(patrol("2022-03-01", json!(3)), &["actor"], json!("vatterhem"))),
        "not-involved",
        "actor",
    );
    // Polisen participates in SSG, which Kommunen leads.
    let meeting = json!({"plan": PLAN, "actor": "polisen", "kind": "meeting_held",
        "data": {"activity": "ssg", "date": "2022-02-10", "title": "SSG-möte", "participants": "ett 20-tal"}});
    assert!(g.when(&meeting).is_ok());
}

#[test]
fn a_business_date_outside_the_plan_period_is_refused_until_extended() {
    let mut events = plan_commands();
    let g = given(&events);
    then_rejected(g.when(&patrol("2023-01-10", json!(3))), "outside-plan-period", "data.date");
    then_rejected(g.when(&patrol("2022-12-31..2023-01-01", json!(3))), "outside-plan-period", "data.date");
    events.push(json!({"plan": PLAN, "actor": "kommunen", "kind": "plan_extended",
        "data": {"until": "2023-12-31", "reason": "Förlängt till att gälla även 2023"}}));
    assert!(given(&events).when(&patrol("2023-01-10", json!(3))).is_ok());
}

#[test]
fn a_sub_count_cannot_exceed_its_count() {
    let g = given(&plan_commands());
    let p = set(patrol("2022-03-01", json!(10)), &["data", "sub"], json!({"forstagangsanvandare": 11}));
    then_rejected(g.when(&p), "invalid", "data.sub.forstagangsanvandare");
}

#[test]
fn postponing_needs_a_date() {
    let g = given(&plan_commands());
    let s = json!({"plan": PLAN, "actor": "kommunen", "kind": "status_changed",
        "data": {"activity": "ssg", "tertial": "2022-T3", "status": "postponed"}});
    then_rejected(g.when(&s), "invalid", "data.until");
    assert!(g.when(&set(s, &["data", "until"], json!("2023-02-01"))).is_ok());
}

#[test]
fn a_tertial_outside_the_plan_is_refused() {
    let g = given(&plan_commands());
    let s = json!({"plan": PLAN, "actor": "kommunen", "kind": "note_written",
        "data": {"activity": "ssg", "tertial": "2023-T1", "text": "Inga aktiviteter under tertialen."}});
    then_rejected(g.when(&s), "outside-plan-period", "data.tertial");
}

#[test]
fn a_tertial_can_be_approved_again_to_take_in_late_amendments() {
    let mut events = plan_commands();
    let approve =
        json!({"plan": PLAN, "actor": "kommunen", "kind": "follow_up_approved", "data": {"tertial": "2022-T1"}});
    events.push(approve.clone());
    let again = json!({"plan": PLAN, "actor": "kommunen", "kind": "follow_up_approved",
        "data": {"tertial": "2022-T1", "note": "Med sena tillägg"}});
    assert!(given(&events).when(&again).is_ok());
    let outside =
        json!({"plan": PLAN, "actor": "kommunen", "kind": "follow_up_approved", "data": {"tertial": "2023-T1"}});
    then_rejected(given(&events).when(&outside), "outside-plan-period", "data.tertial");
}

#[test]
fn corrections_follow_the_corrected_event() {
    let mut events = plan_commands();
    events.push(patrol("2022-03-01", json!(3)));
    let g = given(&events);
    let target = g.ids[3];
    let mut replacement = patrol("2022-03-02", json!(4));
    replacement.as_object_mut().unwrap().remove("plan");
    replacement.as_object_mut().unwrap().remove("actor");
    let correct = json!({"plan": PLAN, "actor": "polisen", "kind": "event_corrected",
        "data": {"event": target, "reason": "Fel datum", "replacement": replacement}});
    assert_eq!(g.when(&correct).unwrap().stream, format!("activity/{PLAN}/fotpatrullering"));
    // Only the organisation that recorded it may correct it.
    then_rejected(g.when(&set(correct.clone(), &["actor"], json!("kommunen"))), "not-involved", "actor");
    // A plan event is not an occurrence.
    then_rejected(g.when(&set(correct.clone(), &["data", "event"], json!(g.ids[1]))), "not-correctable", "data.event");
    // The replacement must be of the same kind and stay within the plan's period.
    let wrong_date = set(correct.clone(), &["data", "replacement", "data", "date"], json!("2023-05-01"));
    then_rejected(g.when(&wrong_date), "outside-plan-period", "data.replacement.data.date");
    then_rejected(g.when(&set(correct, &["data", "event"], json!(Uuid::now_v7()))), "unknown-event", "data.event");
}

#[test]
fn a_retracted_event_cannot_be_retracted_again() {
    let mut events = plan_commands();
    events.push(patrol("2022-03-01", json!(3)));
    let target = given(&events).ids[3];
    let retract = json!({"plan": PLAN, "actor": "polisen", "kind": "event_retracted",
        "data": {"event": target, "reason": "Dubbelregistrerad"}});
    events.push(retract.clone());
    then_rejected(given(&events).when(&retract), "already-retracted", "data.event");
}

#[test]
fn targets_must_name_the_activitys_areas() {
    let g = given(&plan_commands());
    let t = json!({"plan": PLAN, "actor": "kommunen", "kind": "target_set", "data": {"activity": "fotpatrullering",
        "target": {"id": "fot-raslatt", "metric": "fotpatrullering", "areas": ["raslatt"], "text": "minst 800 registrerade tillfällen",
                   "goal": {"type": "count", "comparator": "at_least", "value": 800}}}});
    assert!(g.when(&t).is_ok());
    then_rejected(
        g.when(&set(t, &["data", "target", "areas"], json!(["huskvarna"]))),
        "unknown-area",
        "data.target.areas[0]",
    );
}

#[test]
fn a_plans_coordinators_must_belong_to_its_organisations() {
    let mut p = plan_commands()[0].clone();
    p["data"]["coordinators"][0]["org"] = json!("lansstyrelsen");
    then_rejected(given(&[]).when(&p), "unknown-organisation", "data.coordinators[0].org");
}

#[test]
fn an_amended_activity_admits_its_new_participants() {
    let mut events = plan_commands();
    let dialogue = json!({"plan": PLAN, "actor": "vatterhem", "kind": "dialogue_held", "data": {
        "activity": "ssg", "date": "2022-06-02", "place": "Öxnehaga torg", "topic": "Trygghetsvandring"}});
    then_rejected(given(&events).when(&dialogue), "not-involved", "actor");
    events.push(json!({"plan": PLAN, "actor": "kommunen", "kind": "activity_amended", "data": {
        "activity": "ssg", "participants": ["polisen", "vatterhem"], "reason": "Vätterhem deltar från maj"}}));
    assert!(given(&events).when(&dialogue).is_ok());
    let bad = json!({"plan": PLAN, "actor": "kommunen", "kind": "activity_amended", "data": {
        "activity": "ssg", "participants": ["brottsofferjouren"], "reason": "x"}});
    then_rejected(given(&events).when(&bad), "unknown-organisation", "data.participants[0]");
}
