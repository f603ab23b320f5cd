//! Who sent a request. Authentication comes later; this is the seam it plugs into. For now the
//! principal is the organisation named in the command, and every request carries one.

use lofte_proto::Command;

/// The authenticated sender of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Recorded as the event's `author`.
    pub name: String,
}

impl Principal {
    /// The principal of an unauthenticated command: its organisation.
    pub fn of(cmd: &Command) -> Principal {
        Principal { name: cmd.actor.to_string() }
    }
}
