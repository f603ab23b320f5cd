//! The public pages, for everyone, signed in or not: the plans with an approved follow-up
//! (**Uppföljningar**), a plan's follow-up as approved (**Uppföljning av …**, printable, with
//! downloads), and what lies behind an approved cell (**Underlag**).

pub mod download;
pub mod table;
pub mod why;

use maud::{html, Markup};

use self::{
    download::approval,
    table::{Cell, Listed, Report},
    why::Figure,
};
use super::{
    words::{tertial, tertial_cap},
    Shell, Who,
};

/// The approval dates as they are said: "2022-05-16".
fn day(at: jiff::Timestamp) -> String {
    lofte_proto::date::local_date(at).to_string()
}

/// `/rapporter`: the plans with an approved follow-up.
pub fn list(who: Option<&Who>, plans: &[Listed]) -> Markup {
    super::page(
        &Shell { title: "Uppföljningar", who, ..Default::default() },
        html! {
            h1 { "Uppföljningar av medborgarlöften" }
            p { "Polisen och kommunerna följer upp sina medborgarlöften varje tertial. Här finns uppföljningarna som är godkända, precis som de godkändes." }
            @if plans.is_empty() {
                p { "Ingen uppföljning är godkänd ännu." }
            } @else {
                ul.items {
                    @for p in plans {
                        li.item {
                            h2.plan { a href={ "/rapporter/" (p.plan) } { (p.title) } }
                            p.meta { (p.municipality) }
                            p.meta {
                                "Godkänt: "
                                @for (i, (t, at)) in p.approved.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    (tertial(&t.to_string())) " (" (day(*at)) ")"
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// `/rapporter/{plan}`: the follow-up as approved.
pub fn report(who: Option<&Who>, r: &Report) -> Markup {
    let files = [("rapport.md", "Markdown"), ("rapport.csv", "CSV"), ("rapport.json", "JSON")];
    super::page(
        &Shell { title: &r.title, who, ..Default::default() },
        html! {
            div.report {
                p.crumbs.no-print { a href="/rapporter" { "Alla uppföljningar" } }
                h1 { (r.title) }
                p { (r.subtitle) }
                ul.approvals {
                    @for c in &r.columns {
                        li { strong { (tertial_cap(&c.tertial.to_string())) } ": " (approval(c)) }
                    }
                }
                @for c in &r.columns {
                    @if let (Some(src), Some(at)) = (c.source, c.as_of) {
                        @if src != c.tertial {
                            p.meta {
                                (tertial_cap(&c.tertial.to_string())) " visas som i uppföljningen av " (tertial(&src.to_string()))
                                ", godkänd " (day(at)) ". Det som registrerades för " (tertial(&c.tertial.to_string()))
                                " efter att den godkändes står där som sena tillägg."
                            }
                        }
                    }
                }
                p.meta { "Varje siffra har ett underlag: de händelser den bygger på, som de var när uppföljningen godkändes." }
                p.downloads.no-print {
                    "Ladda ner uppföljningen: "
                    @for (i, (file, name)) in files.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href={ "/rapporter/" (r.plan) "/" (file) } download { (name) }
                    }
                    "."
                }
                @for p in &r.promises {
                    h2 { "➤ " (p.title) }
                    div.table-wrap tabindex="0" role="region" aria-label={ "Tabell: " (p.title) } {
                        table.follow-up {
                            thead {
                                tr {
                                    th scope="col" { "Aktivitet" }
                                    @for c in &r.columns {
                                        th scope="col" {
                                            "Tertial " (c.tertial.number())
                                            span.approved { (approval(c)) }
                                        }
                                    }
                                }
                            }
                            tbody {
                                @for row in &p.rows {
                                    tr {
                                        th scope="row" { (row.title) }
                                        @for (c, cell) in r.columns.iter().zip(&row.cells) {
                                            td { (cell_markup(&r.plan, &row.activity, &row.title, c, cell)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn cell_markup(plan: &str, activity: &str, title: &str, c: &table::Column, cell: &Cell) -> Markup {
    let t = c.tertial.to_string();
    html! {
        @match cell {
            Cell::NotApproved => p.not-approved { "Inte godkänd ännu." },
            Cell::Absent => p { "–" },
            Cell::Approved { lines, .. } => {
                @for l in lines {
                    @if l.starts_with("Sent tillägg") { p.late { (l) } } @else { p { (l) } }
                }
                p.why.no-print {
                    a href={ "/rapporter/" (plan) "/underlag/" (t) "/" (activity) } {
                        "Underlag" span.visually-hidden { " för " (title) ", " (tertial(&t)) }
                    }
                }
            }
        }
    }
}

/// What the why page shows besides the figures.
#[derive(Debug)]
pub struct WhyPage<'a> {
    pub plan: &'a str,
    pub report_title: &'a str,
    pub activity: &'a str,
    pub tertial: &'a str,
    /// When the report it is read from was approved, and of which tertial.
    pub approved: jiff::Timestamp,
    pub source: &'a str,
}

/// `/rapporter/{plan}/underlag/{tertial}/{activity}`: the events behind an approved cell.
pub fn why(who: Option<&Who>, w: &WhyPage<'_>, figures: &[Figure], removed: &[String]) -> Markup {
    let title = format!("Underlag: {}, {}", w.activity, tertial(w.tertial));
    super::page(
        &Shell { title: &title, who, ..Default::default() },
        html! {
            p.crumbs.no-print { a href={ "/rapporter/" (w.plan) } { (w.report_title) } }
            h1 { "Varför står det så?" }
            p.lead { (w.activity.trim_end_matches('.')) ", " (tertial(w.tertial)) "." }
            p {
                "Händelserna bakom siffrorna i cellen, som de var registrerade när uppföljningen av "
                (tertial(w.source)) " godkändes " (day(w.approved)) ". Rättelser står vid det de rättar."
            }
            @if figures.is_empty() && removed.is_empty() {
                p { "Inga händelser ligger bakom den här cellen." }
            }
            @for f in figures {
                h2 { (f.name) @if let Some(t) = &f.total { ": " (t) } }
                div.table-wrap tabindex="0" role="region" aria-label={ "Händelser: " (f.name) } {
                    table.events {
                        thead { tr { th scope="col" { "Händelse" } th scope="col" { "Datum" } th scope="col" { "Organisation" } th scope="col" { "Uppgift" } th scope="col" { "Rättelser" } } }
                        tbody {
                            @for e in &f.entries {
                                tr {
                                    td { (e.kind) }
                                    td { (e.date) }
                                    td { (e.organisation) }
                                    td { (e.text) }
                                    td {
                                        @if e.corrections.is_empty() { "–" }
                                        @for c in &e.corrections { p { "Rättad: " (c) } }
                                    }
                                }
                            }
                        }
                    }
                }
                @if f.more > 0 {
                    p.more {
                        "De " (f.entries.len()) " senast registrerade visas, och " (why::count(f.more))
                        " händelser till ligger bakom siffran. Granskare ser hela listan."
                    }
                }
            }
            @if !removed.is_empty() {
                h2 { "Borttaget" }
                ul { @for r in removed { li { (r) } } }
            }
        },
    )
}

/// A public page that is not there, and why, in words.
pub fn not_found(who: Option<&Who>, why: &str) -> Markup {
    super::page(
        &Shell { title: "Sidan finns inte", who, ..Default::default() },
        html! {
            h1 { "Sidan finns inte" }
            p { (why) }
            p { a href="/rapporter" { "Alla godkända uppföljningar" } }
        },
    )
}
