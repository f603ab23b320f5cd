//! "Sista dag för tertial 1 2022": the due date now, and a field to set or move it (ÅÅÅÅ-MM-DD).

use maud::{html, Markup};

use crate::html::{page, words, Shell, Who};

/// What the page shows.
#[derive(Debug, Clone, Copy)]
pub struct Deadline<'a> {
    pub plan: &'a str,
    pub plan_title: &'a str,
    pub tertial: &'a str,
    /// The due date now, in Swedish, and whether the plan set it (or it is the default).
    pub due: &'a str,
    pub declared: bool,
    pub once: &'a str,
    /// The date as typed (or the due date now).
    pub value: &'a str,
    pub error: Option<&'a str>,
}

/// The page.
pub fn page_for(who: &Who, d: &Deadline<'_>) -> Markup {
    let title = format!("Sista dag för {}", words::tertial(d.tertial));
    let errors: Vec<(String, String)> = d.error.map(|e| ("datum".to_owned(), e.to_owned())).into_iter().collect();
    let back = format!("/samordna/{}", d.plan);
    let content = html! {
        p.crumbs { a href="/samordna" { "Översikt" } " › " a href=(back) { (d.plan_title) } }
        h1 { (title) }
        p.lead { (d.plan_title) }
        p {
            "Uppföljningen för " (words::tertial(d.tertial)) " ska lämnas senast " strong { (d.due) }
            @if !d.declared { " (standard: ingen sista dag är satt)" } "."
            " Påminnelserna följer den dag du sätter."
        }
        form method="post" action={ (back) "/sista-dag/" (d.tertial) } novalidate {
            input type="hidden" name="_csrf" value=(who.csrf);
            input type="hidden" name="_once" value=(d.once);
            div.field.error[d.error.is_some()] {
                label for="datum" { "Ny sista dag" }
                p.hint id="datum-tips" {
                    "ÅÅÅÅ-MM-DD, till exempel 2022-05-16. En lördag, söndag eller helgdag blir vardagen före."
                }
                @if let Some(e) = d.error { p.field-error id="datum-fel" { span.visually-hidden { "Fel: " } (e) } }
                input.date id="datum" name="datum" type="text" value=(d.value) autocomplete="off" spellcheck="false"
                    aria-describedby={ "datum-tips" @if d.error.is_some() { " datum-fel" } };
            }
            button type="submit" { "Spara sista dag" }
        }
        p { a href=(back) { "Tillbaka till översikten" } }
    };
    page(&Shell { title: &title, who: Some(who), errors: &errors }, content)
}
