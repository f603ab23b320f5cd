//! The index, its filters, pages and correction chains, on a made-up log.

use std::collections::BTreeMap;

use lofte_proto::envelope::Envelope;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{
    filter::{page, parse, Cursor},
    History,
};

fn env(seq: u64, id: Uuid, at: &str, actor: &str, kind: &str, data: Value) -> Envelope {
    serde_json::from_value(json!({
        "id": id, "ledger": "local", "seq": seq, "prev_hash": "0".repeat(64), "hash": "0".repeat(64),
        "recorded_at": at, "plan": "jonkoping-2022", "stream": "s", "stream_version": seq, "actor": actor,
        "author": if actor == "polisen" { "person:1:via:web" } else { "kommunen" }, "kind": kind, "data": data, "schema": 1
    }))
    .unwrap()
}

fn dialogue(seq: u64, day: u32, topic: &str) -> Envelope {
    let data = json!({"activity": "samverkansmoten", "date": format!("2022-01-{day:02}"), "topic": topic, "participants": "ca 35"});
    env(seq, Uuid::now_v7(), &format!("2022-05-{day:02}T08:00:00Z"), "polisen", "dialogue_held", data)
}

/// An activity, 120 dialogues, then the 7th corrected twice and retracted.
fn log() -> (History, Uuid) {
    let mut h = History::default();
    let added = json!({"id": "samverkansmoten", "promise": "p1", "title": "Samverkansmöten", "lead": "polisen"});
    h.add(&env(1, Uuid::now_v7(), "2022-01-01T08:00:00Z", "kommunen", "activity_added", added));
    let mut seventh = Uuid::nil();
    for i in 0..120u64 {
        let d = dialogue(i + 2, (i % 28 + 1) as u32, if i == 6 { "Gängsnacket" } else { "Trygghet" });
        if i == 6 {
            seventh = d.id;
        }
        h.add(&d);
    }
    let fix = |seq, why: &str, p: &str| {
        let replacement = json!({"kind": "dialogue_held", "data": {"activity": "samverkansmoten", "date": "2022-01-07", "topic": "Gängsnacket", "participants": p}});
        env(
            seq,
            Uuid::now_v7(),
            "2022-06-01T08:00:00Z",
            "polisen",
            "event_corrected",
            json!({"event": seventh, "reason": why, "replacement": replacement}),
        )
    };
    h.add(&fix(122, "Fel antal", "ca 40"));
    h.add(&fix(123, "Fel igen", "ca 45"));
    h.add(&env(
        124,
        Uuid::now_v7(),
        "2022-06-02T08:00:00Z",
        "polisen",
        "event_retracted",
        json!({"event": seventh, "reason": "Dubbelregistrerat"}),
    ));
    (h, seventh)
}

fn q(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[test]
fn unfiltered_pages_go_newest_first_and_back() {
    let (h, _) = log();
    let f = parse(&q(&[]), &h).unwrap();
    let first = page(&h, &f, Cursor::Newest, 50);
    assert_eq!((first.total, first.rows.len(), first.rows[0].seq, first.rows[49].seq), (124, 50, 124, 75));
    assert_eq!((first.newer, first.older), (None, Some(75)));
    let second = page(&h, &f, Cursor::Before(75), 50);
    assert_eq!((second.rows[0].seq, second.rows[49].seq, second.newer, second.older), (74, 25, Some(74), Some(25)));
    let last = page(&h, &f, Cursor::Before(25), 50);
    assert_eq!((last.rows.len(), last.rows[23].seq, last.older), (24, 1, None));
    let back = page(&h, &f, Cursor::After(74), 50);
    assert_eq!((back.rows[0].seq, back.rows[49].seq, back.newer), (124, 75, None));
}

#[test]
fn each_filter_narrows_the_list() {
    let (h, seventh) = log();
    let n = |pairs: &[(&str, &str)]| page(&h, &parse(&q(pairs), &h).unwrap(), Cursor::Newest, 500).total;
    assert_eq!(n(&[("typ", "event_corrected")]), 2);
    assert_eq!(n(&[("organisation", "kommunen")]), 1);
    assert_eq!(n(&[("forfattare", "person:1:via:web")]), 123);
    assert_eq!(
        n(&[("aktivitet", "jonkoping-2022/samverkansmoten")]),
        124,
        "added, its dialogues, and the retraction is about what it retracts"
    );
    assert_eq!(n(&[("fritext", "GÄNGSNACKET")]), 3, "the dialogue and its two corrections");
    assert_eq!(n(&[("fritext", "gängsnacket ca 45")]), 1);
    assert_eq!(n(&[("fritext", &seventh.to_string())]), 4, "an id finds the event and what corrects or retracts it");
    assert_eq!(n(&[("fritext", "dubbelregistrerat")]), 1);
    // 2022-05-01 08:00Z is 10:00 in Stockholm: from that day to the next, inclusive.
    assert_eq!(n(&[("fran", "2022-05-01"), ("till", "2022-05-02")]), 10);
    assert_eq!(n(&[("fran", "2022-05-01 10:01")]), 120 - 5 + 3, "from 2 May on, and the corrections");
    assert_eq!(n(&[("till", "2022-05-01 10:00")]), 1 + 5, "up to and including the minute");
    assert_eq!(n(&[("typ", "dialogue_held"), ("fritext", "trygghet"), ("till", "2022-05-01")]), 5);
}

#[test]
fn values_that_cannot_be_used_are_said_at_their_field() {
    let (h, _) = log();
    let bad = [
        ("fran", "igår"),
        ("till", "2022-13-01"),
        ("organisation", "vatterhem"),
        ("typ", "dialog"),
        ("aktivitet", "samverkansmoten"),
        ("forfattare", "någon"),
        ("fritext", "a\u{202e}b"),
    ];
    let errors = parse(&q(&bad), &h).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["fran", "till", "organisation", "typ", "aktivitet", "forfattare", "fritext"]);
    assert!(errors[0].1.contains("ÅÅÅÅ-MM-DD"), "{errors:?}");
    let backwards = parse(&q(&[("fran", "2022-05-10"), ("till", "2022-05-01")]), &h).unwrap_err();
    assert_eq!(backwards, vec![("till".to_owned(), "Till-tiden måste vara efter från-tiden".to_owned())]);
}

#[test]
fn a_chain_runs_from_the_original_to_every_correction_and_retraction() {
    let (h, seventh) = log();
    let from_original = h.chain(&seventh).unwrap();
    let seqs: Vec<u64> = from_original.amendments.iter().map(|r| r.seq).collect();
    assert_eq!((from_original.original.seq, seqs), (8, vec![122, 123, 124]));
    let retraction = h.rows().last().unwrap().id;
    assert_eq!(h.chain(&retraction).unwrap().original.id, seventh);
    assert_eq!(h.rows()[121].reason.as_deref(), Some("Fel antal"));
    assert!(h.rows()[121].summary.contains("nu: 7/1, Gängsnacket, ca 40 deltagare"), "{}", h.rows()[121].summary);
    assert!(h.chain(&h.rows()[3].id).unwrap().amendments.is_empty());
    assert_eq!(h.title("jonkoping-2022", "samverkansmoten"), "Samverkansmöten");
}
