//! [`Secret`]: a password or token in the settings (NATS, SMTP, bearer tokens) that never shows
//! in logs, `Debug` output or error messages. It has no `Display`; the ways to the text are
//! [`Secret::expose`] and [`Secret::bearer`], called where the secret is handed on.

use std::{convert::Infallible, fmt, str::FromStr};

use serde::{de, Deserialize, Deserializer, Serialize};

/// A password or token; `Debug` prints `<redacted>`.
#[derive(Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl Secret {
    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// An `Authorization: Bearer …` header value, marked sensitive.
    pub fn bearer(&self) -> Option<axum::http::HeaderValue> {
        let mut v = axum::http::HeaderValue::from_str(&format!("Bearer {}", self.0)).ok()?;
        v.set_sensitive(true);
        Some(v)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl FromStr for Secret {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Infallible> {
        Ok(Secret(s.to_owned()))
    }
}

// figment reads `LOFTE__…__PASSWORD=0012345` from the environment as the number 12345, and
// `=TRUE` as a bool: the text is lost. Rather than guess it back, such a secret is refused with
// the way out (quote it: `LOFTE__…__PASSWORD='"0012345"'`), and without the value in the message.
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Secret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(NOT_TEXT)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Secret, E> {
                Ok(Secret(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Secret, E> {
                Ok(Secret(v))
            }
            // serde's own message would quote the value.
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Secret, E> {
                Err(E::custom(NOT_TEXT))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Secret, E> {
                Err(E::custom(NOT_TEXT))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Secret, E> {
                Err(E::custom(NOT_TEXT))
            }
            fn visit_i128<E: de::Error>(self, _: i128) -> Result<Secret, E> {
                Err(E::custom(NOT_TEXT))
            }
            fn visit_u128<E: de::Error>(self, _: u128) -> Result<Secret, E> {
                Err(E::custom(NOT_TEXT))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Secret, E> {
                Err(E::custom(NOT_TEXT))
            }
        }
        d.deserialize_any(V)
    }
}

const NOT_TEXT: &str =
    "a secret must be text; one that reads as a number or true/false must be quoted, e.g. '\"0012\"' in the environment";

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn debug_hides_it() {
        let s = Secret("hemligt".into());
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&s)), "Some(<redacted>)");
    }

    #[test]
    fn numbers_and_bools_are_refused_without_showing_them() {
        let de = |v: serde_json::Value| serde_json::from_value::<Secret>(v);
        assert_eq!(de(serde_json::json!("0012")).unwrap().expose(), "0012");
        for v in [serde_json::json!(12345), serde_json::json!(true), serde_json::json!(1.5)] {
            let e = de(v).unwrap_err().to_string();
            assert!(e.contains("quoted") && !e.contains("12345") && !e.contains("1.5"), "{e}");
        }
    }
}
