#![allow(clippy::unwrap_used)]

use lofte_proto::people::{Person, PersonRole};
use serde_json::json;

use super::*;

fn known() -> Known {
    Known::of(&[
        json!({"plan": "jonkoping-2022", "title": "Medborgarlöfte 2022",
               "organisations": {"polisen": "Polisen", "kommunen": "Jönköpings kommun"}}),
        json!({"plan": "eksjo-2017", "title": "Eksjö 2017", "organisations": {"polisen": "Polisen", "eksjo": "Eksjö kommun"}}),
    ])
}

fn form(pairs: &[(&str, &str)]) -> Posted {
    Posted::read(&pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<Vec<_>>())
}

#[test]
fn the_choices_are_the_organisations_and_plans_of_the_summaries_each_once() {
    let k = known();
    assert_eq!(k.orgs.iter().map(|(o, _)| o.as_str()).collect::<Vec<_>>(), ["kommunen", "polisen", "eksjo"]);
    assert_eq!(k.org_name("kommunen"), "Jönköpings kommun");
    assert_eq!(k.plan_title("eksjo-2017"), "Eksjö 2017");
    assert_eq!(k.org_name("okand"), "okand");
    let p: Person = serde_json::from_value(
        json!({"id": uuid::Uuid::nil(), "role": "reporter", "orgs": ["brottsofferjouren"], "plans": ["gamla-2019"]}),
    )
    .unwrap();
    let k = known().with(&p);
    assert!(k.orgs.iter().any(|(o, _)| o == "brottsofferjouren") && k.plans.iter().any(|(p, _)| p == "gamla-2019"));
}

#[test]
fn a_new_person_is_read_from_the_form_with_repeated_checkboxes() {
    let p = form(&[
        ("roll", "rapportor"),
        ("organisationer", "polisen"),
        ("organisationer", "kommunen"),
        ("planer", "jonkoping-2022"),
        ("namn", "  Kim Polis "),
        ("epost", " kim@polisen.example "),
        ("_csrf", "x"),
    ]);
    let new = check_new(&p, &known()).unwrap();
    assert_eq!(new.role, PersonRole::Reporter);
    assert_eq!(new.orgs.iter().map(|o| o.as_str()).collect::<Vec<_>>(), ["polisen", "kommunen"]);
    assert_eq!(new.plans.iter().map(|o| o.as_str()).collect::<Vec<_>>(), ["jonkoping-2022"]);
    assert_eq!(new.name.unwrap().as_str(), "Kim Polis");
    assert_eq!(new.email.as_str(), "kim@polisen.example");
    // No name and no plans: none, and every plan of the organisations.
    let p = form(&[("roll", "granskare"), ("organisationer", "kommunen"), ("epost", "g@k.se")]);
    let new = check_new(&p, &known()).unwrap();
    assert!(new.name.is_none() && new.plans.is_empty());
}

#[test]
fn what_is_wrong_is_said_at_each_field_in_the_forms_order() {
    let e = check_new(&form(&[("namn", "a\u{202e}b"), ("epost", "inte en adress")]), &known()).unwrap_err();
    let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["roll", "organisationer", "namn", "epost"]);
    assert_eq!(e[0].1, "Välj en roll");
    assert_eq!(e[1].1, "Välj minst en organisation");
    assert!(e[2].1.contains("styrtecken"), "{}", e[2].1);
    assert!(e[3].1.starts_with("Skriv en e-postadress"), "{}", e[3].1);
    let e = check_new(&form(&[("roll", "chef"), ("organisationer", "fbi"), ("planer", "x"), ("epost", "")]), &known())
        .unwrap_err();
    assert_eq!(
        e,
        [
            ("roll".to_owned(), "Välj en roll".to_owned()),
            ("organisationer".to_owned(), "Välj organisationer i listan".to_owned()),
            ("planer".to_owned(), "Välj planer i listan".to_owned()),
            ("epost".to_owned(), "Skriv personens e-postadress".to_owned()),
        ]
    );
    let long = "x".repeat(301);
    let e = check_change(&form(&[("organisationer", "polisen"), ("namn", &long)]), &known()).unwrap_err();
    assert_eq!(e, [("namn".to_owned(), "Namnet får vara högst 300 tecken".to_owned())]);
}

#[test]
fn a_person_fills_the_change_form_as_the_directory_has_them() {
    let p: Person =
        serde_json::from_value(json!({"id": uuid::Uuid::nil(), "role": "coordinator", "orgs": ["kommunen"],
        "name": "Sam", "email": "sam@k.se"}))
        .unwrap();
    let f = Posted::of(&p);
    assert_eq!((f.role.as_str(), f.name.as_str(), f.email.as_str()), ("samordnare", "Sam", "sam@k.se"));
    assert_eq!(f.orgs, ["kommunen"]);
    let c = check_change(&f, &known()).unwrap();
    assert_eq!((c.name.unwrap().as_str(), c.plans.len()), ("Sam", 0));
    assert_eq!(role_word(PersonRole::Auditor), "granskare");
}

#[test]
fn the_ledgers_field_errors_are_said_at_the_forms_fields() {
    assert_eq!(ledger_error(Some("email"), "not an e-mail address").0, "epost");
    assert_eq!(ledger_error(Some("orgs[1]"), "bad slug").0, "organisationer");
    assert_eq!(ledger_error(Some("plans"), "x").0, "planer");
    assert_eq!(ledger_error(Some("name"), "x").0, "namn");
    assert_eq!(ledger_error(Some("role"), "x"), ("roll".to_owned(), "Välj en roll".to_owned()));
    let (f, m) = ledger_error(None, "something else");
    assert_eq!(f, "namn");
    assert!(m.ends_with("something else"), "{m}");
}
