//! One event: its envelope (where it stands in the chain), its canonical JSON as stored, and its
//! corrections chain — the original, each correction and the retraction, linked, with reasons.

use maud::{html, Markup};

use super::{menu, wide};
use crate::html::{page, Shell, Who};

/// A link in the chain, in words.
#[derive(Debug, Clone)]
pub struct Link {
    pub id: String,
    pub seq: u64,
    /// "Ursprunglig", "Rättelse", "Borttagning".
    pub role: &'static str,
    pub at: String,
    pub summary: String,
    pub reason: Option<String>,
    pub current: bool,
}

/// What the page shows.
#[derive(Debug, Clone)]
pub struct Shown {
    pub title: String,
    /// (what, value) lines of the envelope.
    pub envelope: Vec<(&'static str, String)>,
    /// The stored, canonical JSON.
    pub json: String,
    pub chain: Vec<Link>,
    /// Where the chain ends: "Gäller", "Rättad", "Borttagen".
    pub standing: Option<&'static str>,
    pub plans: Vec<String>,
}

pub fn page_for(who: &Who, e: &Shown) -> Markup {
    let content = html! {
        (menu("", &e.plans))
        p.crumbs { a href="/granska" { "Händelsehistorik" } " › " (e.title) }
        h1 { (e.title) }
        h2 { "Kuvertet" }
        dl.envelope {
            @for (k, v) in &e.envelope { dt { (k) } dd { (v) } }
        }
        @if e.chain.len() > 1 {
            h2 { "Rättelser" }
            @if let Some(s) = e.standing { p { "Uppgiften är nu: " strong { (s) } "." } }
            ol.chain {
                @for l in &e.chain {
                    li {
                        @if l.current {
                            strong aria-current="page" { (l.role) " (nr " (l.seq) ", den här händelsen)" }
                        } @else {
                            a href={ "/granska/handelse/" (l.id) } { (l.role) " (nr " (l.seq) ")" }
                        }
                        " – registrerad " (l.at)
                        @if !l.summary.is_empty() { br; (l.summary) }
                        @if let Some(r) = &l.reason { br; "Anledning: " (r) }
                    }
                }
            }
        } @else {
            h2 { "Rättelser" }
            p { "Händelsen har inte rättats eller tagits bort." }
        }
        h2 id="json-rubrik" { "Som den är sparad" }
        p.hint { "Kanonisk JSON: exakt det ledgern har sparat. Hashen räknas över samma byte utan fältet hash, länkad till föregående händelses hash." }
        (wide("Händelsen som kanonisk JSON", html! { pre.json { code { (e.json) } } }))
    };
    page(&Shell { title: &e.title, who: Some(who), ..Shell::default() }, content)
}
