#![allow(clippy::unwrap_used)]

use lofte_proto::planfile;

use super::{line_of, problem, seal};

const JONKOPING: &str = include_str!("../../../../../deploy/plans/jonkoping-2022.toml");

#[test]
fn a_place_is_found_by_its_line() {
    let text = "[plan]\nid = \"x\"\n\n[[actors]]\nid = \"a\"\n\n[[actors]]\nid = \"b\"\nname = \"B\"\n\n[[activities]]\nlead = \"a\"\n  [[activities.targets]]\n  id = \"t\"\n  [[activities.targets]]\n  at_least = 3\n";
    assert_eq!(line_of(text, "plan.id"), Some(2));
    assert_eq!(line_of(text, "actors[1].name"), Some(9));
    assert_eq!(line_of(text, "actors[1]"), Some(7));
    assert_eq!(line_of(text, "activities[0].lead"), Some(12));
    assert_eq!(line_of(text, "activities[0].targets[1].at_least"), Some(16));
    assert_eq!(line_of(text, "areas"), None);
}

#[test]
fn errors_are_said_in_swedish_with_line_and_field() {
    let bad = JONKOPING.replacen("lead = \"polisen\"", "lead = \"polis\"", 1);
    let e = planfile::parse(&bad).unwrap_err();
    let p = problem(&bad, &e);
    assert_eq!(p.field.as_deref(), Some("activities[0].lead"));
    let line = p.line.unwrap();
    assert!(bad.lines().nth(line - 1).unwrap().contains("lead = \"polis\""), "line {line}");
    assert!(p.message.starts_with("okänd organisation \"polis\""), "{}", p.message);

    let broken = JONKOPING.replacen("[plan]\n", "[plan]\nid = = 3\n", 1);
    let p = problem(&broken, &planfile::parse(&broken).unwrap_err());
    assert_eq!((p.line, p.field.as_deref()), (Some(broken.lines().position(|l| l == "id = = 3").unwrap() + 1), None));
    assert!(p.message.starts_with("inte en giltig planfil"), "{}", p.message);
}

#[test]
fn the_seal_binds_the_text_to_the_session() {
    assert_eq!(seal("a", "text"), seal("a", "text"));
    assert_ne!(seal("a", "text"), seal("b", "text"));
    assert_ne!(seal("a", "text"), seal("a", "text2"));
}
