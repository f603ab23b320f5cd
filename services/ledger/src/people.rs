//! The people directory beside the log (ADR 0017): two sled trees in the ledger's database, not
//! part of the chain — `people` (id → person, JSON) and `people-changes` (seq → the audit entry,
//! JSON). Changeable and erasable: erasing a person drops their name and address, and purges
//! those values from every audit entry about them. Writes are serialized and flushed before they
//! are answered.

use jiff::Timestamp;
use lofte_proto::people::{ChangeKind, NewPerson, Person, PersonChange};
use serde_json::json;
use uuid::Uuid;

/// Why a directory request failed.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("no person {0}")]
    NotFound(Uuid),
    /// An erased person cannot be changed (their entry stays as it is, without name and address).
    #[error("person {0} is erased")]
    Erased(Uuid),
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("a stored directory entry does not decode: {0}")]
    Corrupt(#[from] serde_json::Error),
}

/// What a change of a person sets (`PUT /v1/people/{id}`): all of it, as it is to be.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Changed {
    /// Their name; absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub name: Option<lofte_proto::text::Line>,
    /// The organisations they act for (at least one).
    #[schema(value_type = Vec<String>)]
    pub orgs: Vec<lofte_proto::ids::OrgId>,
    /// The plans they act in; empty: every plan of their organisations.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub plans: Vec<lofte_proto::ids::PlanId>,
}

impl Changed {
    /// Parses a request body strictly; the error names the field at fault (`orgs[1]`).
    pub fn parse(body: &[u8]) -> Result<Changed, lofte_proto::command::FieldError> {
        use lofte_proto::{
            command::FieldError,
            ids::{OrgId, PlanId},
            text::Line,
        };
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            #[serde(default)]
            name: Option<String>,
            orgs: Vec<String>,
            #[serde(default)]
            plans: Vec<String>,
        }
        let bad = |field: String, message: String| FieldError { field, message };
        let raw: Raw = serde_json::from_slice(body).map_err(|e| bad(String::new(), e.to_string()))?;
        let name = match raw.name.filter(|n| !n.trim().is_empty()) {
            Some(n) => Some(Line::new(n.trim()).map_err(|e| bad("name".into(), e.to_string()))?),
            None => None,
        };
        if raw.orgs.is_empty() {
            return Err(bad("orgs".into(), "name at least one organisation".into()));
        }
        let orgs = raw
            .orgs
            .iter()
            .enumerate()
            .map(|(i, o)| OrgId::new(o.as_str()).map_err(|e| bad(format!("orgs[{i}]"), e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let plans = raw
            .plans
            .iter()
            .enumerate()
            .map(|(i, p)| PlanId::new(p.as_str()).map_err(|e| bad(format!("plans[{i}]"), e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Changed { name, orgs, plans })
    }
}

/// The directory. Cloning is shallow.
#[derive(Debug, Clone)]
pub struct Directory {
    db: sled::Db,
    people: sled::Tree,
    changes: sled::Tree,
    /// Held by every write, so that "is this address there already" and the write are one step.
    write: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Directory {
    /// The directory in `db` (its trees are made if missing).
    pub fn open(db: &sled::Db) -> Result<Directory, DirectoryError> {
        Ok(Directory {
            db: db.clone(),
            people: db.open_tree("people")?,
            changes: db.open_tree("people-changes")?,
            write: Default::default(),
        })
    }

    /// Everyone, in id order (ids are UUIDv7: the order they were added).
    pub fn list(&self) -> Result<Vec<Person>, DirectoryError> {
        self.people.iter().values().map(|v| Ok(serde_json::from_slice(&v?)?)).collect()
    }

    pub fn get(&self, id: &Uuid) -> Result<Option<Person>, DirectoryError> {
        self.people.get(id.as_bytes())?.map(|v| Ok(serde_json::from_slice(&v)?)).transpose()
    }

    /// Adds a person (`true`: new). The same address and role again is the same person: what the
    /// request adds (organisations, plans, a name) is merged into theirs.
    pub async fn add(&self, new: NewPerson, by: &str, now: Timestamp) -> Result<(Person, bool), DirectoryError> {
        let _w = self.write.lock().await;
        let existing = self.list()?.into_iter().find(|p| p.email.as_ref() == Some(&new.email) && p.role == new.role);
        if let Some(p) = existing {
            let Some(merged) = p.merged(&new) else { return Ok((p, false)) };
            let values = json!({"name": merged.name, "orgs": merged.orgs, "plans": merged.plans});
            self.people.insert(p.id.as_bytes(), serde_json::to_vec(&merged)?)?;
            self.record(by, now, p.id, ChangeKind::Changed, Some(values))?;
            self.db.flush_async().await?;
            return Ok((merged, false));
        }
        let person = new.into_person(Uuid::now_v7());
        let values = json!({"name": person.name, "email": person.email});
        self.people.insert(person.id.as_bytes(), serde_json::to_vec(&person)?)?;
        self.record(by, now, person.id, ChangeKind::Added, Some(values))?;
        self.db.flush_async().await?;
        Ok((person, true))
    }

    /// Changes a person's name (`None`: removes it), organisations and plans (empty: every plan
    /// of their organisations); their role and address stay (another address is another person).
    /// Audited as a change with the values written; nothing is written when nothing changes.
    pub async fn change(&self, id: &Uuid, to: Changed, by: &str, now: Timestamp) -> Result<Person, DirectoryError> {
        let _w = self.write.lock().await;
        let p = self.get(id)?.ok_or(DirectoryError::NotFound(*id))?;
        if p.erased_at.is_some() {
            return Err(DirectoryError::Erased(*id));
        }
        let changed = Person { name: to.name, orgs: to.orgs, plans: to.plans, ..p.clone() };
        if changed != p {
            let values = json!({"name": changed.name, "orgs": changed.orgs, "plans": changed.plans});
            self.people.insert(id.as_bytes(), serde_json::to_vec(&changed)?)?;
            self.record(by, now, *id, ChangeKind::Changed, Some(values))?;
            self.db.flush_async().await?;
        }
        Ok(changed)
    }

    /// Erases a person's name and address, here and in every audit entry about them.
    pub async fn erase(&self, id: &Uuid, by: &str, now: Timestamp) -> Result<Person, DirectoryError> {
        let _w = self.write.lock().await;
        let mut p = self.get(id)?.ok_or(DirectoryError::NotFound(*id))?;
        if p.erased_at.is_none() {
            (p.name, p.email, p.erased_at) = (None, None, Some(now));
            self.people.insert(id.as_bytes(), serde_json::to_vec(&p)?)?;
            for entry in self.changes()? {
                if entry.person == *id && entry.values.is_some() {
                    self.changes.insert(entry.seq.to_be_bytes(), serde_json::to_vec(&entry.purge())?)?;
                }
            }
            self.record(by, now, *id, ChangeKind::Erased, None)?;
            self.db.flush_async().await?;
        }
        Ok(p)
    }

    /// The audit record, oldest first.
    pub fn changes(&self) -> Result<Vec<PersonChange>, DirectoryError> {
        self.changes.iter().values().map(|v| Ok(serde_json::from_slice(&v?)?)).collect()
    }

    fn record(
        &self,
        by: &str,
        at: Timestamp,
        person: Uuid,
        kind: ChangeKind,
        values: Option<serde_json::Value>,
    ) -> Result<(), DirectoryError> {
        let seq = self.changes.last()?.map_or(0, |(k, _)| k.as_ref().try_into().map_or(0, u64::from_be_bytes)) + 1;
        let entry = PersonChange { seq, at, by: by.to_owned(), person, kind, values, purged: false };
        self.changes.insert(seq.to_be_bytes(), serde_json::to_vec(&entry)?)?;
        Ok(())
    }
}
