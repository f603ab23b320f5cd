//! The activity page, the form for logging what happened, and the page after recording.

use std::collections::BTreeMap;

use maud::{html, Markup};

use super::{page, Shell, Who};
use crate::forms::{Field, Input, Kind, STATUSES};

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
    /// What is logged per open tertial, in words.
    pub logged: Vec<(String, Vec<String>)>,
}

impl Context {
    pub fn base(&self) -> String {
        format!("/plan/{}/aktivitet/{}", self.plan, self.activity)
    }
}

/// The activity: what is logged in the open tertials, and what can be logged.
pub fn activity(who: &Who, c: &Context, submitted: Option<&str>) -> Markup {
    let content = html! {
        p.crumbs { a href="/" { "Att göra" } " › " (c.plan_title) }
        @if let Some(t) = submitted {
            div.notice role="status" { p { "Uppföljningen för tertial " (t) " är lämnad." } }
        }
        h1 { (c.title) }
        @for (t, logged) in &c.logged {
            h2 { "Tertial " (t) }
            @if logged.is_empty() { p { "Inget loggat ännu." } } @else {
                ul { @for l in logged { li { (l) } } }
            }
            p { a href={ (c.base()) "/lamna/" (t) } { "Lämna uppföljningen för tertial " (t) } }
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
                    option value="" { "Inget särskilt område" }
                    @for (id, name) in &c.areas { option value=(id) selected[value == id] { (name) } }
                },
                Input::Tertial => select id=(f.id) name=(f.id) aria-describedby=[described.as_deref()] {
                    @for t in &c.tertials { option value=(t) selected[value == t] { "Tertial " (t) } }
                },
                Input::Status => select id=(f.id) name=(f.id) aria-describedby=[described.as_deref()] {
                    @for (id, name) in STATUSES { option value=(id) selected[value == id] { (name) } }
                },
                _ => input id=(f.id) name=(f.id) type="text" value=(value) autocomplete="off" aria-describedby=[described.as_deref()];
            }
        }
    }
}

/// The form for `kind`, with what was typed and the errors, if any.
pub fn form(
    who: &Who,
    c: &Context,
    kind: Kind,
    once: &str,
    values: &BTreeMap<String, String>,
    errors: &[(String, String)],
    late: Option<&str>,
) -> Markup {
    let error_of = |id: &str| errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str());
    let content = html! {
        p.crumbs { a href="/" { "Att göra" } " › " a href=(c.base()) { (c.title) } }
        h1 { (kind.title()) }
        p.lead { (c.title) }
        @if let Some(t) = late {
            div.warning role="alert" {
                h2 { "Tertial " (t) " är redan godkänd" }
                p { "Det du registrerar nu blir ett sent tillägg: det syns i uppföljningen som tillkommet efter godkännandet. Kontrollera uppgifterna och spara igen om det ska registreras." }
            }
        }
        form method="post" action={ (c.base()) "/logga/" (kind.slug()) } novalidate {
            input type="hidden" name="_csrf" value=(who.csrf);
            input type="hidden" name="_once" value=(once);
            @if late.is_some() { input type="hidden" name="_sent" value="ja"; }
            @if c.orgs.len() > 1 {
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
            button type="submit" { @if late.is_some() { "Spara som sent tillägg" } @else { "Spara" } }
        }
    };
    page(&Shell { title: kind.title(), who: Some(who), errors }, content)
}

/// After recording: what was recorded, and where to go next.
pub fn recorded(who: &Who, c: &Context, kind: Kind, lines: &[(String, String)], again: bool) -> Markup {
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
            li { a href=(c.base()) { "Till aktiviteten" } }
            li { a href="/" { "Till Att göra" } }
        }
    };
    page(&Shell { title, who: Some(who), ..Shell::default() }, content)
}
