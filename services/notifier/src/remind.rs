//! Reminding now, outside the schedule ("Påminn nu", ADR 0021), pure: which organisations of a
//! plan owe a follow-up today, which reporters would get a mail, the occasion a request is (one
//! per idempotency key), and the mail. Sending, keeping and recording are the tick's machinery
//! ([`crate::tick::Notifier::remind`]).
//!
//! A request's occasion is `manual-<hash of its idempotency key>`: it never equals a scheduled
//! occasion (`due-14`, `due`, `escalation-1`, …), so a manual reminder neither blocks nor is
//! blocked by a scheduled one, and the same key asked twice is the same occasion — the keys it
//! kept are skipped the second time.

use std::collections::BTreeMap;

use jiff::civil::Date;
use lofte_proto::{
    calendar::{due_date, ReminderPolicy},
    ids::PlanId,
    text::html_escape as esc,
    Tertial,
};
use sha2::{Digest, Sha256};

use crate::{
    compose::{Composed, Links, Owed},
    key::SentKey,
    people::{People, Recipient},
    schedule::PlanNow,
    swedish,
};

/// The occasion of the manual reminder asked for with `idempotency_key`.
pub fn occasion_for(idempotency_key: &str) -> String {
    format!("manual-{}", &hex::encode(Sha256::digest(idempotency_key.as_bytes()))[..24])
}

/// Whether `key`'s occasion is a manual one.
pub fn is_manual(occasion: &str) -> bool {
    occasion.starts_with("manual-")
}

/// One mail a manual reminder sends: to a reporter, every activity their organisations owe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub to: Recipient,
    pub items: Vec<Owed>,
}

impl Planned {
    /// The keys the mail covers under `occasion`: one per tertial it is about.
    pub fn keys(&self, occasion: &str) -> Vec<SentKey> {
        let mut keys: Vec<SentKey> = self
            .items
            .iter()
            .map(|i| SentKey {
                plan: i.plan.clone(),
                tertial: i.tertial,
                occasion: occasion.to_owned(),
                person: self.to.person,
            })
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// The activities listed for `key`'s tertial.
    pub fn activities_for(&self, key: &SentKey) -> Vec<lofte_proto::ids::ActivityId> {
        let mut a: Vec<_> =
            self.items.iter().filter(|i| i.tertial == key.tertial).map(|i| i.activity.clone()).collect();
        a.sort();
        a.dedup();
        a
    }
}

/// Whether a tertial's follow-up is owed on `today`: it is not approved, and it has ended or its
/// first scheduled reminder's day has come.
fn owed_on(now: &PlanNow, tertial: Tertial, policy: &ReminderPolicy, today: Date) -> bool {
    if now.state.approved.contains_key(&tertial) {
        return false;
    }
    let due = due_date(&now.state, tertial, policy);
    let first = policy
        .before_days
        .iter()
        .max()
        .map_or(due, |n| due.checked_add(jiff::Span::new().days(-i64::from(*n))).unwrap_or(due));
    today > tertial.last_day() || today >= first
}

/// What `plan` owes on `today` (every activity and organisation still pending in a tertial owed
/// now) and the mails a manual reminder sends: one per reporter acting for an organisation that
/// owes, listing what their organisations owe.
pub fn owed_now(
    plan: &PlanId,
    now: &PlanNow,
    people: &People,
    today: Date,
    policy: &ReminderPolicy,
) -> (Vec<Owed>, Vec<Planned>) {
    let mut owed: Vec<Owed> = vec![];
    for tertial in lofte_proto::fold::plan_tertials(&now.state) {
        if !owed_on(now, tertial, policy, today) {
            continue;
        }
        let due = due_date(&now.state, tertial, policy);
        for a in now.summary.promises.iter().flat_map(|p| &p.activities) {
            let Some(cell) = a.cells.get(&tertial) else { continue };
            for org in &cell.pending {
                owed.push(Owed {
                    plan: plan.clone(),
                    plan_title: now.summary.title.clone(),
                    tertial,
                    due,
                    activity: a.id.clone(),
                    activity_title: a.title.clone(),
                    org: org.clone(),
                    org_name: now.summary.organisations.get(org).cloned().unwrap_or_else(|| org.to_string()),
                });
            }
        }
    }
    let mut mails: BTreeMap<Recipient, Vec<Owed>> = BTreeMap::new();
    for item in &owed {
        for r in people.reporters(&item.org, plan) {
            mails.entry(r).or_default().push(item.clone());
        }
    }
    (owed, mails.into_iter().map(|(to, items)| Planned { to, items }).collect())
}

/// The Message-ID of a manual reminder: from the person, the occasion (so the request) and the
/// tertials it is about — a resend after a crash is recognisably the same mail, and the file
/// transport never writes it twice.
pub fn message_id(person: &uuid::Uuid, occasion: &str, about: &[(PlanId, Tertial)]) -> String {
    let mut keys: Vec<String> = about.iter().map(|(p, t)| format!("{p}/{t}")).collect();
    keys.sort();
    keys.dedup();
    let h = Sha256::digest(format!("{person}|{occasion}|{}", keys.join(",")));
    format!("<manual.{}@lofte>", &hex::encode(h)[..32])
}

/// The mail of a manual reminder, in Swedish: the coordinator asks; what is owed by tertial,
/// with its due date (passed or not) and the organisation; where to submit.
pub fn compose(planned: &Planned, occasion: &str, today: Date, links: &Links) -> Composed {
    let items = &planned.items;
    let title = items.first().map_or("", |i| i.plan_title.as_str());
    let subject = format!("Påminnelse från samordnaren: uppföljning av {title}");
    let mut text =
        format!("Hej!\n\nSamordnaren för {title} påminner om uppföljningen. Följande saknar ännu uppföljning:\n");
    let mut html = format!(
        "<p>Hej!</p>\n<p>Samordnaren för {} påminner om uppföljningen. Följande saknar ännu uppföljning:</p>\n",
        esc(title)
    );
    let mut tertials: Vec<(Tertial, Date)> = items.iter().map(|i| (i.tertial, i.due)).collect();
    tertials.sort();
    tertials.dedup();
    for (tertial, due) in &tertials {
        let when = if *due < today { "skulle ha lämnats senast" } else { "ska lämnas senast" };
        let heading = format!("Tertial {} {} – {when} {}", tertial.number(), tertial.year(), swedish::day(*due));
        text.push_str(&format!("\n{heading}\n"));
        html.push_str(&format!("<h3>{}</h3>\n<ul>\n", esc(&heading)));
        for i in items.iter().filter(|i| i.tertial == *tertial) {
            text.push_str(&format!("  • {} ({})\n", i.activity_title, i.org_name));
            html.push_str(&format!("<li>{} ({})</li>\n", esc(&i.activity_title), esc(&i.org_name)));
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
    let footer =
        format!("Påminnelsen skickades av Lofte på samordnarens begäran. Frågor besvaras av {}.", links.contact);
    text.push_str(&format!("\n{footer}\n"));
    html.push_str(&format!("<p><small>{}</small></p>\n", esc(&footer)));
    let about: Vec<(PlanId, Tertial)> = items.iter().map(|i| (i.plan.clone(), i.tertial)).collect();
    Composed {
        to: planned.to.email.clone(),
        subject,
        message_id: message_id(&planned.to.person, occasion, &about),
        text,
        html: format!("<!DOCTYPE html>\n<html lang=\"sv\"><body>\n{html}</body></html>\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_one_occasion_never_a_scheduled_one() {
        let a = occasion_for("web-1-abc");
        assert_eq!(a, occasion_for("web-1-abc"));
        assert_ne!(a, occasion_for("web-1-abd"));
        assert!(is_manual(&a) && lofte_proto::ids::check_slug(&a).is_ok(), "{a}");
        for scheduled in ["due-14", "due-3", "due", "escalation-1"] {
            assert!(!is_manual(scheduled));
        }
    }

    #[test]
    fn the_message_id_differs_from_every_scheduled_ones() {
        let p = uuid::Uuid::from_u128(7);
        let about = [("jonkoping-2022".parse().unwrap(), "2022-T1".parse().unwrap())];
        let manual = message_id(&p, &occasion_for("k"), &about);
        assert!(manual.starts_with("<manual.") && manual.ends_with("@lofte>"), "{manual}");
        assert_eq!(manual, message_id(&p, &occasion_for("k"), &about));
        assert_ne!(manual, message_id(&p, &occasion_for("k2"), &about));
        let due = crate::compose::message_id(&p, lofte_proto::calendar::Occasion::Due, &about);
        assert_ne!(manual, due);
    }
}
