//! The coordinator's plans, and Översikt of one: per tertial the due date, whether it is
//! approved and who still owes what (with links to approve it and to move its due date); then per
//! promise a table of its activities × tertials, each cell's state in words (the colour only
//! repeats them). A table sits in a labelled, focusable region that scrolls by itself on a narrow
//! screen: the page never scrolls sideways.

use maud::{html, Markup};

use crate::{
    html::{page, words, Shell, Who},
    overview::{swedish_date, CellView, Overview, State, TertialView},
};

/// `/samordna`: the plans, each linking to its Översikt.
pub fn plans(who: &Who, plans: &[(String, String)]) -> Markup {
    let content = html! {
        h1 { "Översikt" }
        @if plans.is_empty() {
            p { "Du samordnar inga medborgarlöften i Lofte ännu." }
        } @else {
            p { "Medborgarlöften du samordnar:" }
            ul.plans {
                @for (id, title) in plans { li { a href={ "/samordna/" (id) } { (title) } } }
            }
        }
        h2 { "Mer för samordnare" }
        ul {
            li { a href="/samordna/importera" { "Importera en plan" } }
            li { a href="/samordna/personer" { "Personer: vem rapporterar för vilken organisation" } }
        }
    };
    page(&Shell { title: "Översikt", who: Some(who), ..Shell::default() }, content)
}

fn tertial_section(plan: &str, t: &TertialView) -> Markup {
    let name = words::tertial(&t.id);
    html! {
        section.tertial aria-labelledby={ "t-" (t.id) } {
            h3 id={ "t-" (t.id) } { (words::tertial_cap(&t.id)) }
            p.meta {
                "Sista dag: " strong { (swedish_date(t.due)) }
                @if !t.declared { " (standard, ingen satt)" }
                " · "
                @if let Some(on) = &t.approved {
                    span.state.state-approved { "godkänd" } " " (on)
                } @else if t.begun {
                    "Inte godkänd"
                } @else {
                    "Har inte börjat"
                }
            }
            @if !t.counts.is_empty() {
                ul.counts aria-label={ "Aktiviteter per läge, " (name) } {
                    @for (s, n) in &t.counts { li { span.state.(s.class()) { (s.words()) } ": " (n) } }
                }
            }
            @if !t.owed.is_empty() {
                h4 { "Väntar på" }
                ul.owed {
                    @for o in &t.owed {
                        li {
                            details {
                                summary {
                                    strong { (o.org) } ": " (o.activities.len())
                                    @if o.activities.len() == 1 { " aktivitet" } @else { " aktiviteter" }
                                }
                                ul { @for a in &o.activities { li { (a) } } }
                            }
                        }
                    }
                }
            }
            ul.actions {
                li {
                    a href={ "/samordna/" (plan) "/godkann/" (t.id) } {
                        @if t.approved.is_some() { "Godkänn " (name) " igen" } @else { "Godkänn " (name) }
                    }
                }
                li { a href={ "/samordna/" (plan) "/sista-dag/" (t.id) } { "Ändra sista dag för " (name) } }
            }
        }
    }
}

fn cell(c: &CellView) -> Markup {
    html! {
        td {
            span.state.(c.state.class()) { (c.state.words()) }
            @if !c.pending.is_empty() && matches!(c.state, State::Late | State::InProgress | State::NotReported) {
                span.pending { "Väntar på " (c.pending.join(", ")) }
            }
            @if c.late_amendments > 0 {
                span.pending {
                    (c.late_amendments) @if c.late_amendments == 1 { " sent tillägg" } @else { " sena tillägg" }
                }
            }
        }
    }
}

/// Översikt of a plan; `notice`: what was just done.
pub fn overview(who: &Who, o: &Overview, notice: Option<&str>) -> Markup {
    let title = format!("Översikt: {}", o.title);
    let content = html! {
        p.crumbs { a href="/samordna" { "Översikt" } " › " (o.title) }
        @if let Some(n) = notice { div.notice role="status" { p { (n) } } }
        h1 { (title) }
        p.lead { "Läget för varje aktivitet och tertial, i ord. Färgen upprepar bara orden." }
        ul {
            li { a href={ "/samordna/" (o.plan) "/paminn" } { "Påminn nu: mejla dem som ännu inte har lämnat" } }
            li { a href="/samordna/personer" { "Personer" } }
        }
        h2 { "Tertialer" }
        @for t in &o.tertials { (tertial_section(&o.plan, t)) }
        h2 { "Aktiviteter per tertial" }
        @for (i, p) in o.promises.iter().enumerate() {
            h3.promise id={ "lofte-" (i) } { (p.title) }
            div.matrix role="region" aria-labelledby={ "lofte-" (i) } tabindex="0" {
                table aria-labelledby={ "lofte-" (i) } {
                    thead {
                        tr {
                            th scope="col" { "Aktivitet" }
                            @for t in &o.tertials { th scope="col" { (words::tertial_cap(&t.id)) } }
                        }
                    }
                    tbody {
                        @for r in &p.rows {
                            tr {
                                th scope="row" { (r.title) }
                                @for c in &r.cells { (cell(c)) }
                            }
                        }
                    }
                }
            }
        }
    };
    page(&Shell { title: &title, who: Some(who), ..Shell::default() }, content)
}
