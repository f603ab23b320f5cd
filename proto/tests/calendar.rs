//! Due dates from a sample plan: declared deadlines (moved off weekends and holidays) and the
//! default when a plan sets none.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::{civil::date, Timestamp};
use lofte_proto::{
    calendar::{due_date, ReminderPolicy},
    event::{DeadlineSet, Event},
    plan::PlanBook,
    planfile, Tertial,
};

#[test]
fn declared_and_default_due_dates() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/plans/jonkoping-2022.toml");
    let pf = planfile::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut book = PlanBook::default();
    for e in pf.events() {
        book.apply(pf.plan_id(), &e, Timestamp::UNIX_EPOCH);
    }
    let policy = ReminderPolicy::default();
    let t1: Tertial = "2022-T1".parse().unwrap();
    let state = book.get(pf.plan_id()).unwrap();
    let declared = *state.deadlines.get(&t1).unwrap();
    let due = due_date(state, t1, &policy);
    assert!(due <= declared && lofte_proto::calendar::is_working_day(due));

    // A deadline on a Sunday moves to the Friday before.
    book.apply(
        pf.plan_id(),
        &Event::DeadlineSet(DeadlineSet { tertial: t1, due: date(2022, 5, 15) }),
        Timestamp::UNIX_EPOCH,
    );
    assert_eq!(due_date(book.get(pf.plan_id()).unwrap(), t1, &policy), date(2022, 5, 13));

    // Without a deadline: 15 days after the tertial's last day (31 Dec + 15 = 15 Jan 2023, a
    // Sunday → Friday 13 January).
    let mut state = book.get(pf.plan_id()).unwrap().clone();
    state.deadlines.clear();
    assert_eq!(due_date(&state, "2022-T3".parse().unwrap(), &policy), date(2023, 1, 13));
}
