//! The People page's forms (pure): what the choices are (the organisations and plans the plans'
//! summaries name), what was posted (kept as typed, to show again), the checks that turn it into
//! what the ledger is sent — or a message per field, in Swedish — and the ledger's own field
//! errors (`422` naming `email`, `orgs[1]`…) said at the same fields. The checks are the ledger's
//! (`Email`, `Line`, `OrgId`, `PlanId`), so what passes here is what the ledger takes.

use lofte_proto::{
    ids::{OrgId, PlanId},
    people::{NewPerson, Person, PersonRole},
    text::{Email, Line, TextError},
};
use serde_json::Value;

/// The form's field ids (also each error's link target: the first input of the field).
pub const ROLE: &str = "roll";
pub const ORGS: &str = "organisationer";
pub const PLANS: &str = "planer";
pub const NAME: &str = "namn";
pub const EMAIL: &str = "epost";

/// A role as the form names it, and as the page says it.
pub const ROLES: [(PersonRole, &str, &str); 3] = [
    (PersonRole::Reporter, "rapportor", "rapportör"),
    (PersonRole::Coordinator, "samordnare", "samordnare"),
    (PersonRole::Auditor, "granskare", "granskare"),
];

/// A role in Swedish: rapportör, samordnare, granskare.
pub fn role_word(role: PersonRole) -> &'static str {
    ROLES.iter().find(|(r, _, _)| *r == role).map_or("", |(_, _, w)| w)
}

/// The organisations and plans to choose from: (id, name) each, in the order first seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    pub orgs: Vec<(String, String)>,
    pub plans: Vec<(String, String)>,
}

impl Known {
    /// What the plans' summaries name (`plan`, `title`, `organisations` id → name).
    pub fn of(summaries: &[Value]) -> Known {
        let mut k = Known::default();
        for s in summaries {
            let Some(plan) = s["plan"].as_str() else { continue };
            k.plans.push((plan.to_owned(), s["title"].as_str().unwrap_or(plan).to_owned()));
            for (id, name) in s["organisations"].as_object().into_iter().flatten() {
                if !k.orgs.iter().any(|(o, _)| o == id) {
                    k.orgs.push((id.clone(), name.as_str().unwrap_or(id).to_owned()));
                }
            }
        }
        k
    }

    /// With `person`'s organisations and plans the summaries do not name (kept when changing them).
    pub fn with(mut self, person: &Person) -> Known {
        for o in &person.orgs {
            if !self.orgs.iter().any(|(id, _)| id == o.as_str()) {
                self.orgs.push((o.to_string(), o.to_string()));
            }
        }
        for p in &person.plans {
            if !self.plans.iter().any(|(id, _)| id == p.as_str()) {
                self.plans.push((p.to_string(), p.to_string()));
            }
        }
        self
    }

    pub fn org_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.orgs.iter().find(|(o, _)| o == id).map_or(id, |(_, n)| n)
    }

    pub fn plan_title<'a>(&'a self, id: &'a str) -> &'a str {
        self.plans.iter().find(|(p, _)| p == id).map_or(id, |(_, t)| t)
    }
}

/// What the form holds, as typed (or as the directory has it, for changing a person).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Posted {
    pub role: String,
    pub orgs: Vec<String>,
    pub plans: Vec<String>,
    pub name: String,
    pub email: String,
}

impl Posted {
    /// The posted fields (checkboxes repeat their name).
    pub fn read(values: &[(String, String)]) -> Posted {
        let mut p = Posted::default();
        for (k, v) in values {
            match k.as_str() {
                ROLE => v.trim().clone_into(&mut p.role),
                ORGS => p.orgs.push(v.clone()),
                PLANS => p.plans.push(v.clone()),
                NAME => v.trim().clone_into(&mut p.name),
                EMAIL => v.trim().clone_into(&mut p.email),
                _ => {}
            }
        }
        p
    }

    /// A person as the directory has them.
    pub fn of(person: &Person) -> Posted {
        Posted {
            role: ROLES.iter().find(|(r, _, _)| *r == person.role).map_or("", |(_, f, _)| f).to_owned(),
            orgs: person.orgs.iter().map(ToString::to_string).collect(),
            plans: person.plans.iter().map(ToString::to_string).collect(),
            name: person.name.as_ref().map(ToString::to_string).unwrap_or_default(),
            email: person.email.as_ref().map(ToString::to_string).unwrap_or_default(),
        }
    }
}

/// What a field's error says; (field id, message).
pub type Errors = Vec<(String, String)>;

/// What changing a person sends: name (`None`: none), organisations, plans (empty: every plan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub name: Option<Line>,
    pub orgs: Vec<OrgId>,
    pub plans: Vec<PlanId>,
}

/// Checks the organisations, plans and name (what adding and changing share).
pub fn check_change(p: &Posted, known: &Known) -> Result<Change, Errors> {
    let mut errors = Errors::new();
    let mut orgs = vec![];
    for o in &p.orgs {
        match OrgId::new(o.as_str()).ok().filter(|_| known.orgs.iter().any(|(id, _)| id == o)) {
            Some(o) if !orgs.contains(&o) => orgs.push(o),
            Some(_) => {}
            None => {
                errors.push((ORGS.to_owned(), "Välj organisationer i listan".to_owned()));
                break;
            }
        }
    }
    if p.orgs.is_empty() {
        errors.push((ORGS.to_owned(), "Välj minst en organisation".to_owned()));
    }
    let mut plans = vec![];
    for x in &p.plans {
        match PlanId::new(x.as_str()).ok().filter(|_| known.plans.iter().any(|(id, _)| id == x)) {
            Some(x) if !plans.contains(&x) => plans.push(x),
            Some(_) => {}
            None => {
                errors.push((PLANS.to_owned(), "Välj planer i listan".to_owned()));
                break;
            }
        }
    }
    let name = match p.name.as_str() {
        "" => None,
        n => match Line::new(n) {
            Ok(l) => Some(l),
            Err(e) => {
                errors.push((NAME.to_owned(), name_message(&e)));
                None
            }
        },
    };
    if errors.is_empty() {
        Ok(Change { name, orgs, plans })
    } else {
        Err(errors)
    }
}

/// Checks a new person: a role and an address besides what [`check_change`] checks.
pub fn check_new(p: &Posted, known: &Known) -> Result<NewPerson, Errors> {
    let role = ROLES.iter().find(|(_, f, _)| *f == p.role).map(|(r, _, _)| *r);
    let email = match p.email.as_str() {
        "" => Err("Skriv personens e-postadress".to_owned()),
        e => Email::new(e).map_err(|_| email_message()),
    };
    let change = check_change(p, known);
    let mut errors = Errors::new();
    if role.is_none() {
        errors.push((ROLE.to_owned(), "Välj en roll".to_owned()));
    }
    if let Err(e) = &change {
        errors.extend(e.iter().cloned());
    }
    if let Err(m) = &email {
        errors.push((EMAIL.to_owned(), m.clone()));
    }
    match (role, change, email) {
        (Some(role), Ok(Change { name, orgs, plans }), Ok(email)) => Ok(NewPerson { role, orgs, plans, name, email }),
        _ => Err(in_form_order(errors)),
    }
}

/// Errors in the order the form has its fields (the summary lists them so).
fn in_form_order(mut errors: Errors) -> Errors {
    let at = |f: &str| [ROLE, ORGS, PLANS, NAME, EMAIL].iter().position(|x| *x == f).unwrap_or(usize::MAX);
    errors.sort_by_key(|(f, _)| at(f));
    errors
}

fn email_message() -> String {
    "Skriv en e-postadress som namn@exempel.se, utan mellanslag".to_owned()
}

fn name_message(e: &TextError) -> String {
    match e {
        TextError::TooLong { max, .. } => format!("Namnet får vara högst {max} tecken"),
        TextError::Control(_) => "Namnet får inte innehålla dolda styrtecken".to_owned(),
        _ => "Skriv namnet på en rad".to_owned(),
    }
}

/// The ledger's refusal of a field (`email`, `name`, `orgs[1]`, `plans`, `role`, or none) said
/// at the form's field, in Swedish.
pub fn ledger_error(field: Option<&str>, detail: &str) -> (String, String) {
    let base = field.map(|f| f.split(['[', '.']).next().unwrap_or(f));
    let (id, message) = match base {
        Some("email") => (EMAIL, email_message()),
        Some("name") => (NAME, "Lofte tog inte emot namnet: skriv det på en rad, högst 300 tecken".to_owned()),
        Some("orgs") => (ORGS, "Lofte tog inte emot organisationerna: välj minst en i listan".to_owned()),
        Some("plans") => (PLANS, "Lofte tog inte emot planerna: välj dem i listan".to_owned()),
        Some("role") => (ROLE, "Välj en roll".to_owned()),
        _ => (NAME, format!("Lofte tog inte emot uppgifterna: {detail}")),
    };
    (id.to_owned(), message)
}

#[cfg(test)]
#[path = "people_form_tests.rs"]
mod tests;
