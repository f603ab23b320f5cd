//! The mails, composed from facts: a reminder digest for one reporter (every activity its
//! organisation still owes, across plans, with due dates and how to submit) and an escalation for
//! a plan's coordinators (who still owes what). Swedish plain text and an HTML alternative; a
//! Message-ID derived from the occasion, so a resend after a crash is recognisably the same mail.

use jiff::civil::Date;
use lofte_proto::{
    calendar::Occasion,
    ids::{ActivityId, OrgId, PlanId},
    plan::PlanState,
    text::{html_escape as esc, Email},
    Tertial,
};
use sha2::{Digest, Sha256};

use uuid::Uuid;

use crate::{
    key::SentKey,
    people::{People, Recipient},
    swedish,
};

/// One activity whose follow-up an organisation still owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owed {
    pub plan: PlanId,
    pub plan_title: String,
    pub tertial: Tertial,
    pub due: Date,
    pub activity: ActivityId,
    pub activity_title: String,
    pub org: OrgId,
    pub org_name: String,
}

/// Where people can act.
#[derive(Debug, Clone)]
pub struct Links {
    /// The projector's base URL, for the pending list.
    pub projector: String,
    /// Who answers questions (a plan's coordinator), as `Name <address>`.
    pub contact: String,
    /// The web application's base URL: a reporter's "Att göra" is there.
    pub web: Option<String>,
}

impl Links {
    /// The links in mails about `plan`: its first coordinator in the directory answers questions.
    pub fn for_plan(
        plan: &PlanId,
        state: Option<&PlanState>,
        people: &People,
        projector: &str,
        web: Option<&str>,
    ) -> Links {
        let contact = state.and_then(|s| people.contact(plan, s)).unwrap_or_else(|| "samordnaren".to_owned());
        Links { projector: projector.to_owned(), contact, web: web.map(|w| w.trim_end_matches('/').to_owned()) }
    }
}

/// A mail ready to be built and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `<…@lofte>`, derived from the person (not the address), occasion and what it is about.
    pub message_id: String,
}

/// The Message-ID of a mail to `person` for `occasion` about `(plan, tertial)` pairs.
pub fn message_id(person: &Uuid, occasion: Occasion, about: &[(PlanId, Tertial)]) -> String {
    let mut keys: Vec<String> = about.iter().map(|(p, t)| format!("{p}/{t}")).collect();
    keys.sort();
    keys.dedup();
    let h = Sha256::digest(format!("{person}|{}|{}", occasion.id(), keys.join(",")));
    format!("<{}.{}@lofte>", occasion.id(), &hex::encode(h)[..32])
}

fn when(occasion: Occasion) -> &'static str {
    match occasion {
        Occasion::Due => "i dag",
        Occasion::Before(n) if n <= 3 => "om några dagar",
        _ => "snart",
    }
}

/// A reporter's digest: every activity its organisation owes, grouped by plan and tertial.
/// `items` must be non-empty and all for the same organisation.
pub fn reminder(to: &Recipient, occasion: Occasion, items: &[Owed], links: &Links) -> Composed {
    let first_due = items.iter().map(|i| i.due).min().unwrap_or_else(|| jiff::civil::date(1970, 1, 1));
    let org = items.first().map_or("", |i| i.org_name.as_str());
    let subject = format!("Påminnelse: uppföljning av medborgarlöfte ska lämnas senast {}", swedish::date(first_due));
    let mut groups: Vec<(&PlanId, Tertial)> = items.iter().map(|i| (&i.plan, i.tertial)).collect();
    groups.sort();
    groups.dedup();
    let mut text = format!(
        "Hej!\n\nUppföljningen av medborgarlöftet ska lämnas {}. Följande aktiviteter saknar ännu uppföljning från {org}:\n",
        when(occasion)
    );
    let mut html = format!(
        "<p>Hej!</p>\n<p>Uppföljningen av medborgarlöftet ska lämnas {}. Följande aktiviteter saknar ännu uppföljning från {}:</p>\n",
        when(occasion),
        esc(org)
    );
    for (plan, tertial) in &groups {
        let mine: Vec<&Owed> = items.iter().filter(|i| &i.plan == *plan && i.tertial == *tertial).collect();
        let Some(head) = mine.first() else { continue };
        let heading = format!(
            "{} — tertial {} {}, senast {}",
            head.plan_title,
            tertial.number(),
            tertial.year(),
            swedish::day(head.due)
        );
        text.push_str(&format!("\n{heading}\n"));
        html.push_str(&format!("<h3>{}</h3>\n<ul>\n", esc(&heading)));
        for i in &mine {
            text.push_str(&format!("  • {}\n", i.activity_title));
            html.push_str(&format!("<li>{}</li>\n", esc(&i.activity_title)));
        }
        html.push_str("</ul>\n");
    }
    if let Some(web) = &links.web {
        let url = format!("{web}/");
        text.push_str(&format!("\nLogga in och lämna uppföljningen under Att göra: {url}\n"));
        html.push_str(&format!(
            "<p>Logga in och lämna uppföljningen under <a href=\"{0}\">Att göra</a>: {0}</p>\n",
            esc(&url)
        ));
    }
    text.push_str("\nSå här lämnar du uppföljningen när er del är klar, en aktivitet i taget:\n");
    html.push_str("<p>Så här lämnar du uppföljningen när er del är klar, en aktivitet i taget:</p>\n<pre>");
    for i in items {
        let cmd = format!(
            "lofte submit --plan {} --activity {} --actor {} --tertial {}",
            i.plan, i.activity, i.org, i.tertial
        );
        text.push_str(&format!("  {cmd}\n"));
        html.push_str(&format!("{}\n", esc(&cmd)));
    }
    html.push_str("</pre>\n");
    for (plan, tertial) in &groups {
        let url = format!("{}/v1/plans/{plan}/pending?tertial={tertial}", links.projector.trim_end_matches('/'));
        text.push_str(&format!("Vad som saknas: {url}\n"));
        html.push_str(&format!("<p>Vad som saknas: <a href=\"{0}\">{0}</a></p>\n", esc(&url)));
    }
    let footer = format!("Meddelandet skickades automatiskt av Lofte. Frågor besvaras av {}.", links.contact);
    text.push_str(&format!("\n{footer}\n"));
    html.push_str(&format!("<p><small>{}</small></p>\n", esc(&footer)));
    Composed {
        to: to.email.clone(),
        subject,
        message_id: message_id(
            &to.person,
            occasion,
            &groups.iter().map(|(p, t)| ((*p).clone(), *t)).collect::<Vec<_>>(),
        ),
        text,
        html: format!("<!DOCTYPE html>\n<html lang=\"sv\"><body>\n{html}</body></html>\n"),
    }
}

/// A coordinator's escalation for one plan and tertial: who still owes what.
pub fn escalation(to: &Recipient, occasion: Occasion, items: &[Owed], links: &Links) -> Composed {
    let (title, tertial, due) =
        items.first().map_or((String::new(), None, None), |i| (i.plan_title.clone(), Some(i.tertial), Some(i.due)));
    let t = tertial.map_or(String::new(), |t| format!("tertial {} {}", t.number(), t.year()));
    let subject = format!("Eskalering: uppföljningen av {title}, {t}, saknas fortfarande");
    let due = due.map_or(String::new(), swedish::day);
    let mut text = format!(
        "Hej!\n\nUppföljningen av {title}, {t}, skulle ha lämnats senast {due}. Den saknas fortfarande från:\n"
    );
    let mut html = format!(
        "<p>Hej!</p>\n<p>Uppföljningen av {}, {}, skulle ha lämnats senast {}. Den saknas fortfarande från:</p>\n",
        esc(&title),
        esc(&t),
        esc(&due)
    );
    let mut orgs: Vec<(&str, Vec<&str>)> = vec![];
    for i in items {
        match orgs.iter_mut().find(|(o, _)| *o == i.org_name) {
            Some((_, acts)) => acts.push(&i.activity_title),
            None => orgs.push((&i.org_name, vec![&i.activity_title])),
        }
    }
    for (org, acts) in &orgs {
        text.push_str(&format!("\n{org}\n"));
        html.push_str(&format!("<h3>{}</h3>\n<ul>\n", esc(org)));
        for a in acts {
            text.push_str(&format!("  • {a}\n"));
            html.push_str(&format!("<li>{}</li>\n", esc(a)));
        }
        html.push_str("</ul>\n");
    }
    let about: Vec<(PlanId, Tertial)> = items.iter().map(|i| (i.plan.clone(), i.tertial)).collect();
    if let Some((plan, tertial)) = about.first() {
        let url = format!("{}/v1/plans/{plan}/pending?tertial={tertial}", links.projector.trim_end_matches('/'));
        text.push_str(&format!("\nAktuell lista: {url}\n"));
        html.push_str(&format!("<p>Aktuell lista: <a href=\"{0}\">{0}</a></p>\n", esc(&url)));
    }
    text.push_str("\nMeddelandet skickades automatiskt av Lofte.\n");
    html.push_str("<p><small>Meddelandet skickades automatiskt av Lofte.</small></p>\n");
    Composed {
        to: to.email.clone(),
        subject,
        message_id: message_id(&to.person, occasion, &about),
        text,
        html: format!("<!DOCTYPE html>\n<html lang=\"sv\"><body>\n{html}</body></html>\n"),
    }
}

/// A note to a coordinator: a reminder to `recipient` (the address of `about.person`) could not be
/// delivered after `attempts` tries.
pub fn failure_note(to: &Email, about: &SentKey, recipient: &Email, error: &str, attempts: u32) -> Composed {
    let SentKey { plan, tertial, occasion, person } = about;
    let subject = format!("Lofte: påminnelse till {recipient} kunde inte levereras");
    let text = format!(
        "Hej!\n\nPåminnelsen ({occasion}) om uppföljningen av {plan}, tertial {} {}, till {recipient} kunde inte levereras efter {attempts} försök.\nSenaste felet: {error}\n\nLofte försöker igen vid nästa körning. Kontrollera gärna adressen.\n",
        tertial.number(),
        tertial.year()
    );
    let html = format!("<!DOCTYPE html>\n<html lang=\"sv\"><body>\n<pre>{}</pre>\n</body></html>\n", esc(&text));
    let h = Sha256::digest(format!("failure|{}|{plan}|{tertial}|{occasion}|{person}", to.as_str().to_lowercase()));
    Composed { to: to.clone(), subject, text, html, message_id: format!("<failure.{}@lofte>", &hex::encode(h)[..32]) }
}
