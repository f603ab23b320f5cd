//! The activity page, the form for logging what happened, and the page after recording.

use std::collections::BTreeMap;

use maud::{html, Markup};

use super::{page, words, Shell, Who};
use crate::{
    entries::Entry,
    forms::{Field, Input, Kind, STATUSES},
};

/// What the form pages need to know about the activity and the plan.
#[derive(Debug, Clone)]
pub struct Context {
    pub plan: String,
    pub plan_title: String,
    pub activity: String,
    pub title: String,
    /// The person's organisations that take part in it: (id, name).
    pub orgs: Vec<(String, String)>,
    /// The plan's areas: (id, name).
    pub areas: Vec<(String, String)>,
    /// The tertials not approved yet.
    pub tertials: Vec<String>,
    /// The tertials approved: what is recorded for them is a late amendment.
    pub approved: Vec<String>,
    /// The year the plan begins in: dates typed without one ("13/1") are in it.
    pub year: i16,
    /// What is logged per open tertial, in words.
    pub logged: Vec<(String, Vec<String>)>,
}

impl Context {
    pub fn base(&self) -> String {
        format!("/plan/{}/aktivitet/{}", self.plan, self.activity)
    }
}

/// The activity: what is logged in the open tertials, and what can be logged.
/// One open tertial's entries on the activity page, and what was removed from it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub tertial: String,
    pub entries: Vec<Entry>,
    pub retracted: Vec<String>,
}

pub fn activity(who: &Who, c: &Context, notice: Option<&str>, entries: &[Listed]) -> Markup {
    let ours = |e: &Entry| c.orgs.iter().any(|(o, _)| *o == e.actor);
    let name = |e: &Entry| c.orgs.iter().find(|(o, _)| *o == e.actor).map_or(e.actor.clone(), |(_, n)| n.clone());
    let content = html! {
        p.crumbs { a href="/" { "Att göra" } " › " (c.plan_title) }
        @if let Some(n) = notice {
            div.notice role="status" { p { (n) } }
        }
        h1 { (c.title) }
        @for (t, logged) in &c.logged {
            h2 { (words::tertial_cap(t)) }
            @if logged.is_empty() { p { "Inget loggat ännu." } } @else {
                ul { @for l in logged { li { (l) } } }
            }
            @if let Some(l) = entries.iter().find(|l| l.tertial == *t) {
                @if !l.entries.is_empty() {
                    h3 { "Registrerat" }
                    ul.entries {
                        @for e in &l.entries {
                            li {
                                (e.text)
                                @if e.corrected { " " em { "(rättad)" } }
                                " – " (name(e))
                                @if ours(e) {
                                    " · " a href={ (c.base()) "/andra/" (e.id) } { "Rätta" span.visually-hidden { ": " (e.text) } }
                                    " · " a href={ (c.base()) "/ta-bort/" (e.id) } { "Ta bort" span.visually-hidden { ": " (e.text) } }
                                }
                            }
                        }
                    }
                }
                @if !l.retracted.is_empty() {
                    h3 { "Borttaget" }
                    ul.retracted { @for r in &l.retracted { li { (r) } } }
                }
            }
            p { a href={ (c.base()) "/lamna/" (t) } { "Lämna uppföljningen för " (words::tertial(t)) } }
        }
        h2 { "Logga" }
        ul.actions {
            @for k in Kind::ALL {
                li { a href={ (c.base()) "/logga/" (k.slug()) } { (k.title()) } }
            }
        }
    };
    page(&Shell { title: &c.title, who: Some(who), ..Shell::default() }, content)
}

fn field(c: &Context, f: &Field, value: &str, error: Option<&str>) -> Markup {
    let hint_id = format!("{}-tips", f.id);
    let error_id = format!("{}-fel", f.id);
    let described: Vec<&str> = [(!f.hint.is_empty()).then_some(hint_id.as_str()), error.map(|_| error_id.as_str())]
        .into_iter()
        .flatten()
        .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    html! {
        div.field.error[error.is_some()] {
            label for=(f.id) { (f.label) @if !f.required { " (frivilligt)" } }
            @if !f.hint.is_empty() { p.hint id=(hint_id) { (f.hint) } }
            @if let Some(e) = error { p.field-error id=(error_id) { span.visually-hidden { "Fel: " } (e) } }
            @match f.input {
                Input::Textarea => textarea id=(f.id) name=(f.id) rows="6" aria-describedby=[described.as_deref()] { (value) },
                Input::Area => select id=(f.id) name=(f.id) aria-describedby=[described.as_deref()] {
                    option value="" { @if f.required { "Välj område" } @else { "Inget särskilt område" } }
                    @for (id, name) in &c.areas { option value=(id) selected[value == id] { (name) } }
                },
                Input::Tertial => select id=(f.id) name=(f.id) aria-describedby=[described.as_deref()] {
                    @for t in &c.tertials { option value=(t) selected[value == t] { (words::tertial_cap(t)) } }
                },
                Input::Status => select id=(f.id) name=(f.id) aria-describedby=[described.as_deref()] {
                    @for (id, name) in STATUSES { option value=(id) selected[value == id] { (name) } }
                },
                _ => input id=(f.id) name=(f.id) type="text" value=(value) autocomplete="off" aria-describedby=[described.as_deref()];
            }
        }
    }
}

/// A form as shown: its kind, its nonce, what was typed, the errors; whether it records into an
/// approved tertial (`late`, the tertial), and whether it corrects an earlier entry (`amend`, the
/// entry's id: a reason is then asked for too).
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    pub kind: Kind,
    pub once: &'a str,
    pub values: &'a BTreeMap<String, String>,
    pub errors: &'a [(String, String)],
    pub late: Option<&'a str>,
    pub amend: Option<&'a str>,
}

/// The form for a draft.
pub fn form(who: &Who, c: &Context, d: &Draft<'_>) -> Markup {
    let (kind, values, late) = (d.kind, d.values, d.late);
    let error_of = |id: &str| d.errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str());
    let title = if d.amend.is_some() { "Rätta uppgiften" } else { kind.title() };
    let action = match d.amend {
        Some(id) => format!("{}/andra/{id}", c.base()),
        None => format!("{}/logga/{}", c.base(), kind.slug()),
    };
    let reason = crate::forms::Field {
        id: "anledning",
        label: "Anledning till rättelsen",
        hint: "Visas för revisorer, till exempel Fel datum.",
        input: crate::forms::Input::Text,
        required: true,
    };
    let content = html! {
        p.crumbs { a href="/" { "Att göra" } " › " a href=(c.base()) { (c.title) } }
        h1 { (title) }
        p.lead { (c.title) }
        @if let Some(t) = late {
            div.warning role="alert" {
                h2 { (words::tertial_cap(t)) " är redan godkänd" }
                p { "Det du registrerar nu blir ett sent tillägg: det syns i uppföljningen som tillkommet efter godkännandet. Kontrollera uppgifterna och spara igen om det ska registreras." }
            }
        }
        form method="post" action=(action) novalidate {
            input type="hidden" name="_csrf" value=(who.csrf);
            input type="hidden" name="_once" value=(d.once);
            @if late.is_some() { input type="hidden" name="_sent" value="ja"; }
            @if c.orgs.len() > 1 && d.amend.is_none() {
                div.field {
                    label for="organisation" { "För organisation" }
                    select id="organisation" name="organisation" {
                        @for (id, name) in &c.orgs {
                            option value=(id) selected[values.get("organisation") == Some(id)] { (name) }
                        }
                    }
                }
            }
            @for f in kind.fields() {
                (field(c, &f, values.get(f.id).map_or("", String::as_str), error_of(f.id)))
            }
            @if d.amend.is_some() {
                (field(c, &reason, values.get("anledning").map_or("", String::as_str), error_of("anledning")))
            }
            button type="submit" { @if late.is_some() { "Spara som sent tillägg" } @else { "Spara" } }
        }
    };
    page(&Shell { title, who: Some(who), errors: d.errors }, content)
}

/// Asks to confirm a retraction, with its reason.
pub fn retract(who: &Who, c: &Context, id: &str, text: &str, once: &str, error: Option<&str>) -> Markup {
    let errors: Vec<(String, String)> = error.map(|e| ("anledning".to_owned(), e.to_owned())).into_iter().collect();
    let content = html! {
        p.crumbs { a href="/" { "Att göra" } " › " a href=(c.base()) { (c.title) } }
        h1 { "Ta bort uppgiften" }
        p { "Det här tas bort ur uppföljningen: " strong { (text) } ". Det finns kvar i historiken, markerat som borttaget." }
        form method="post" action={ (c.base()) "/ta-bort/" (id) } novalidate {
            input type="hidden" name="_csrf" value=(who.csrf);
            input type="hidden" name="_once" value=(once);
            div.field.error[error.is_some()] {
                label for="anledning" { "Anledning" }
                p.hint id="anledning-tips" { "Till exempel Dubbelregistrerat." }
                @if let Some(e) = error { p.field-error id="anledning-fel" { span.visually-hidden { "Fel: " } (e) } }
                input id="anledning" name="anledning" type="text" autocomplete="off"
                    aria-describedby={ "anledning-tips" @if error.is_some() { " anledning-fel" } };
            }
            button type="submit" { "Ta bort" }
        }
    };
    page(&Shell { title: "Ta bort uppgiften", who: Some(who), errors: &errors }, content)
}

/// After recording: what was recorded, and where to go next.
pub fn recorded(who: &Who, c: &Context, kind: Kind, id: &str, lines: &[(String, String)], again: bool) -> Markup {
    let title = if again { "Redan registrerat" } else { "Registrerat" };
    let content = html! {
        div.notice role="status" {
            h1 { (title) }
            @if again { p { "Det här hade redan sparats – det registrerades bara en gång." } }
        }
        dl.recorded {
            @for (k, v) in lines { dt { (k) } dd { (v) } }
        }
        ul.actions {
            li { a href={ (c.base()) "/logga/" (kind.slug()) } { (kind.title()) " till" } }
            li { a href={ (c.base()) "/andra/" (id) } { "Rätta det här" } }
            li { a href={ (c.base()) "/ta-bort/" (id) } { "Ta bort det här" } }
            li { a href=(c.base()) { "Till aktiviteten" } }
            li { a href="/" { "Till Att göra" } }
        }
    };
    page(&Shell { title, who: Some(who), ..Shell::default() }, content)
}
