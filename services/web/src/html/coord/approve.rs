//! "Godkänn tertial 1 2022": what is still missing, a comment (required when something is), and
//! the button. An approved tertial can be approved again — the page says so, and how many late
//! amendments came after the approval.

use maud::{html, Markup};

use crate::html::{page, words, Shell, Who};

/// What the page shows.
#[derive(Debug, Clone, Copy)]
pub struct Approve<'a> {
    pub plan: &'a str,
    pub plan_title: &'a str,
    pub tertial: &'a str,
    /// Per activity (title), the organisations (names) that have not submitted.
    pub missing: &'a [(String, Vec<String>)],
    /// The day it was approved, in Swedish, if it is.
    pub approved: Option<&'a str>,
    /// Events recorded for the tertial after it was approved.
    pub late_amendments: usize,
    pub once: &'a str,
    /// The comment as typed.
    pub note: &'a str,
    /// What is wrong with the comment.
    pub error: Option<&'a str>,
}

/// The page.
pub fn page_for(who: &Who, a: &Approve<'_>) -> Markup {
    let name = words::tertial(a.tertial);
    let title = if a.approved.is_some() { format!("Godkänn {name} igen") } else { format!("Godkänn {name}") };
    let errors: Vec<(String, String)> = a.error.map(|e| ("kommentar".to_owned(), e.to_owned())).into_iter().collect();
    let required = !a.missing.is_empty();
    let back = format!("/samordna/{}", a.plan);
    let content = html! {
        p.crumbs { a href="/samordna" { "Översikt" } " › " a href=(back) { (a.plan_title) } }
        h1 { (title) }
        p.lead { (a.plan_title) }
        @if let Some(on) = a.approved {
            div.warning {
                h2 { (words::tertial_cap(a.tertial)) " godkändes " (on) }
                p {
                    "Du kan godkänna den igen för att ta med det som har tillkommit sedan dess"
                    @match a.late_amendments {
                        0 => { " (inga sena tillägg ännu)." },
                        1 => { ": 1 sent tillägg." },
                        n => { ": " (n) " sena tillägg." },
                    }
                    " Båda godkännandena finns kvar i historiken."
                }
            }
        }
        @if a.missing.is_empty() {
            p { "Alla organisationer har lämnat sin uppföljning för " (name) "." }
        } @else {
            h2 { "Det här saknas" }
            p { "Uppföljningen är inte lämnad för " (a.missing.len()) @if a.missing.len() == 1 { " aktivitet:" } @else { " aktiviteter:" } }
            ul.missing {
                @for (activity, orgs) in a.missing {
                    li { strong { (activity) } " – " (orgs.join(", ")) }
                }
            }
        }
        p {
            "Godkänt blir det som är rapporterat nu. Det som registreras för " (name)
            " efteråt syns som sent tillägg."
        }
        form method="post" action={ (back) "/godkann/" (a.tertial) } novalidate {
            input type="hidden" name="_csrf" value=(who.csrf);
            input type="hidden" name="_once" value=(a.once);
            div.field.error[a.error.is_some()] {
                label for="kommentar" { "Kommentar" @if !required { " (frivilligt)" } }
                p.hint id="kommentar-tips" {
                    @if required { "Krävs eftersom uppföljningar saknas, till exempel varför ni godkänner ändå. " }
                    "Sparas med godkännandet och syns för revisorer."
                }
                @if let Some(e) = a.error { p.field-error id="kommentar-fel" { span.visually-hidden { "Fel: " } (e) } }
                input id="kommentar" name="kommentar" type="text" value=(a.note) autocomplete="off"
                    aria-describedby={ "kommentar-tips" @if a.error.is_some() { " kommentar-fel" } };
            }
            button type="submit" { (title) }
        }
        p { a href=(back) { "Tillbaka till översikten" } }
    };
    page(&Shell { title: &title, who: Some(who), errors: &errors }, content)
}
