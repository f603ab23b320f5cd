//! The shell of every page: `lang="sv"`, a unique title ("Fel: …" when a form has errors), a skip
//! link to the content, the header with who is signed in and "Logga ut", the main content, and
//! a GOV.UK-style error summary when a form has errors.

use maud::{html, Markup, DOCTYPE};

/// Who is signed in, as the header shows them.
#[derive(Debug, Clone)]
pub struct Who {
    /// Their name, or what they are ("rapportör för polisen").
    pub name: String,
    /// The session's form token.
    pub csrf: String,
    /// What their address is in the directory (what the header links to).
    pub roles: Vec<lofte_proto::people::PersonRole>,
}

impl Who {
    /// The person's name, or their address when the directory has no name.
    pub fn of(person: &lofte_proto::people::Person, csrf: String) -> Who {
        let name = match (&person.name, &person.email) {
            (Some(n), _) => n.to_string(),
            (None, Some(e)) => e.to_string(),
            (None, None) => person.described(),
        };
        Who { name, csrf, roles: vec![person.role] }
    }
}

/// What a page needs besides its content.
#[derive(Debug, Clone, Default)]
pub struct Shell<'a> {
    pub title: &'a str,
    pub who: Option<&'a Who>,
    /// Field errors of the form on the page: (the field's id, the message).
    pub errors: &'a [(String, String)],
}

/// The links of the header: the published reports for everyone, and each role's start page.
fn nav(who: Option<&Who>) -> Markup {
    use lofte_proto::people::PersonRole;
    let has = |r| who.is_some_and(|w| w.roles.contains(&r));
    html! {
        nav.site aria-label="Huvudmeny" {
            ul {
                li { a href="/rapporter" { "Uppföljningar" } }
                @if has(PersonRole::Reporter) { li { a href="/att-gora" { "Att göra" } } }
                @if has(PersonRole::Coordinator) { li { a href="/samordna" { "Översikt" } } }
                @if has(PersonRole::Auditor) { li { a href="/granska" { "Händelsehistorik" } } }
                @if who.is_none() { li { a href="/logga-in" { "Logga in" } } }
            }
        }
    }
}

/// A whole page.
pub fn page(shell: &Shell<'_>, content: Markup) -> Markup {
    let title = if shell.errors.is_empty() { shell.title.to_owned() } else { format!("Fel: {}", shell.title) };
    html! {
        (DOCTYPE)
        html lang="sv" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Lofte" }
                link rel="stylesheet" href="/static/lofte.css";
            }
            body {
                a.skip href="#innehall" { "Hoppa till innehållet" }
                header.site {
                    a.brand href="/" { "Lofte" }
                    span.tagline { "Uppföljning av medborgarlöften" }
                    (nav(shell.who))
                    @if let Some(who) = shell.who {
                        div.who {
                            span { (who.name) }
                            form method="post" action="/logga-ut" {
                                input type="hidden" name="_csrf" value=(who.csrf);
                                button.link type="submit" { "Logga ut" }
                            }
                        }
                    }
                }
                main id="innehall" tabindex="-1" {
                    @if !shell.errors.is_empty() {
                        div.error-summary role="alert" aria-labelledby="fel-rubrik" tabindex="-1" {
                            h2 id="fel-rubrik" { "Det finns fel i formuläret" }
                            ul {
                                @for (field, message) in shell.errors {
                                    li { a href={ "#" (field) } { (message) } }
                                }
                            }
                        }
                    }
                    (content)
                }
                footer.site { p { "Lofte – medborgarlöften följs upp här, av dem som gör arbetet." } }
            }
        }
    }
}
