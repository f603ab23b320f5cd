//! The auditors' history of the log (pure): an index of every event in memory, in seq order,
//! brought forward by whoever reads it with the events after its last seq (ADR 0020), so a page
//! of the history costs what arrived since the last read plus one pass over compact rows — never
//! the whole log from the ledger. [`row`]: one event as listed; [`filter`]: the filters and pages;
//! [`when`]: moments as typed and as shown.

pub mod filter;
pub mod row;
pub mod when;

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::Arc,
};

use lofte_proto::{envelope::Envelope, Event, Kind};
use uuid::Uuid;

pub use row::{kind_name, Row};

/// The index, shared by the requests of one `lofte-web` (they take turns bringing it forward).
pub type Shared = Arc<tokio::sync::Mutex<History>>;

/// Every event of the log as a [`Row`], and what the filters choose from.
#[derive(Debug, Default)]
pub struct History {
    rows: Vec<Row>,
    by_id: HashMap<Uuid, u32>,
    /// An event's corrections and retractions, as rows.
    amended: HashMap<Uuid, Vec<u32>>,
    /// One copy of each plan, activity, organisation and author name.
    names: BTreeSet<Arc<str>>,
    /// Activities' titles as added to their plans: (plan, activity) → title.
    titles: BTreeMap<(Arc<str>, Arc<str>), String>,
    /// Organisations' names as the plans adopted name them.
    orgs: BTreeMap<String, String>,
    /// The last seq taken in (the ledger's next page starts after it).
    pub last_seq: u64,
}

/// A correction chain: the original event, then every correction and retraction of it.
#[derive(Debug)]
pub struct Chain<'a> {
    pub original: &'a Row,
    pub amendments: Vec<&'a Row>,
}

impl History {
    /// Takes in the next event of the log.
    pub fn add(&mut self, e: &Envelope) {
        let names = &mut self.names;
        let mut name = |s: &str| -> Arc<str> {
            if let Some(n) = names.get(s) {
                return n.clone();
            }
            let n: Arc<str> = s.into();
            names.insert(n.clone());
            n
        };
        let (rows, by_id) = (&self.rows, &self.by_id);
        let earlier = |id: &Uuid| {
            let r = &rows[*by_id.get(id)? as usize];
            Some((r.activity.as_deref()?.to_owned(), r.tertial?))
        };
        let row = row::of(e, &mut name, earlier);
        match &e.event {
            Event::ActivityAdded(a) => {
                self.titles.insert((row.plan.clone(), name(a.id.as_str())), a.title.to_string());
            }
            Event::PlanAdopted(p) => {
                self.orgs.extend(p.actors.iter().map(|a| (a.id.to_string(), a.name.to_string())));
            }
            _ => {}
        }
        let at = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
        if let Some(t) = row.target {
            self.amended.entry(t).or_default().push(at);
        }
        self.by_id.insert(row.id, at);
        self.last_seq = self.last_seq.max(row.seq);
        self.rows.push(row);
    }

    /// Every row, oldest first.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The event with `id`.
    pub fn get(&self, id: &Uuid) -> Option<&Row> {
        self.by_id.get(id).map(|i| &self.rows[*i as usize])
    }

    /// The chain the event with `id` is part of: from a correction or retraction back to the
    /// original, then every correction and retraction of it (of them too), in seq order.
    pub fn chain(&self, id: &Uuid) -> Option<Chain<'_>> {
        let mut original = self.get(id)?;
        for _ in 0..64 {
            match original.target.and_then(|t| self.get(&t)) {
                Some(t) => original = t,
                None => break,
            }
        }
        let mut found: BTreeSet<u32> = BTreeSet::new();
        let mut todo = vec![original.id];
        while let Some(t) = todo.pop() {
            for i in self.amended.get(&t).into_iter().flatten() {
                if found.insert(*i) {
                    todo.push(self.rows[*i as usize].id);
                }
            }
        }
        Some(Chain { original, amendments: found.into_iter().map(|i| &self.rows[i as usize]).collect() })
    }

    /// The organisations, authors and plans that have recorded, sorted.
    pub fn actors(&self) -> BTreeSet<&str> {
        self.rows.iter().map(|r| &*r.actor).collect()
    }

    pub fn authors(&self) -> BTreeSet<&str> {
        self.rows.iter().map(|r| &*r.author).collect()
    }

    pub fn plans(&self) -> BTreeSet<&str> {
        self.rows.iter().map(|r| &*r.plan).collect()
    }

    /// The kinds found in the log, in declaration order.
    pub fn kinds(&self) -> Vec<Kind> {
        let seen: BTreeSet<Kind> = self.rows.iter().map(|r| r.kind).collect();
        Kind::ALL.iter().copied().filter(|k| seen.contains(k)).collect()
    }

    /// Every activity added to a plan: (plan, activity, title), by plan and title.
    pub fn activities(&self) -> Vec<(&str, &str, &str)> {
        let mut v: Vec<_> = self.titles.iter().map(|((p, a), t)| (&**p, &**a, t.as_str())).collect();
        v.sort_by(|x, y| (x.0, x.2).cmp(&(y.0, y.2)));
        v
    }

    /// An activity's title ("" when unknown).
    pub fn title(&self, plan: &str, activity: &str) -> &str {
        self.titles.iter().find(|((p, a), _)| &**p == plan && &**a == activity).map_or("", |(_, t)| t.as_str())
    }

    /// An organisation's name (its id when no plan names it).
    pub fn org_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.orgs.get(id).map_or(id, String::as_str)
    }

    /// Roughly the memory the index holds: rows, their strings, the maps, the shared names.
    pub fn heap_bytes(&self) -> usize {
        let rows =
            self.rows.capacity() * std::mem::size_of::<Row>() + self.rows.iter().map(Row::heap_bytes).sum::<usize>();
        let ids = self.by_id.capacity() * (std::mem::size_of::<(Uuid, u32)>() + 1);
        let amended = self.amended.capacity() * (std::mem::size_of::<(Uuid, Vec<u32>)>() + 1)
            + self.amended.values().map(|v| v.capacity() * 4).sum::<usize>();
        let names = self.names.iter().map(|n| n.len() + 16 + 48).sum::<usize>();
        rows + ids + amended + names + self.titles.values().map(|t| t.len() + 80).sum::<usize>()
    }
}

#[cfg(test)]
mod tests;
