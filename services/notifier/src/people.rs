//! Who gets mail, from the people directory beside the log (ADR 0017), read from the ledger once
//! per tick: the reporters who act for an organisation in a plan, the coordinators of a plan, and
//! a person's address when a mail goes out. Erased people and people without an address get none.

use lofte_proto::{
    ids::{OrgId, PlanId},
    people::{Person, PersonRole},
    plan::PlanState,
    text::Email,
};
use uuid::Uuid;

/// Someone a mail goes to: the person (recorded by id) and the address it is sent to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Recipient {
    pub person: Uuid,
    pub email: Email,
}

/// The directory as read at the start of a tick.
#[derive(Debug, Clone, Default)]
pub struct People(pub Vec<Person>);

impl People {
    fn reachable(&self) -> impl Iterator<Item = (&Person, &Email)> {
        self.0.iter().filter(|p| p.erased_at.is_none()).filter_map(|p| p.email.as_ref().map(|e| (p, e)))
    }

    /// The reporters acting for `org` in `plan`.
    pub fn reporters(&self, org: &OrgId, plan: &PlanId) -> Vec<Recipient> {
        self.reachable()
            .filter(|(p, _)| p.role == PersonRole::Reporter && p.acts_for(org, plan))
            .map(|(p, e)| Recipient { person: p.id, email: e.clone() })
            .collect()
    }

    /// The coordinators of `plan`: those named for it, or — named for no plan — for one of the
    /// organisations that coordinate it.
    pub fn coordinators(&self, plan: &PlanId, state: &PlanState) -> Vec<Recipient> {
        self.reachable()
            .filter(|(p, _)| p.role == PersonRole::Coordinator)
            .filter(|(p, _)| match p.plans.is_empty() {
                false => p.plans.contains(plan),
                true => state.coordinators.iter().any(|c| p.orgs.contains(&c.org)),
            })
            .map(|(p, e)| Recipient { person: p.id, email: e.clone() })
            .collect()
    }

    /// A coordinator of `plan` as a mail names them: `Name <address>`.
    pub fn contact(&self, plan: &PlanId, state: &PlanState) -> Option<String> {
        let first = self.coordinators(plan, state).into_iter().next()?;
        let person = self.0.iter().find(|p| p.id == first.person)?;
        Some(match &person.name {
            Some(n) => format!("{n} <{}>", first.email),
            None => first.email.to_string(),
        })
    }

    /// Where mail to `person` goes now (none once erased).
    pub fn email(&self, person: &Uuid) -> Option<&Email> {
        self.reachable().find(|(p, _)| p.id == *person).map(|(_, e)| e)
    }
}
