//! Bounded text: titles, places and topics are short; notes may be long. Both refuse control
//! characters and bidirectional overrides (a note may hold line breaks and tabs) and blank input, so what reaches the log and
//! the published report is printable.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be blank")]
    Blank,
    #[error("must be at most {max} characters, got {got}")]
    TooLong { max: usize, got: usize },
    #[error("contains a control character (U+{0:04X})")]
    Control(u32),
    #[error("not an e-mail address: {0:?}")]
    Email(String),
}

fn check(s: &str, max: usize, multiline: bool) -> Result<(), TextError> {
    if s.trim().is_empty() {
        return Err(TextError::Blank);
    }
    let got = s.chars().count();
    if got > max {
        return Err(TextError::TooLong { max, got });
    }
    if let Some(c) = s.chars().find(|c| refused(*c) && !(multiline && (*c == '\n' || *c == '\t'))) {
        return Err(TextError::Control(c as u32));
    }
    Ok(())
}

/// Control characters, and the bidirectional overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069) that make a published text read otherwise than it is stored.
fn refused(c: char) -> bool {
    c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $max:expr, $multiline:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The longest text accepted, in characters.
            pub const MAX: usize = $max;

            /// Checks and wraps `s`.
            pub fn new(s: impl Into<String>) -> Result<Self, TextError> {
                let s = s.into();
                check(&s, $max, $multiline)?;
                Ok(Self(s))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Self::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
            }
        }
    };
}

bounded_text!(
    /// A one-line text: a title, a place, a topic, a reason (at most 300 characters).
    Line, 300, false
);
bounded_text!(
    /// A narrative text: a note for the follow-up cell (at most 4,000 characters).
    Note, 4000, true
);

/// An e-mail address, loosely checked: one `@`, something on each side, a dot in the domain, no
/// spaces, at most 254 characters. Delivery is the real test.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Checks and wraps an address.
    pub fn new(s: impl Into<String>) -> Result<Self, TextError> {
        let s = s.into();
        let bad = || TextError::Email(s.clone());
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            return Err(bad());
        }
        Ok(Self(s))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Text for HTML, attributes included: `&`, `<`, `>` and `"` escaped.
pub fn html_escape(t: &str) -> String {
    t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert!(Line::new("Gängsnacket på Österängen").is_ok());
        assert_eq!(Line::new("  "), Err(TextError::Blank));
        assert_eq!(Line::new("a\nb"), Err(TextError::Control(10)));
        assert!(Note::new("rad ett\nrad två").is_ok());
        assert_eq!(Note::new("x\u{7}"), Err(TextError::Control(7)));
        assert!(matches!(Line::new("å".repeat(301)), Err(TextError::TooLong { max: 300, got: 301 })));
        assert!(Email::new("trygghet@vatterhem.example").is_ok());
        for bad in ["a", "a@b", "@b.se", "a b@c.se", "a@b.se."] {
            assert!(Email::new(bad).is_err(), "{bad}");
        }
    }
}
