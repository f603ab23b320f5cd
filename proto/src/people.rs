//! The people directory: who reports for which organisation and who coordinates, kept beside the
//! log, not in it (ADR 0017). Names and addresses change and can be erased (GDPR art. 17); events
//! name people only by their opaque id. Pure: the types, what a client sends (parsed with the
//! field at fault named), and the audit record of every change, whose personal values can be
//! purged.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    command::FieldError,
    ids::{OrgId, PlanId},
    text::{Email, Line},
};

/// What a person does in Lofte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonRole {
    /// Reports for an organisation; gets its reminders.
    Reporter,
    /// Owns a plan's follow-up; gets escalations.
    Coordinator,
    /// Reads the whole log and checks it (in the web application's auditor pages); records nothing.
    Auditor,
}

/// One person in the directory. Erased: no name, no address, `erased_at` set; the id, role and
/// organisations stay, so reports and audits can still say "a reporter for Polisen".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    #[schema(value_type = String, format = Uuid)]
    pub id: Uuid,
    pub role: PersonRole,
    /// The organisations they act for (at least one).
    #[schema(value_type = Vec<String>)]
    pub orgs: Vec<OrgId>,
    /// The plans they act in; empty: every plan of their organisations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<String>)]
    pub plans: Vec<PlanId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Line>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Email>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub erased_at: Option<Timestamp>,
}

impl Person {
    /// The person with what `new` (the same address and role) adds: its organisations and plans
    /// (no plans on either side: every plan), and its name if it gives one. `None`: nothing new.
    pub fn merged(&self, new: &NewPerson) -> Option<Person> {
        let mut p = self.clone();
        for o in &new.orgs {
            if !p.orgs.contains(o) {
                p.orgs.push(o.clone());
            }
        }
        if p.plans.is_empty() || new.plans.is_empty() {
            p.plans.clear();
        } else {
            for plan in &new.plans {
                if !p.plans.contains(plan) {
                    p.plans.push(plan.clone());
                }
            }
        }
        if new.name.is_some() {
            p.name.clone_from(&new.name);
        }
        (p != *self).then_some(p)
    }

    /// Whether they act for `org` in `plan`.
    pub fn acts_for(&self, org: &OrgId, plan: &PlanId) -> bool {
        self.erased_at.is_none() && self.orgs.contains(org) && (self.plans.is_empty() || self.plans.contains(plan))
    }

    /// What reports and audits say of someone whose name may be gone: "rapportör för polisen".
    pub fn described(&self) -> String {
        let role = match self.role {
            PersonRole::Reporter => "rapportör",
            PersonRole::Coordinator => "samordnare",
            PersonRole::Auditor => "granskare",
        };
        let orgs: Vec<&str> = self.orgs.iter().map(OrgId::as_str).collect();
        match &self.name {
            Some(n) => format!("{n} ({role} för {})", orgs.join(", ")),
            None => format!("{role} för {} (borttagen)", orgs.join(", ")),
        }
    }
}

/// What a coordinator sends to add a person (`POST /v1/people`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub role: PersonRole,
    #[schema(value_type = Vec<String>, example = json!(["polisen"]))]
    pub orgs: Vec<OrgId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<String>)]
    pub plans: Vec<PlanId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "Kommunpolis Eksjö")]
    pub name: Option<Line>,
    #[schema(value_type = String, example = "kommunpolis.eksjo@polisen.example")]
    pub email: Email,
}

impl NewPerson {
    /// Parses a request body strictly; the error names the field at fault.
    pub fn parse(body: &[u8]) -> Result<NewPerson, FieldError> {
        let de = &mut serde_json::Deserializer::from_slice(body);
        let p: NewPerson = serde_path_to_error::deserialize(de).map_err(|e| {
            let field = e.path().to_string();
            let message = e.inner().to_string();
            let message = message.rfind(" at line ").map_or(message.clone(), |i| message[..i].to_owned());
            FieldError { field: if field == "." { String::new() } else { field }, message }
        })?;
        if p.orgs.is_empty() {
            return Err(FieldError { field: "orgs".into(), message: "name at least one organisation".into() });
        }
        Ok(p)
    }

    /// The person it makes, with `id`.
    pub fn into_person(self, id: Uuid) -> Person {
        let NewPerson { role, orgs, plans, name, email } = self;
        Person { id, role, orgs, plans, name, email: Some(email), erased_at: None }
    }
}

/// The people a `plan_adopted` event of schema 1 names (before the directory existed: the
/// reporters' addresses per organisation, the coordinators with name and address), for moving them
/// into the directory; entries that do not read as people are left out.
pub fn in_old_plan_adopted(plan: &PlanId, data: &serde_json::Value) -> Vec<NewPerson> {
    let mut out = vec![];
    let field = |v: &serde_json::Value, k: &str| v.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
    for a in data["actors"].as_array().into_iter().flatten() {
        let Some(org) = field(a, "id").and_then(|o| OrgId::new(o).ok()) else { continue };
        for r in a["reporters"].as_array().into_iter().flatten() {
            if let Some(email) = r.as_str().and_then(|e| Email::new(e).ok()) {
                let (role, orgs, plans) = (PersonRole::Reporter, vec![org.clone()], vec![plan.clone()]);
                out.push(NewPerson { role, orgs, plans, name: None, email });
            }
        }
    }
    for c in data["coordinators"].as_array().into_iter().flatten() {
        let org = field(c, "org").and_then(|o| OrgId::new(o).ok());
        let email = field(c, "email").and_then(|e| Email::new(e).ok());
        if let (Some(org), Some(email)) = (org, email) {
            let name = field(c, "name").and_then(|n| Line::new(n).ok());
            out.push(NewPerson {
                role: PersonRole::Coordinator,
                orgs: vec![org],
                plans: vec![plan.clone()],
                name,
                email,
            });
        }
    }
    out
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    /// Organisations or plans added, or the name set, by adding the same person again.
    Changed,
    Erased,
}

/// One entry of the directory's audit record: who changed whom, when. `values` holds the
/// personal values written (name, address) until the person is erased; then they are purged
/// from every entry about them, and `purged` says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonChange {
    pub seq: u64,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// The token that made the change (as events record their author).
    pub by: String,
    #[schema(value_type = String, format = Uuid)]
    pub person: Uuid,
    pub kind: ChangeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub values: Option<serde_json::Value>,
    #[serde(default)]
    pub purged: bool,
}

impl PersonChange {
    /// The entry without its personal values.
    pub fn purge(mut self) -> PersonChange {
        if self.values.take().is_some() {
            self.purged = true;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_person_is_read_strictly_and_names_the_field_at_fault() {
        let ok =
            NewPerson::parse(br#"{"role":"reporter","orgs":["polisen"],"name":"Kim","email":"kim@polisen.example"}"#)
                .unwrap();
        let p = ok.into_person(Uuid::nil());
        assert!(p.acts_for(&OrgId::new("polisen").unwrap(), &PlanId::new("eksjo-2017").unwrap()));
        assert_eq!(p.described(), "Kim (rapportör för polisen)");
        for (body, field) in [
            (&br#"{"role":"reporter","orgs":[],"email":"kim@polisen.example"}"#[..], "orgs"),
            (br#"{"role":"boss","orgs":["polisen"],"email":"kim@polisen.example"}"#, "role"),
            (br#"{"role":"reporter","orgs":["polisen"],"email":"not an address"}"#, "email"),
            (br#"{"role":"reporter","orgs":["Polisen!"],"email":"kim@polisen.example"}"#, "orgs[0]"),
            (br#"{"role":"reporter","orgs":["polisen"],"email":"k@p.se","shoe_size":42}"#, "shoe_size"),
        ] {
            let e = NewPerson::parse(body).unwrap_err();
            assert!(e.field.starts_with(field), "{}: {e:?}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn the_people_of_an_old_plan_adopted_are_found() {
        let plan = PlanId::new("eksjo-2017").unwrap();
        let data = serde_json::json!({"actors": [{"id": "polisen", "name": "Polisen", "reporters": ["a@p.se", "bad"]}],
            "coordinators": [{"name": "Kim", "email": "k@k.se", "org": "kommunen"}, {"org": "polisen"}]});
        let people = in_old_plan_adopted(&plan, &data);
        assert_eq!(people.len(), 2, "{people:?}");
        assert_eq!((people[0].role, people[0].email.as_str()), (PersonRole::Reporter, "a@p.se"));
        assert_eq!(people[1].name.as_ref().map(Line::as_str), Some("Kim"));
    }

    #[test]
    fn an_erased_person_keeps_role_and_organisation_only() {
        let mut p = NewPerson::parse(br#"{"role":"coordinator","orgs":["kommunen"],"name":"Alex","email":"a@k.se"}"#)
            .unwrap()
            .into_person(Uuid::nil());
        (p.name, p.email, p.erased_at) = (None, None, Some(Timestamp::UNIX_EPOCH));
        assert_eq!(p.described(), "samordnare för kommunen (borttagen)");
        assert!(!p.acts_for(&OrgId::new("kommunen").unwrap(), &PlanId::new("x").unwrap()));
        let c = PersonChange {
            seq: 1,
            at: Timestamp::UNIX_EPOCH,
            by: "coordinator:abc".into(),
            person: Uuid::nil(),
            kind: ChangeKind::Added,
            values: Some(serde_json::json!({"name": "Alex", "email": "a@k.se"})),
            purged: false,
        }
        .purge();
        assert!(c.values.is_none() && c.purged);
    }
}
