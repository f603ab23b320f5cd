//! Why a command was refused: always a client matter, with the field at fault.

/// Why a command was refused. Always a client matter (422), with the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {detail}")]
pub struct Rejection {
    /// Stable kebab-case code, e.g. `unknown-activity`.
    pub code: &'static str,
    /// Dotted path of the field at fault, e.g. `data.activity`.
    pub field: String,
    pub detail: String,
    /// The command is valid, but its organisation has no say in what it names: for a reporter
    /// acting for that organisation, a matter of permission (403) rather than of content.
    pub not_involved: bool,
}

pub(crate) fn reject(code: &'static str, field: impl Into<String>, detail: impl Into<String>) -> Rejection {
    Rejection { code, field: field.into(), detail: detail.into(), not_involved: false }
}

/// The organisation takes no part in what the command names.
pub(crate) fn not_involved(field: impl Into<String>, detail: impl Into<String>) -> Rejection {
    Rejection { not_involved: true, ..reject("not-involved", field, detail) }
}
