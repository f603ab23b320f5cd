//! The auditors' pages: the history of the log ([`history`]), one event and its corrections
//! ([`event`]), a plan's report with the events behind each cell, as of a moment, and what changed
//! between two ([`report`]), and the ledger's chain check ([`verify`]). What these pieces share
//! is here: the auditors' menu, a form field with its hint and error, a region that scrolls
//! sideways on its own (wide tables, hashes, JSON) instead of the page, and query strings.

pub mod event;
pub mod history;
pub mod report;
pub mod trail;
pub mod verify;

use maud::{html, Markup};

/// The auditors' own links, under the page's header.
pub fn menu(current: &str, plans: &[String]) -> Markup {
    let link = |href: String, text: String| {
        html! {
            li {
                @if href == current { a href=(href) aria-current="page" { (text) } } @else { a href=(href) { (text) } }
            }
        }
    };
    html! {
        nav.audit aria-label="Granskning" {
            ul {
                (link("/granska".into(), "Händelsehistorik".into()))
                @for p in plans { (link(format!("/granska/plan/{p}"), format!("Rapport {p}"))) }
                (link("/granska/kontroll".into(), "Kontroll av loggen".into()))
            }
        }
    }
}

/// A form field: label, hint, the error if any (said before the input, linked from the summary).
pub fn field(id: &str, label: &str, hint: &str, error: Option<&str>, input: impl Fn(&str) -> Markup) -> Markup {
    let described = match (hint.is_empty(), error.is_some()) {
        (true, false) => String::new(),
        (false, false) => format!("{id}-tips"),
        (true, true) => format!("{id}-fel"),
        (false, true) => format!("{id}-tips {id}-fel"),
    };
    html! {
        div.field.error[error.is_some()] {
            label for=(id) { (label) }
            @if !hint.is_empty() { p.hint id={ (id) "-tips" } { (hint) } }
            @if let Some(e) = error { p.field-error id={ (id) "-fel" } { span.visually-hidden { "Fel: " } (e) } }
            (input(&described))
        }
    }
}

/// Content that may be wider than the screen: it scrolls sideways inside a labelled region that
/// takes focus (so a keyboard can scroll it), never the page.
pub fn wide(label: &str, content: Markup) -> Markup {
    html! { div.wide role="region" aria-label=(label) tabindex="0" { (content) } }
}

/// `?a=b&c=d`, every value percent-encoded; empty values left out.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let kept: Vec<String> =
        pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", enc(v))).collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_query_is_encoded_and_leaves_out_what_is_empty() {
        assert_eq!(
            super::query(&[("fritext", "Gängsnacket ca 35"), ("typ", ""), ("fore", "75")]),
            "?fritext=G%C3%A4ngsnacket%20ca%2035&fore=75"
        );
        assert_eq!(super::query(&[("typ", "")]), "");
    }
}
