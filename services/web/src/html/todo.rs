//! "Att göra": per plan, the person's activities for the tertials open now, with what is logged,
//! the status, whether the follow-up is submitted, and the due date — what is late said in words.

use maud::{html, Markup};

use super::{page, Shell, Who};
use crate::todo::PlanTodo;

fn days(n: i64) -> String {
    match n {
        0 => "lämnas i dag".to_owned(),
        1 => "1 dag kvar".to_owned(),
        n if n > 1 => format!("{n} dagar kvar"),
        -1 => "1 dag försenad".to_owned(),
        n => format!("{} dagar försenad", -n),
    }
}

/// The page.
pub fn page_for(who: &Who, plans: &[PlanTodo]) -> Markup {
    let content = html! {
        h1 { "Att göra" }
        @if plans.iter().all(|p| p.items.is_empty()) {
            p { "Du har inga uppföljningar att lämna just nu." }
        }
        @for p in plans.iter().filter(|p| !p.items.is_empty()) {
            section.plan aria-labelledby={ "plan-" (p.plan) } {
                h2 id={ "plan-" (p.plan) } { (p.title) }
                ul.items {
                    @for i in &p.items {
                        li.item.late[i.late()] {
                            h3 { a href={ "/plan/" (p.plan) "/aktivitet/" (i.activity) } { (i.title) } }
                            p.meta {
                                span { (super::words::tertial_cap(&i.tertial.to_string())) }
                                " · "
                                span { "Lämnas senast " (i.due.to_string()) }
                                " · "
                                @if i.submitted {
                                    strong.ok { "Uppföljningen är lämnad" }
                                } @else if i.late() {
                                    strong.warn { "Försenad: " (days(i.days_left)) }
                                } @else {
                                    span { (days(i.days_left)) }
                                }
                            }
                            @if !i.submitted {
                                p { a href={ "/plan/" (p.plan) "/aktivitet/" (i.activity) "/lamna/" (i.tertial.to_string()) } { "Lämna uppföljningen" } }
                            }
                            p {
                                "Loggat: "
                                @if i.logged.is_empty() { "inget ännu" } @else { (i.logged.join(", ")) }
                                @if let Some(s) = &i.status { " · Status: " (s) }
                            }
                        }
                    }
                }
            }
        }
    };
    page(&Shell { title: "Att göra", who: Some(who), ..Shell::default() }, content)
}
