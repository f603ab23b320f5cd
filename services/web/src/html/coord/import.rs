//! "Importera en plan": the file to upload; what the check found (every error with its line and
//! field) or what importing would record, and the button to confirm; what was imported.

use maud::{html, Markup};

use crate::html::{page, Shell, Who};

/// One thing wrong with the file: the line (when known), the field (`activities[0].lead`), what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

/// What importing a valid file would do.
#[derive(Debug, Clone, Default)]
pub struct Preview {
    pub plan: String,
    pub title: String,
    pub period: String,
    /// The organisations (names).
    pub orgs: Vec<String>,
    pub activities: usize,
    pub events: usize,
    pub people: usize,
    /// The organisation recorded for (name).
    pub actor: String,
    /// The file's text, hex-encoded, and its seal (bound to the session).
    pub text_hex: String,
    pub seal: String,
}

fn head(title: &str) -> Markup {
    html! { p.crumbs { a href="/samordna" { "Översikt" } " › " (title) } h1 { (title) } }
}

/// The upload form; `problems`: what the check found in the file sent (or why it was not read).
pub fn upload(who: &Who, once: &str, file_name: Option<&str>, problems: &[Problem]) -> Markup {
    let title = "Importera en plan";
    let errors: Vec<(String, String)> = match problems.len() {
        0 => vec![],
        1 => {
            let p = &problems[0];
            let at = match (p.line, &p.field) {
                (Some(l), Some(f)) => format!("Rad {l}, {f}: "),
                (Some(l), None) => format!("Rad {l}: "),
                (None, Some(f)) => format!("{f}: "),
                (None, None) => String::new(),
            };
            vec![("plan".to_owned(), format!("{at}{}", p.message))]
        }
        n => vec![("plan".to_owned(), format!("Planfilen har {n} fel"))],
    };
    let content = html! {
        (head(title))
        p.lead { "Ladda upp planfilen (TOML, som för " code { "lofte plan import" } "). Lofte kontrollerar den först och visar vad som skulle registreras. Inget sparas förrän du bekräftar." }
        form method="post" action="/samordna/importera" enctype="multipart/form-data" novalidate {
            input type="hidden" name="_csrf" value=(who.csrf);
            input type="hidden" name="_once" value=(once);
            div.field.error[!problems.is_empty()] {
                label for="plan" { "Planfil" }
                p.hint id="plan-tips" { "En .toml-fil, högst 512 kB. Formatet beskrivs i docs/plan-format.md." }
                @if !problems.is_empty() {
                    div.field-error id="plan-fel" {
                        p { span.visually-hidden { "Fel: " }
                            @if let Some(f) = file_name { "I " code { (f) } ": " }
                            @if problems.len() == 1 { "1 fel" } @else { (problems.len()) " fel" } }
                        ul.problems {
                            @for p in problems {
                                li {
                                    @if let Some(l) = p.line { "Rad " (l) }
                                    @if let Some(f) = &p.field { @if p.line.is_some() { ", " } code { (f) } }
                                    @if p.line.is_some() || p.field.is_some() { ": " }
                                    (p.message)
                                }
                            }
                        }
                    }
                }
                input id="plan" name="plan" type="file" accept=".toml,text/plain"
                    aria-describedby={ "plan-tips" @if !problems.is_empty() { " plan-fel" } };
            }
            button type="submit" { "Kontrollera planen" }
        }
    };
    page(&Shell { title, who: Some(who), errors: &errors }, content)
}

/// What importing would record, and the button.
pub fn preview(who: &Who, once: &str, p: &Preview) -> Markup {
    let title = format!("Importera {}", p.title);
    let content = html! {
        (head(&title))
        div.notice role="status" { p { "Planfilen är kontrollerad och utan fel. Inget är sparat än." } }
        dl.facts {
            dt { "Id" } dd { code { (p.plan) } }
            dt { "Period" } dd { (p.period) }
            dt { "Organisationer" } dd { (p.orgs.join(", ")) }
            dt { "Aktiviteter" } dd { (p.activities) }
            dt { "Registreras" } dd { (p.events) " händelser, för " (p.actor) ", av dig" }
            dt { "Personer" } dd { (p.people) " läggs till i katalogen (rapportörer och samordnare som planen nämner)" }
        }
        form method="post" action="/samordna/importera/bekrafta" {
            input type="hidden" name="_csrf" value=(who.csrf);
            input type="hidden" name="_once" value=(once);
            input type="hidden" name="text" value=(p.text_hex);
            input type="hidden" name="seal" value=(p.seal);
            button type="submit" { "Importera planen" }
        }
        p { a href="/samordna/importera" { "Välj en annan fil" } }
    };
    page(&Shell { title: &title, who: Some(who), ..Shell::default() }, content)
}

/// What was imported: `created` events now, `existing` before; people named and added.
/// What an import did (as the backend says).
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub created: usize,
    pub existing: usize,
    pub people: usize,
    pub people_added: usize,
}

pub fn done(who: &Who, plan: &str, title: &str, i: &Counts) -> Markup {
    let heading = if i.created == 0 { "Planen var redan importerad" } else { "Planen är importerad" };
    let content = html! {
        (head(heading))
        div.notice role="status" {
            @if i.created == 0 {
                p { (title) " fanns redan: inget nytt registrerades." }
            } @else {
                p { (title) ": " (i.created) " händelser registrerades" @if i.existing > 0 { " (" (i.existing) " fanns redan)" } "." }
            }
            p { (i.people) " personer i katalogen, " (i.people_added) " nya." }
        }
        p { a href={ "/samordna/" (plan) } { "Till översikten för " (title) } }
        p { a href="/samordna/personer" { "Personer" } }
    };
    page(&Shell { title: heading, who: Some(who), ..Shell::default() }, content)
}
