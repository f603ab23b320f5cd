//! Who may do what: roles, bearer tokens kept only as hashes, and the event kinds each role may
//! record. Pure: reading the tokens file and checking requests is the services' part.
//!
//! A token is `lofte_` and 64 hex digits (256 random bits). Only its SHA-256 is stored, in a
//! tokens file (TOML, `[[tokens]]`), with a short public id, the role and, for reporters, the
//! organisation. The id names the token in the log (`author`) and when revoking it.

use serde::{Deserialize, Serialize};

use crate::{chain::Hash, event::Kind, ids::OrgId};

/// What a principal may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Records what its organisation did, in plans the organisation takes part in; reads those plans.
    Reporter,
    /// Plan changes, deadlines, approvals, corrections; reads everything.
    Coordinator,
    /// Reads everything, the raw log and its verification included; writes nothing.
    Auditor,
    /// A service's own writes (the notifier's reminders) and reads of the log.
    Service,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Reporter, Role::Coordinator, Role::Auditor, Role::Service];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reporter => "reporter",
            Role::Coordinator => "coordinator",
            Role::Auditor => "auditor",
            Role::Service => "service",
        }
    }

    /// Whether this role reads every plan and the raw log.
    pub fn reads_everything(self) -> bool {
        !matches!(self, Role::Reporter)
    }

    /// Whether this role may record an event of `kind`.
    pub fn may_record(self, kind: Kind) -> bool {
        use Kind::*;
        match self {
            Role::Reporter => {
                kind.is_occurrence()
                    || matches!(kind, NoteWritten | FollowUpSubmitted | EventCorrected | EventRetracted)
            }
            Role::Coordinator => kind.is_plan_change() || matches!(kind, FollowUpApproved),
            Role::Auditor => false,
            Role::Service => matches!(kind, ReminderSent | ReminderFailed),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role's name that is none of Lofte's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: reporter, coordinator, auditor or service")]
pub struct UnknownRole(pub String);

impl std::str::FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// Why a tokens file was refused: what is wrong, naming the token where one is at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TokenFileError(pub String);

impl TokenFileError {
    /// Whether the message mentions `what` (for tests and callers that word it further).
    pub fn contains(&self, what: &str) -> bool {
        self.0.contains(what)
    }
}

/// One token as stored: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenEntry {
    /// Public id: the first 12 hex digits of the hash. Recorded as the author of what it writes.
    pub id: String,
    /// SHA-256 of the token, hex.
    pub sha256: String,
    pub role: Role,
    /// The organisation a reporter reports for (required for reporters, none for the others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<OrgId>,
    /// Who holds it, for people reading the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When it was created (RFC 3339).
    pub created: String,
    /// A service token that may record on behalf of a person of the directory (header
    /// `Lofte-On-Behalf-Of`), as that person's role allows: the web application's (ADR 0019).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delegate: bool,
}

impl TokenEntry {
    /// How the log names this token's writes: `reporter:polisen:3fa9c01b2e4d`.
    pub fn author(&self) -> String {
        match &self.org {
            Some(o) => format!("{}:{o}:{}", self.role, self.id),
            None => format!("{}:{}", self.role, self.id),
        }
    }
}

/// The tokens file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenFile {
    #[serde(default)]
    pub tokens: Vec<TokenEntry>,
}

impl TokenFile {
    /// Parses and checks a tokens file (a reporter has an organisation, nobody else has one, ids
    /// and hashes are well formed and unique).
    pub fn parse(text: &str) -> Result<TokenFile, TokenFileError> {
        let f: TokenFile = toml::from_str(text).map_err(|e| TokenFileError(e.message().to_owned()))?;
        let bad = |m: String| Err(TokenFileError(m));
        let mut seen = std::collections::BTreeSet::new();
        for t in &f.tokens {
            if t.sha256.len() != 64 || !t.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return bad(format!("token {}: sha256 must be 64 hex digits", t.id));
            }
            if !t.sha256.starts_with(&t.id) || t.id.len() != 12 {
                return bad(format!("token {}: the id must be the first 12 hex digits of sha256", t.id));
            }
            if (t.role == Role::Reporter) != t.org.is_some() {
                return bad(format!("token {}: a reporter token names an organisation, no other does", t.id));
            }
            if !seen.insert(t.sha256.clone()) {
                return bad(format!("token {} appears twice", t.id));
            }
        }
        Ok(f)
    }

    /// The text to write back.
    pub fn render(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# Lofte's bearer tokens, as hashes. Managed with `lofte token`; keep it private (chmod 600).\n\n{body}"
        )
    }

    /// The entry a presented token belongs to.
    pub fn find(&self, token: &str) -> Option<&TokenEntry> {
        let h = hash_token(token);
        self.tokens.iter().find(|t| t.sha256 == h)
    }
}

/// The stored form of a token: SHA-256, hex.
pub fn hash_token(token: &str) -> String {
    Hash::of(token.as_bytes()).to_string()
}

/// A new token from 32 random bytes, and its entry.
pub fn new_token(
    random: [u8; 32],
    role: Role,
    org: Option<OrgId>,
    name: Option<String>,
    created: String,
) -> (String, TokenEntry) {
    let token = format!("lofte_{}", hex::encode(random));
    let sha256 = hash_token(&token);
    let entry = TokenEntry { id: sha256[..12].to_owned(), sha256, role, org, name, created, delegate: false };
    (token, entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(s: &str) -> Option<OrgId> {
        Some(OrgId::new(s).unwrap())
    }

    #[test]
    fn a_token_is_found_by_its_hash_only() {
        let (token, entry) = new_token([7; 32], Role::Reporter, org("polisen"), None, "2026-01-01T00:00:00Z".into());
        assert!(token.starts_with("lofte_") && token.len() == 6 + 64);
        let file = TokenFile { tokens: vec![entry.clone()] };
        let text = file.render();
        assert!(!text.contains(&token[6..]), "the token itself is never stored");
        let back = TokenFile::parse(&text).unwrap();
        assert_eq!(back.find(&token), Some(&entry));
        assert_eq!(back.find("lofte_00"), None);
        assert_eq!(entry.author(), format!("reporter:polisen:{}", entry.id));
    }

    #[test]
    fn malformed_files_are_refused() {
        let (_, mut e) = new_token([1; 32], Role::Auditor, None, None, "x".into());
        e.org = org("polisen");
        assert!(TokenFile::parse(&TokenFile { tokens: vec![e.clone()] }.render())
            .unwrap_err()
            .contains("organisation"));
        e.org = None;
        assert!(TokenFile::parse(&TokenFile { tokens: vec![e.clone(), e.clone()] }.render())
            .unwrap_err()
            .contains("twice"));
        e.id = "abc".into();
        assert!(TokenFile::parse(&TokenFile { tokens: vec![e] }.render()).unwrap_err().contains("id"));
    }

    #[test]
    fn each_role_records_only_its_kinds() {
        use Kind::*;
        assert!(Role::Reporter.may_record(MeasureCounted) && Role::Reporter.may_record(FollowUpSubmitted));
        assert!(!Role::Reporter.may_record(FollowUpApproved) && !Role::Reporter.may_record(PlanAdopted));
        assert!(Role::Coordinator.may_record(FollowUpApproved) && !Role::Coordinator.may_record(MeasureCounted));
        assert!(Role::Service.may_record(ReminderSent) && !Role::Service.may_record(NoteWritten));
        assert!(Kind::ALL.iter().all(|k| !Role::Auditor.may_record(*k)));
    }
}
