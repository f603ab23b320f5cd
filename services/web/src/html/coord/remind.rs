//! "Påminn nu": who owes a follow-up of the plan now, who the reminder would go to, and the
//! button; after it, what happened to each mail.

use maud::{html, Markup};

use crate::html::{page, words, Shell, Who};

/// A tertial owed now: its id, its due date in words, whether that has passed, and per
/// organisation (name) the activities (titles) it owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwedTertial {
    pub tertial: String,
    pub due: String,
    pub passed: bool,
    pub orgs: Vec<(String, Vec<String>)>,
}

/// One reporter a reminder goes to: how they are named, for which organisations, what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// Their name, if the directory has one.
    pub name: Option<String>,
    /// Their address (or how they are described without one).
    pub address: String,
    pub orgs: String,
    /// `would`, `sent`, `already` or `failed` (the notifier's words).
    pub outcome: String,
}

/// What the page shows.
#[derive(Debug, Clone, Copy)]
pub struct Remind<'a> {
    pub plan: &'a str,
    pub plan_title: &'a str,
    pub owed: &'a [OwedTertial],
    pub recipients: &'a [Recipient],
    pub once: &'a str,
    /// After sending: true.
    pub done: bool,
    /// What went wrong (the form is shown again with the same nonce: sending again completes it).
    pub error: Option<&'a str>,
}

fn outcome_words(o: &str) -> &'static str {
    match o {
        "sent" => "skickad nu",
        "already" => "redan skickad",
        "failed" => "kunde inte skickas",
        _ => "får påminnelsen",
    }
}

/// The page.
pub fn page_for(who: &Who, r: &Remind<'_>) -> Markup {
    let title = if r.done { "Påminnelsen är skickad" } else { "Påminn nu" };
    let errors: Vec<(String, String)> = r.error.map(|e| ("skicka".to_owned(), e.to_owned())).into_iter().collect();
    let back = format!("/samordna/{}", r.plan);
    let count = |n: usize| if n == 1 { "1 rapportör".to_owned() } else { format!("{n} rapportörer") };
    let sent = r.recipients.iter().filter(|x| x.outcome == "sent").count();
    let already = r.recipients.iter().filter(|x| x.outcome == "already").count();
    let content = html! {
        p.crumbs { a href="/samordna" { "Översikt" } " › " a href=(back) { (r.plan_title) } " › " "Påminn nu" }
        @if r.done && r.error.is_none() {
            div.notice role="status" {
                @if sent > 0 {
                    p { "Påminnelsen gick i väg till " (count(sent)) "." }
                } @else {
                    p { "Påminnelsen var redan skickad: ingen ny gick i väg. Samma knapptryckning skickar bara en gång." }
                }
                @if sent > 0 && already > 0 { p { (count(already)) " hade redan fått den." } }
            }
        }
        h1 { (title) }
        p.lead { (r.plan_title) }
        @if r.owed.is_empty() {
            p { "Ingen organisation är skyldig en uppföljning just nu. Det finns ingen att påminna." }
        } @else {
            h2 { "De här saknar uppföljning" }
            @for t in r.owed {
                section.owed aria-labelledby={ "t-" (t.tertial) } {
                    h3 id={ "t-" (t.tertial) } {
                        (words::tertial_cap(&t.tertial)) ", "
                        @if t.passed { "skulle ha lämnats senast " } @else { "ska lämnas senast " }
                        (t.due)
                    }
                    ul.owed-orgs {
                        @for (org, acts) in &t.orgs {
                            li {
                                details {
                                    summary { strong { (org) } ": " (acts.len()) @if acts.len() == 1 { " aktivitet" } @else { " aktiviteter" } }
                                    ul { @for a in acts { li { (a) } } }
                                }
                            }
                        }
                    }
                }
            }
            h2 { @if r.done { "Till vem" } @else { "Påminnelsen går till" } }
            @if r.recipients.is_empty() {
                p { "Ingen rapportör med e-postadress finns för de här organisationerna. Lägg till en under "
                    a href="/samordna/personer" { "Personer" } "." }
            } @else {
                ul.recipients {
                    @for x in r.recipients {
                        li {
                            @if let Some(n) = &x.name { (n) ", " }
                            span.address { (x.address) } " (" (x.orgs) ")"
                            @if r.done { " – " strong { (outcome_words(&x.outcome)) } }
                        }
                    }
                }
            }
            @if !r.done || r.error.is_some() {
                @if !r.recipients.is_empty() {
                    p { "Varje rapportör får ett e-brev med det deras organisation saknar. "
                        "De schemalagda påminnelserna före och på sista dagen skickas ändå som vanligt." }
                    form method="post" action={ (back) "/paminn" } {
                        input type="hidden" name="_csrf" value=(who.csrf);
                        input type="hidden" name="_once" value=(r.once);
                        @if let Some(e) = r.error { p.field-error id="skicka-fel" { span.visually-hidden { "Fel: " } (e) } }
                        button id="skicka" type="submit" { @if r.error.is_some() { "Försök igen" } @else { "Skicka påminnelsen nu" } }
                    }
                }
            }
        }
        p { a href=(back) { "Tillbaka till översikten" } }
    };
    page(&Shell { title, who: Some(who), errors: &errors }, content)
}
