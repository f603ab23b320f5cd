//! What can go wrong talking to a ledger.

use serde_json::Value;

/// A refusal by the ledger, as its problem document says it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}{}", field.as_ref().map(|f| format!(" (field {f})")).unwrap_or_default())]
pub struct Problem {
    pub status: u16,
    /// The problem's type without `urn:lofte:problem:`, e.g. `not-involved`.
    pub code: String,
    pub detail: String,
    /// The request field at fault, if one was.
    pub field: Option<String>,
}

impl Problem {
    /// The problem an answer's body describes (a body that is not one still gives a problem).
    pub fn of(status: u16, body: &Value) -> Problem {
        let s = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
        Problem {
            status,
            code: s("type").map(|t| t.trim_start_matches("urn:lofte:problem:").to_owned()).unwrap_or_default(),
            detail: s("detail").unwrap_or_else(|| format!("the ledger answered {status}")),
            field: s("field"),
        }
    }
}

/// Why a request to the ledger did not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The ledger could not be reached (or did not answer in time).
    #[error("cannot reach the ledger at {base}: {why}")]
    Unreachable { base: String, why: String },
    /// The ledger answered, and refused.
    #[error(transparent)]
    Refused(#[from] Problem),
    /// The ledger answered something that is not what its API promises.
    #[error("the ledger at {base} answered something unexpected: {why}")]
    Unexpected { base: String, why: String },
}

impl ClientError {
    /// The ledger's refusal, if that is what this is.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ClientError::Refused(p) => Some(p),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_document_becomes_a_typed_problem() {
        let body = serde_json::json!({"type": "urn:lofte:problem:not-involved", "detail": "vatterhem takes no part",
            "field": "actor", "status": 403});
        let p = Problem::of(403, &body);
        assert_eq!((p.code.as_str(), p.field.as_deref()), ("not-involved", Some("actor")));
        assert_eq!(p.to_string(), "vatterhem takes no part (field actor)");
        assert_eq!(Problem::of(502, &Value::Null).detail, "the ledger answered 502");
    }
}
