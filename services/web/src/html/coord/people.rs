//! "Personer": the people directory — who reports for which organisation, the coordinators and
//! the auditors — with forms to add a person, change one (name, organisations, plans) and erase
//! one, after a page that says what erasing means.

use lofte_proto::people::{Person, PersonRole};
use maud::{html, Markup};

use crate::{
    html::{page, Shell, Who},
    people_form::{role_word, Errors, Known, Posted, EMAIL, NAME, ORGS, PLANS, ROLE, ROLES},
};

const LIST: &str = "/samordna/personer";

fn crumbs(here: &str) -> Markup {
    html! { p.crumbs { a href="/samordna" { "Översikt" } " › " a href=(LIST) { "Personer" } " › " (here) } }
}

/// How a person is named: their name, else their address.
pub fn label(p: &Person) -> String {
    match (&p.name, &p.email) {
        (Some(n), _) => n.to_string(),
        (None, Some(e)) => e.to_string(),
        (None, None) => p.described(),
    }
}

fn orgs_of(known: &Known, p: &Person) -> String {
    p.orgs.iter().map(|o| known.org_name(o.as_str())).collect::<Vec<_>>().join(", ")
}

fn plans_of(known: &Known, p: &Person) -> String {
    if p.plans.is_empty() {
        return "alla planer för organisationerna".to_owned();
    }
    p.plans.iter().map(|x| known.plan_title(x.as_str())).collect::<Vec<_>>().join(", ")
}

/// The directory, grouped by role; `me`: the coordinator signed in (not offered to erase).
pub fn list(who: &Who, known: &Known, people: &[Person], me: uuid::Uuid, notice: Option<&str>) -> Markup {
    let groups = [
        (PersonRole::Reporter, "Rapportörer"),
        (PersonRole::Coordinator, "Samordnare"),
        (PersonRole::Auditor, "Granskare"),
    ];
    let erased: Vec<&Person> = people.iter().filter(|p| p.erased_at.is_some()).collect();
    let groups = groups.map(|(role, heading)| {
        let mut group: Vec<&Person> = people.iter().filter(|p| p.role == role && p.erased_at.is_none()).collect();
        group.sort_by_key(|p| (orgs_of(known, p), label(p).to_lowercase()));
        (role, heading, group)
    });
    let content = html! {
        p.crumbs { a href="/samordna" { "Översikt" } " › " "Personer" }
        @if let Some(n) = notice { div.notice role="status" { p { (n) } } }
        h1 { "Personer" }
        p.lead { "Vem som rapporterar för vilken organisation, samordnarna och granskarna. "
            "Adressen är den som loggar in och får påminnelserna." }
        p { a.button href={ (LIST) "/ny" } { "Lägg till en person" } }
        @for (role, heading, group) in &groups {
            section.people aria-labelledby={ "grupp-" (role_word(*role)) } {
                h2 id={ "grupp-" (role_word(*role)) } { (heading) " (" (group.len()) ")" }
                @if group.is_empty() { p { "Ingen." } }
                ul.items {
                    @for p in group {
                        li.item.person {
                            h3 { (label(p)) @if p.id == me { " (du)" } }
                            @if let (Some(_), Some(e)) = (&p.name, &p.email) { p.address { (e) } }
                            p.meta { "Organisationer: " (orgs_of(known, p)) }
                            p.meta { "Planer: " (plans_of(known, p)) }
                            ul.person-actions {
                                li { a href={ (LIST) "/" (p.id) "/andra" } { "Ändra" span.visually-hidden { " " (label(p)) } } }
                                @if p.id != me {
                                    li { a href={ (LIST) "/" (p.id) "/ta-bort" } { "Ta bort" span.visually-hidden { " " (label(p)) } } }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !erased.is_empty() {
            section.people aria-labelledby="grupp-borttagna" {
                h2 id="grupp-borttagna" { "Borttagna (" (erased.len()) ")" }
                p { "Namn och adress är raderade. Id, roll och organisationer finns kvar för granskningen." }
                ul {
                    @for p in &erased { li { (role_word(p.role)) " för " (orgs_of(known, p)) } }
                }
            }
        }
    };
    page(&Shell { title: "Personer", who: Some(who), ..Shell::default() }, content)
}

fn error_of<'a>(errors: &'a Errors, field: &str) -> Option<&'a str> {
    errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
}

fn field_error(id: &str, e: Option<&str>) -> Markup {
    html! { @if let Some(e) = e { p.field-error id={ (id) "-fel" } { span.visually-hidden { "Fel: " } (e) } } }
}

fn described_by(id: &str, hint: bool, e: Option<&str>) -> String {
    let mut ids = vec![];
    if hint {
        ids.push(format!("{id}-tips"));
    }
    if e.is_some() {
        ids.push(format!("{id}-fel"));
    }
    ids.join(" ")
}

/// A group of checkboxes (or radios) named `name`: the first input's id is `name` (where an
/// error's link goes), the others `name-<value>`.
fn choices(kind: &str, name: &str, options: &[(String, String)], chosen: &[String]) -> Markup {
    html! {
        div.choices {
            @for (i, (value, text)) in options.iter().enumerate() {
                @let id = if i == 0 { name.to_owned() } else { format!("{name}-{value}") };
                div.choice {
                    input type=(kind) id=(id) name=(name) value=(value) checked[chosen.contains(value)];
                    label for=(id) { (text) }
                }
            }
        }
    }
}

fn fieldset(name: &str, legend: &str, hint: Option<&str>, errors: &Errors, inputs: Markup) -> Markup {
    let e = error_of(errors, name);
    html! {
        fieldset.field.error[e.is_some()] aria-describedby=(described_by(name, hint.is_some(), e)) {
            legend { (legend) }
            @if let Some(h) = hint { p.hint id={ (name) "-tips" } { (h) } }
            (field_error(name, e))
            (inputs)
        }
    }
}

fn text_field(id: &str, label: &str, hint: &str, value: &str, kind: &str, errors: &Errors) -> Markup {
    let e = error_of(errors, id);
    let autocomplete = if kind == "email" { "email" } else { "name" };
    html! {
        div.field.error[e.is_some()] {
            label for=(id) { (label) }
            p.hint id={ (id) "-tips" } { (hint) }
            (field_error(id, e))
            input id=(id) name=(id) type=(kind) value=(value) autocomplete=(autocomplete) spellcheck="false"
                aria-describedby=(described_by(id, true, e));
        }
    }
}

/// Organisations, plans and name: what adding and changing share.
fn common(known: &Known, f: &Posted, errors: &Errors) -> Markup {
    html! {
        (fieldset(ORGS, "Organisationer", Some("De organisationer personen agerar för. Minst en."), errors,
            choices("checkbox", ORGS, &known.orgs, &f.orgs)))
        (fieldset(PLANS, "Planer", Some("Lämna alla tomma: alla planer som organisationerna är med i."), errors,
            choices("checkbox", PLANS, &known.plans, &f.plans)))
        (text_field(NAME, "Namn (frivilligt)", "Till exempel Kommunpolis Jönköping. Lämna tomt för inget namn.", &f.name, "text", errors))
    }
}

fn hidden(who: &Who, once: &str) -> Markup {
    html! {
        input type="hidden" name="_csrf" value=(who.csrf);
        input type="hidden" name="_once" value=(once);
    }
}

/// "Lägg till en person".
pub fn add(who: &Who, known: &Known, f: &Posted, once: &str, errors: &Errors) -> Markup {
    let title = "Lägg till en person";
    let roles: Vec<(String, String)> = ROLES.iter().map(|(_, v, w)| ((*v).to_owned(), (*w).to_owned())).collect();
    let content = html! {
        (crumbs(title))
        h1 { (title) }
        form method="post" action={ (LIST) "/ny" } novalidate {
            (hidden(who, once))
            (fieldset(ROLE, "Roll", Some("En rapportör lämnar uppföljningen för sina organisationer, en samordnare godkänner den, en granskare läser hela händelseloggen."), errors,
                choices("radio", ROLE, &roles, std::slice::from_ref(&f.role))))
            (common(known, f, errors))
            (text_field(EMAIL, "E-postadress", "Den adress personen loggar in med och får påminnelser till.", &f.email, "email", errors))
            button type="submit" { "Lägg till" }
        }
        p { a href=(LIST) { "Tillbaka till Personer" } }
    };
    page(&Shell { title, who: Some(who), errors }, content)
}

/// "Ändra …": name, organisations and plans; role and address stay.
pub fn change(who: &Who, known: &Known, p: &Person, f: &Posted, once: &str, errors: &Errors) -> Markup {
    let title = format!("Ändra {}", label(p));
    let content = html! {
        (crumbs(&title))
        h1 { (title) }
        dl.recorded {
            dt { "Roll" } dd { (role_word(p.role)) }
            dt { "E-postadress" } dd { (p.email.as_ref().map(ToString::to_string).unwrap_or_default()) }
        }
        p.hint { "Roll och adress ändras inte här: ta bort personen och lägg till en ny." }
        form method="post" action={ (LIST) "/" (p.id) "/andra" } novalidate {
            (hidden(who, once))
            (common(known, f, errors))
            button type="submit" { "Spara ändringarna" }
        }
        p { a href=(LIST) { "Tillbaka till Personer" } }
    };
    page(&Shell { title: &title, who: Some(who), errors }, content)
}

/// "Ta bort …": what erasing means, and the button; `error`: why it could not be done.
pub fn erase(who: &Who, known: &Known, p: &Person, once: &str, error: Option<&str>) -> Markup {
    let title = format!("Ta bort {}", label(p));
    let errors: Errors = error.map(|e| ("ta-bort".to_owned(), e.to_owned())).into_iter().collect();
    let content = html! {
        (crumbs(&title))
        h1 { (title) "?" }
        div.warning {
            h2 { "Det här betyder det" }
            ul {
                li { "Namn och e-postadress tas bort ur Lofte, också ur ändringsloggen över personerna. Det går inte att ångra." }
                li { "Kvar blir ett id, rollen (" (role_word(p.role)) ") och organisationerna (" (orgs_of(known, p)) "), så att det personen har registrerat går att granska: det står då “" (role_word(p.role)) " för " (orgs_of(known, p)) " (borttagen)”." }
                li { "Händelseloggen ändras inte. Personen kan inte längre logga in och får inga fler påminnelser." }
            }
        }
        form method="post" action={ (LIST) "/" (p.id) "/ta-bort" } {
            (hidden(who, once))
            (field_error("ta-bort", error))
            button.danger id="ta-bort" type="submit" { "Ta bort " (label(p)) }
        }
        p { a href=(LIST) { "Avbryt och gå tillbaka till Personer" } }
    };
    page(&Shell { title: &title, who: Some(who), errors: &errors }, content)
}
