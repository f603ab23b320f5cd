//! The events behind a report's cells (provenance), and what changed between two moments with
//! the events that changed it.

use maud::{html, Markup};

use super::{field, menu};
use crate::html::{page, words, Shell, Who};

/// An event linked from a figure or a change.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub seq: u64,
    pub kind: &'static str,
    pub at: String,
    pub summary: String,
}

fn events(es: &[Event]) -> Markup {
    html! {
        ul.events {
            @for e in es {
                li { a href={ "/granska/handelse/" (e.id) } { "Nr " (e.seq) ": " (e.kind) } " – " (e.summary) " " span.meta { "(registrerad " (e.at) ")" } }
            }
        }
    }
}

/// One tertial of an activity: each figure and the events behind it (`more`: how many more
/// than are listed).
#[derive(Debug, Clone)]
pub struct Figures {
    pub tertial: String,
    pub figures: Vec<(String, Vec<Event>, usize)>,
}

pub fn provenance(
    who: &Who,
    plan: &str,
    title: &str,
    per: Option<&str>,
    tertials: &[Figures],
    plans: &[String],
) -> Markup {
    let heading = format!("Händelserna bakom {title}");
    let content = html! {
        (menu("", plans))
        p.crumbs { a href={ "/granska/plan/" (plan) } { "Rapport " (plan) } " › " (title) }
        h1 { (heading) }
        @if let Some(p) = per { p.notice role="status" { "Som det var känt " (p) "." } }
        @for t in tertials {
            h2 id=(t.tertial) tabindex="-1" { (words::tertial_cap(&t.tertial)) }
            @if t.figures.is_empty() { p { "Inget registrerat." } }
            @for (figure, es, more) in &t.figures {
                h3 { (figure) }
                (events(es))
                @if *more > 0 { p { "och " (more) " till. Se dem i " a href="/granska" { "Händelsehistorik" } " filtrerad på aktiviteten." } }
            }
        }
    };
    page(&Shell { title: &heading, who: Some(who), ..Shell::default() }, content)
}

/// One cell that reads differently, and the events that changed it.
#[derive(Debug, Clone)]
pub struct Changed {
    pub title: String,
    pub tertial: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub by: Vec<Event>,
}

/// The diff page: the two moments (as typed), their errors, and the changes.
#[derive(Debug, Clone, Default)]
pub struct Diff<'a> {
    pub plan: String,
    pub from: String,
    pub to: String,
    /// As shown: (from, to), once both are read.
    pub between: Option<(String, String)>,
    pub errors: &'a [(String, String)],
    pub changes: Vec<Changed>,
    pub plans: Vec<String>,
}

pub fn diff(who: &Who, d: &Diff<'_>) -> Markup {
    let title = format!("Vad har ändrats i rapport {}", d.plan);
    let err = |f: &str| d.errors.iter().find(|(x, _)| x == f).map(|(_, m)| m.as_str());
    let hint = "ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM, svensk tid.";
    let content = html! {
        (menu("", &d.plans))
        p.crumbs { a href={ "/granska/plan/" (d.plan) } { "Rapport " (d.plan) } " › Ändringar" }
        h1 { (title) }
        form method="get" action={ "/granska/plan/" (d.plan) "/andringar" } {
            (field("fran", "Från", hint, err("fran"), |x| html! { input type="text" id="fran" name="fran" value=(d.from) aria-describedby=(x) autocomplete="off"; }))
            (field("till", "Till", "Lämna tomt för nu.", err("till"), |x| html! { input type="text" id="till" name="till" value=(d.to) aria-describedby=(x) autocomplete="off"; }))
            button type="submit" { "Jämför" }
        }
        @if let Some((from, to)) = &d.between {
            h2 { "Från " (from) " till " (to) }
            @if d.changes.is_empty() { p { "Ingenting i rapporten ändrades mellan de två tidpunkterna." } }
            @for c in &d.changes {
                section.change {
                    h3 { (c.title) ", " (words::tertial(&c.tertial)) }
                    div.beforeafter {
                        div { h4 { "Förut" } @if c.before.is_empty() { p { "Inget." } } @else { ul { @for l in &c.before { li { (l) } } } } }
                        div { h4 { "Sedan" } @if c.after.is_empty() { p { "Inget." } } @else { ul { @for l in &c.after { li { (l) } } } } }
                    }
                    h4 { "Ändrat av" }
                    @if c.by.is_empty() { p { "Inga händelser om cellen (en ändring i planen eller hur den räknas)." } } @else { (events(&c.by)) }
                }
            }
        }
    };
    page(&Shell { title: &title, who: Some(who), errors: d.errors }, content)
}
