//! "Lämna uppföljningen": what is being submitted for an activity and tertial, and the button.

use maud::{html, Markup};

use super::{log::Context, page, Shell, Who};

/// The page; `submitted`: the organisations (names) that already have.
pub fn page_for(who: &Who, c: &Context, tertial: &str, logged: &[String], submitted: &[String], once: &str) -> Markup {
    let title = format!("Lämna uppföljningen för {}", super::words::tertial(tertial));
    let content = html! {
        p.crumbs { a href="/" { "Att göra" } " › " a href=(c.base()) { (c.title) } }
        h1 { (title) }
        p.lead { (c.title) }
        h2 { "Det här lämnas" }
        @if logged.is_empty() {
            p { "Inget är loggat för tertialen. Lämnar du ändå betyder det att inget har gjorts – ange gärna status först." }
        } @else {
            ul { @for l in logged { li { (l) } } }
        }
        @if !submitted.is_empty() {
            p.notice { "Redan lämnad av " (submitted.join(", ")) ". Du kan lämna igen om något har tillkommit." }
        }
        form method="post" action={ (c.base()) "/lamna/" (tertial) } {
            input type="hidden" name="_csrf" value=(who.csrf);
            input type="hidden" name="_once" value=(once);
            @if c.orgs.len() > 1 {
                div.field {
                    label for="organisation" { "För organisation" }
                    select id="organisation" name="organisation" {
                        @for (id, name) in &c.orgs { option value=(id) { (name) } }
                    }
                }
            }
            button type="submit" { "Lämna uppföljningen" }
        }
    };
    page(&Shell { title: &title, who: Some(who), ..Shell::default() }, content)
}
