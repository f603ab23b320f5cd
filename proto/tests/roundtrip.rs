//! Property tests: any event survives the trip through the wire form (`NewEvent` → command) and
//! through sealing into the chain and decoding from the stored bytes, unchanged.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use jiff::civil::date;
use lofte_proto::{
    chain::canonical,
    command::{new_event, parse_command},
    date::BusinessDate,
    envelope::Envelope,
    event::{DialogueHeld, Event, MeasureCounted, NoteWritten, Status, StatusChanged},
    ids::{ActivityId, AreaId, LedgerId, OrgId, PlanId, TargetId},
    quantity::{Approx, Hours},
    text::{Line, Note},
    until::Until,
    upcast::Upcasters,
    Hash, Tertial,
};
use proptest::prelude::*;

fn slug() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,20}"
}

fn line() -> impl Strategy<Value = Line> {
    "[A-Za-zÅÄÖåäö0-9 ,.:!?\"\\\\/-]{1,60}".prop_filter_map("blank", |s| Line::new(s).ok())
}

fn business_date() -> impl Strategy<Value = BusinessDate> {
    (1i8..=12, 1i8..=26, 0i8..3, any::<bool>()).prop_map(|(m, d, span, separate)| {
        let from = date(2022, m, d);
        match separate && span > 0 {
            // One entry on separate days: "3/10 och 17/10".
            true => BusinessDate::days(vec![from, date(2022, m, d + span)]).unwrap(),
            false => BusinessDate::range(from, date(2022, m, d + span)).unwrap(),
        }
    })
}

fn approx() -> impl Strategy<Value = Approx> {
    (0u64..100_000, 0usize..5).prop_map(|(n, form)| {
        let said = match form {
            0 => n.to_string(),
            1 => format!("ca {n}"),
            2 => format!("ett {n}-tal"),
            3 => format!("{n}-{}", n + 10),
            _ => format!("minst {n}"),
        };
        said.parse().unwrap()
    })
}

fn event() -> impl Strategy<Value = Event> {
    let measure = (
        slug(),
        business_date(),
        slug(),
        approx(),
        proptest::option::of(0u32..10_000_000),
        proptest::option::of(slug()),
        0u64..50,
    )
        .prop_map(|(a, date, metric, count, hours, area, sub)| {
            let mut subs = BTreeMap::new();
            if sub <= count.value() {
                subs.insert(TargetId::new("forstagangsanvandare").unwrap(), sub);
            }
            Event::MeasureCounted(MeasureCounted {
                activity: ActivityId::new(a).unwrap(),
                date,
                metric: TargetId::new(metric).unwrap(),
                count,
                hours: hours.map(|h| Hours::from_hundredths(h).unwrap()),
                area: area.map(|x| AreaId::new(x).unwrap()),
                sub: subs,
            })
        });
    let dialogue = (slug(), business_date(), proptest::option::of(line()), line(), proptest::option::of(approx()))
        .prop_map(|(a, date, place, topic, p)| {
            Event::DialogueHeld(DialogueHeld {
                activity: ActivityId::new(a).unwrap(),
                date,
                place,
                topic,
                area: None,
                participants: p,
            })
        });
    let note = (slug(), 1u8..=3, "[A-Za-zÅÄÖåäö0-9 ,.\n\t]{1,400}").prop_filter_map("blank", |(a, t, text)| {
        Some(Event::NoteWritten(NoteWritten {
            activity: ActivityId::new(a).unwrap(),
            tertial: Tertial::new(2022, t).unwrap(),
            text: Note::new(text).ok()?,
        }))
    });
    let status = (slug(), 1u8..=3, any::<bool>(), any::<bool>()).prop_map(|(a, t, postponed, to_a_month)| {
        Event::StatusChanged(StatusChanged {
            activity: ActivityId::new(a).unwrap(),
            tertial: Tertial::new(2022, t).unwrap(),
            status: if postponed { Status::Postponed } else { Status::None },
            until: postponed.then(|| match to_a_month {
                true => Until::Month { year: 2023, month: 1 },
                false => Until::Day(date(2023, 1, 15)),
            }),
            note: None,
        })
    });
    prop_oneof![measure, dialogue, note, status]
}

proptest! {
    #[test]
    fn the_wire_form_round_trips(e in event()) {
        let plan = PlanId::new("jonkoping-2022").unwrap();
        let actor = OrgId::new("polisen").unwrap();
        let body = serde_json::to_vec(&new_event(&plan, &actor, &e)).unwrap();
        let cmd = parse_command(&body).unwrap();
        prop_assert_eq!(cmd.event, e);
    }

    #[test]
    fn sealed_events_decode_to_themselves(e in event(), seq in 1u64..1_000_000) {
        let env = Envelope {
            id: uuid::Uuid::now_v7(),
            ledger: LedgerId::new("jkpg").unwrap(),
            seq,
            prev_hash: Hash::of(&seq.to_be_bytes()),
            hash: Hash::GENESIS,
            recorded_at: jiff::Timestamp::from_millisecond(1_650_000_000_000 + seq as i64).unwrap(),
            plan: PlanId::new("jonkoping-2022").unwrap(),
            stream: "activity/jonkoping-2022/x".into(),
            stream_version: seq,
            actor: OrgId::new("polisen").unwrap(),
            author: "polisen".into(),
            schema: e.kind().schema_version(),
            event: e,
            correlation_id: None,
            causation_id: Some(uuid::Uuid::now_v7()),
            idempotency_key: Some(format!("k-{seq}")),
        };
        let (sealed, bytes) = env.seal();
        let back = Envelope::decode(&bytes, &Upcasters::standard()).unwrap();
        prop_assert_eq!(&back, &sealed);
        // The stored bytes are canonical, and the hash covers them.
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        prop_assert_eq!(canonical(&v), bytes);
        prop_assert_eq!(Hash::link(&sealed.prev_hash, &Envelope::hashed_bytes(&v)), sealed.hash);
    }
}
