//! Händelsehistorik: the whole log, newest first, a page at a time, with its filters (a GET form:
//! no token needed, the address can be kept and shared).

use std::collections::BTreeMap;

use maud::{html, Markup};

use super::{field, menu, wide};
use crate::html::{page, Shell, Who};

/// One event as a row of the list, in words.
#[derive(Debug, Clone)]
pub struct Shown {
    pub seq: u64,
    pub id: String,
    pub at: String,
    pub kind: &'static str,
    pub summary: String,
    pub plan: String,
    pub activity: String,
    pub org: String,
    pub author: String,
}

/// What the page shows.
#[derive(Debug, Default)]
pub struct Listing<'a> {
    /// The filters as typed (kept when they are at fault).
    pub values: BTreeMap<String, String>,
    pub errors: &'a [(String, String)],
    /// The choices of each list: (value, as shown).
    pub orgs: Vec<(String, String)>,
    pub kinds: Vec<(String, String)>,
    pub activities: Vec<(String, String)>,
    pub authors: Vec<(String, String)>,
    pub plans: Vec<String>,
    pub rows: Vec<Shown>,
    pub total: usize,
    /// Links to the pages of newer and older events.
    pub newer: Option<String>,
    pub older: Option<String>,
    pub filtered: bool,
}

fn choose(l: &Listing<'_>, id: &str, label: &str, all: &str, choices: &[(String, String)]) -> Markup {
    let chosen = l.values.get(id).map(String::as_str).unwrap_or("");
    let error = l.errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str());
    field(id, label, "", error, |described| {
        html! {
            select id=(id) name=(id) aria-describedby=[(!described.is_empty()).then_some(described)] {
                option value="" { (all) }
                @for (v, shown) in choices { option value=(v) selected[v == chosen] { (shown) } }
            }
        }
    })
}

fn text(l: &Listing<'_>, id: &str, label: &str, hint: &str, kind: &str) -> Markup {
    let value = l.values.get(id).map(String::as_str).unwrap_or("");
    let error = l.errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str());
    field(id, label, hint, error, |described| {
        html! {
            input type=(kind) id=(id) name=(id) value=(value) autocomplete="off"
                aria-describedby=[(!described.is_empty()).then_some(described)];
        }
    })
}

fn filters(l: &Listing<'_>) -> Markup {
    let moment = "ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM, svensk tid.";
    html! {
        form.filters method="get" action="/granska" {
            h2 { "Filtrera" }
            div.filter-grid {
                (text(l, "fran", "Registrerad från", moment, "text"))
                (text(l, "till", "Registrerad till och med", moment, "text"))
                (choose(l, "organisation", "Organisation", "Alla organisationer", &l.orgs))
                (choose(l, "typ", "Typ av händelse", "Alla typer", &l.kinds))
                (choose(l, "aktivitet", "Aktivitet", "Alla aktiviteter", &l.activities))
                (choose(l, "forfattare", "Författare", "Alla författare", &l.authors))
                (text(l, "fritext", "Fritext", "Ord som ska finnas i händelsen, till exempel ett ämne, ett antal eller ett id.", "search"))
            }
            p.actions { button type="submit" { "Visa" } " " a href="/granska" { "Rensa filtren" } }
        }
    }
}

fn table(l: &Listing<'_>) -> Markup {
    let caption = match (l.rows.first(), l.rows.last()) {
        (Some(a), Some(b)) => format!("Händelse {} till {} av {} som visas, nyast först", b.seq, a.seq, l.total),
        _ => "Inga händelser".to_owned(),
    };
    wide(
        "Händelserna, tabell",
        html! {
            table.history {
                caption { (caption) }
                thead { tr { th scope="col" { "Nr" } th scope="col" { "Registrerad" } th scope="col" { "Händelse" } th scope="col" { "Gäller" } th scope="col" { "Av" } } }
                tbody {
                    @for r in &l.rows {
                        tr {
                            td.nowrap { a href={ "/granska/handelse/" (r.id) } { span.visually-hidden { "Händelse " } (r.seq) } }
                            td.nowrap { (r.at) }
                            td { strong { (r.kind) } @if !r.summary.is_empty() { br; (r.summary) } }
                            td { (r.plan) @if !r.activity.is_empty() { br; (r.activity) } }
                            td { (r.org) br; span.meta { (r.author) } }
                        }
                    }
                }
            }
        },
    )
}

/// The page.
pub fn page_for(who: &Who, l: &Listing<'_>) -> Markup {
    let content = html! {
        (menu("/granska", &l.plans))
        h1 { "Händelsehistorik" }
        p { "Hela loggen, nyast först, som ledgern har sparat den. Välj en händelse för att se dess innehåll, kedjan och rättelserna." }
        (filters(l))
        @if l.errors.is_empty() {
            h2 id="traffar" {
                (l.total) @if l.total == 1 { " händelse" } @else { " händelser" }
                @if l.filtered { " matchar filtren" }
            }
            @if l.rows.is_empty() { p { "Inga händelser matchar. Ändra eller rensa filtren." } } @else { (table(l)) }
            @if l.newer.is_some() || l.older.is_some() {
                nav.pages aria-label="Sidor" {
                    ul {
                        @if let Some(n) = &l.newer { li { a href=(n) rel="prev" { "‹ Nyare" } } }
                        @if let Some(o) = &l.older { li { a href=(o) rel="next" { "Äldre ›" } } }
                    }
                }
            }
        } @else {
            p { "Rätta filtren ovan för att se händelserna." }
        }
    };
    page(&Shell { title: "Händelsehistorik", who: Some(who), errors: l.errors }, content)
}
