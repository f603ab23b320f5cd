//! A plan's report for auditors: the table the partners publish, where every cell links to the
//! events behind it; as it was known at a chosen moment (with the approvals as ready moments);
//! and the way to what changed between two moments.

use maud::{html, Markup};

use super::{field, menu, query, wide};
use crate::html::{page, words, Shell, Who};

/// One activity's row: its title and, per tertial, the cell's lines.
#[derive(Debug, Clone)]
pub struct Row {
    pub activity: String,
    pub title: String,
    pub cells: Vec<(String, Vec<String>)>,
}

/// What the page shows.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    pub plan: String,
    pub plan_title: String,
    /// The moment asked for, as typed and as shown; `None`: now.
    pub per: Option<(String, String)>,
    pub tertials: Vec<String>,
    pub rows: Vec<Row>,
    /// Approvals: (tertial, moment as the services give it, as shown).
    pub approvals: Vec<(String, String, String)>,
    pub plans: Vec<String>,
}

fn presets(s: &Shown) -> Markup {
    let here = format!("/granska/plan/{}", s.plan);
    html! {
        h2 { "Visa som den var känd" }
        ul.presets {
            li { a href=(here) { "Nu" } }
            @for (t, at, shown) in &s.approvals {
                li { a href={ (here) (query(&[("per", at)])) } { "När " (words::tertial(t)) " godkändes" } " (" (shown) ")" }
            }
        }
        form method="get" action=(here) {
            (field("per", "Vid en annan tidpunkt", "ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM, svensk tid. Ett datum utan tid: när dagen var slut.", None, |d| html! {
                input type="text" id="per" name="per" value=(s.per.as_ref().map_or("", |p| p.0.as_str())) aria-describedby=(d) autocomplete="off";
            }))
            button type="submit" { "Visa" }
        }
        h2 { "Vad har ändrats?" }
        ul.presets {
            @for (t, at, _) in &s.approvals {
                li { a href={ (here) "/andringar" (query(&[("fran", at)])) } { "Sedan " (words::tertial(t)) " godkändes" } }
            }
            li { a href={ (here) "/andringar" } { "Mellan två tidpunkter du väljer" } }
        }
    }
}

pub fn page_for(who: &Who, s: &Shown) -> Markup {
    let title = match &s.per {
        Some((_, shown)) => format!("Rapport {} som den var känd {shown}", s.plan),
        None => format!("Rapport {}", s.plan),
    };
    let per = s.per.as_ref().map_or(String::new(), |(typed, _)| query(&[("per", typed)]));
    let content = html! {
        (menu(&format!("/granska/plan/{}", s.plan), &s.plans))
        h1 { (title) }
        p { (s.plan_title) ". Varje cell länkar till händelserna bakom den." }
        @if s.per.is_some() { p.notice role="status" { "Så här såg uppföljningen ut vid den tidpunkten. Senare händelser är inte med." } }
        (presets(s))
        h2 { "Rapporten" }
        (wide("Rapporten, tabell", html! {
            table.audit-report {
                caption { "Uppföljningen per aktivitet och tertial" }
                thead { tr { th scope="col" { "Aktivitet" } @for t in &s.tertials { th scope="col" { (words::tertial_cap(t)) } } } }
                tbody {
                    @for r in &s.rows {
                        tr {
                            th scope="row" { (r.title) }
                            @for (t, lines) in &r.cells {
                                td {
                                    @for l in lines { p { (l) } }
                                    a href={ "/granska/plan/" (s.plan) "/underlag/" (r.activity) (per) "#" (t) } {
                                        "Händelserna bakom" span.visually-hidden { ": " (r.title) ", " (words::tertial(t)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }))
    };
    page(&Shell { title: &title, who: Some(who), ..Shell::default() }, content)
}

/// The form for a moment when it cannot be used (or is missing), with the error at its field.
pub fn moment_error(who: &Who, plan: &str, plans: &[String], typed: &str, errors: &[(String, String)]) -> Markup {
    let title = format!("Rapport {plan}");
    let content = html! {
        (menu(&format!("/granska/plan/{plan}"), plans))
        h1 { (title) }
        form method="get" action={ "/granska/plan/" (plan) } {
            (field("per", "Visa som den var känd vid", "ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM, svensk tid.", errors.first().map(|e| e.1.as_str()), |d| html! {
                input type="text" id="per" name="per" value=(typed) aria-describedby=(d) autocomplete="off";
            }))
            button type="submit" { "Visa" }
        }
    };
    page(&Shell { title: &title, who: Some(who), errors }, content)
}
