//! Sign-in pages: the address form, "Kolla din e-post" (the same whether the address is known or
//! not), the page a mailed link opens (a button, so that a mail scanner following the link does
//! not use it up), and the page for a link that no longer works.

use maud::{html, Markup};

use super::{page, Shell};

/// The form asking for an address; `error`: what is wrong with `value`.
pub fn form(csrf: &str, value: &str, error: Option<&str>) -> Markup {
    let errors: Vec<(String, String)> = error.map(|e| ("epost".to_owned(), e.to_owned())).into_iter().collect();
    let content = html! {
        h1 { "Logga in" }
        p { "Skriv den e-postadress du är registrerad med. Du får ett mejl med en länk som loggar in dig. Länken gäller i 15 minuter och kan bara användas en gång." }
        form method="post" action="/logga-in" novalidate {
            input type="hidden" name="_csrf" value=(csrf);
            div.field.error[error.is_some()] {
                label for="epost" { "E-postadress" }
                @if let Some(e) = error {
                    p.field-error id="epost-fel" { span.visually-hidden { "Fel: " } (e) }
                }
                input id="epost" name="epost" type="email" autocomplete="email" spellcheck="false" value=(value)
                    aria-describedby=[error.map(|_| "epost-fel")];
            }
            button type="submit" { "Skicka inloggningslänk" }
        }
    };
    page(&Shell { title: "Logga in", errors: &errors, ..Shell::default() }, content)
}

/// After asking for a link.
pub fn check_mail() -> Markup {
    page(
        &Shell { title: "Kolla din e-post", ..Shell::default() },
        html! {
            h1 { "Kolla din e-post" }
            p { "Om adressen finns registrerad i Lofte har vi skickat en inloggningslänk till den. Länken gäller i 15 minuter." }
            p { "Inget mejl? Kontrollera skräpposten, eller " a href="/logga-in" { "be om en ny länk" } "." }
        },
    )
}

/// What a mailed link opens: one button that signs in.
pub fn confirm(secret: &str, csrf: &str) -> Markup {
    page(
        &Shell { title: "Bekräfta inloggning", ..Shell::default() },
        html! {
            h1 { "Logga in i Lofte" }
            form method="post" action={ "/logga-in/" (secret) } {
                input type="hidden" name="_csrf" value=(csrf);
                button type="submit" { "Logga in" }
            }
        },
    )
}

/// A link used before, expired, or never made.
pub fn link_gone() -> Markup {
    page(
        &Shell { title: "Länken fungerar inte", ..Shell::default() },
        html! {
            h1 { "Länken fungerar inte längre" }
            p { "En inloggningslänk gäller i 15 minuter och kan bara användas en gång." }
            p { a href="/logga-in" { "Be om en ny länk" } }
        },
    )
}
