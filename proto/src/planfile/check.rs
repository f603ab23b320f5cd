//! Small checks shared by the plan file's tables: unique ids, no repeats, declared references.

use std::collections::BTreeSet;

use super::error::PlanFileError;
use crate::ids::{AreaId, OrgId};

/// The ids of one array of tables, refusing duplicates (`areas[2].id: duplicate id "raslatt"`).
pub(super) fn unique_ids<'a>(
    table: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<BTreeSet<&'a str>, PlanFileError> {
    let mut seen = BTreeSet::new();
    for (i, id) in ids.enumerate() {
        if !seen.insert(id) {
            return Err(PlanFileError::DuplicateId { place: format!("{table}[{i}].id"), id: id.to_owned() });
        }
    }
    Ok(seen)
}

/// Refuses an entry listed twice in one list (`activities[0].areas[3]: "raslatt" is listed twice`).
pub(super) fn repeated<'a>(list: &str, items: impl Iterator<Item = &'a str>) -> Result<(), PlanFileError> {
    let mut seen = BTreeSet::new();
    for (i, item) in items.enumerate() {
        if !seen.insert(item) {
            return Err(PlanFileError::Repeated { place: format!("{list}[{i}]"), id: item.to_owned() });
        }
    }
    Ok(())
}

pub(super) fn known_org(orgs: &BTreeSet<&str>, org: &OrgId, place: &str) -> Result<(), PlanFileError> {
    if orgs.contains(org.as_str()) {
        Ok(())
    } else {
        Err(PlanFileError::UnknownOrganisation { place: place.to_owned(), id: org.to_string() })
    }
}

pub(super) fn known_area(areas: &BTreeSet<&str>, area: &AreaId, place: &str) -> Result<(), PlanFileError> {
    if areas.contains(area.as_str()) {
        Ok(())
    } else {
        Err(PlanFileError::UnknownArea { place: place.to_owned(), id: area.to_string() })
    }
}
