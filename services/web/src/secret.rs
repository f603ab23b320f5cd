//! [`Secret`]: a password or token in the settings that never shows in logs, `Debug` output or
//! error messages. It has no `Display`; the one way to the text is [`Secret::expose`], called
//! where the secret is handed to the library that needs it.

use std::{convert::Infallible, fmt, str::FromStr};

use serde::{de, Deserialize, Deserializer, Serialize};

/// A password or token; `Debug` prints `"***"`.
#[derive(Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl Secret {
    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl FromStr for Secret {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Infallible> {
        Ok(Secret(s.to_owned()))
    }
}

// figment reads `LOFTE__…__PASSWORD=12345` from the environment as a number and `=true` as a
// bool; both are taken as the text they were. A float would have lost its spelling ("1.50" →
// 1.5), so it is refused with a way out — and without the value in the message.
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Secret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Secret, E> {
                Ok(Secret(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Secret, E> {
                Ok(Secret(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Secret, E> {
                Ok(Secret(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Secret, E> {
                Ok(Secret(v.to_string()))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Secret, E> {
                Ok(Secret(v.to_string()))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Secret, E> {
                Ok(Secret(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Secret, E> {
                Ok(Secret(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Secret, E> {
                Err(E::custom("a secret that reads as a number with a point or exponent must be quoted (\"…\")"))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn debug_hides_it() {
        let s = Secret("hemligt".into());
        assert_eq!(format!("{s:?}"), "\"***\"");
        assert_eq!(format!("{:?}", Some(&s)), "Some(\"***\")");
    }

    #[test]
    fn numbers_and_bools_from_the_environment_are_kept_as_written() {
        let de = |v: serde_json::Value| serde_json::from_value::<Secret>(v);
        assert_eq!(de(serde_json::json!(12345)).unwrap().expose(), "12345");
        assert_eq!(de(serde_json::json!(true)).unwrap().expose(), "true");
        assert_eq!(de(serde_json::json!("x")).unwrap().expose(), "x");
        let e = de(serde_json::json!(1.5)).unwrap_err().to_string();
        assert!(e.contains("quoted") && !e.contains("1.5"), "{e}");
    }
}
