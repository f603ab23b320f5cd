//! Figures as people give them: approximate counts kept as said plus a number to count with, and
//! hours with up to two decimals (kept as whole hundredths so encoding is exact).

use std::{fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest count accepted anywhere; anything above is an input error, not a fact.
pub const MAX_COUNT: u64 = 1_000_000;

/// How exact a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// "35"
    Exact,
    /// "ca 35", "cirka 35", "ungefär 35", "ett 35-tal"
    About,
    /// "minst 45", "över 45"
    AtLeast,
    /// "15-20"
    Range,
}

/// An approximate figure: what was said, and the number to count with.
///
/// The number to count with is the figure itself, the tens of "ett 20-tal", and the *lower*
/// bound of a range or of "minst": sums built from it never claim more than was reported.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Approx {
    said: String,
    value: u64,
    precision: Precision,
}

/// Why a figure could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error("not a figure: {0:?} (expected e.g. 35, \"ca 35\", \"ett 20-tal\", \"15-20\", \"minst 8\")")]
    Syntax(String),
    #[error("{0} is more than the largest accepted figure, {MAX_COUNT}")]
    TooLarge(u64),
    #[error("range {0:?} ends below its start")]
    Reversed(String),
    #[error(
        "a count cannot be negative: {0:?} (a figure as said: 35, \"ca 35\", \"ett 20-tal\", \"15-20\", \"minst 8\")"
    )]
    Negative(String),
    #[error("hours must be between 0 and {max} with at most two decimals, got {got:?}")]
    Hours { max: u32, got: String },
}

fn count(s: &str) -> Result<u64, QuantityError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 12 {
        return Err(QuantityError::Syntax(s.to_owned()));
    }
    let n: u64 = s.parse().map_err(|_| QuantityError::Syntax(s.to_owned()))?;
    if n > MAX_COUNT {
        return Err(QuantityError::TooLarge(n));
    }
    Ok(n)
}

impl Approx {
    /// An exact figure.
    pub fn exact(n: u64) -> Result<Self, QuantityError> {
        if n > MAX_COUNT {
            return Err(QuantityError::TooLarge(n));
        }
        Ok(Self { said: n.to_string(), value: n, precision: Precision::Exact })
    }

    /// The number to count with.
    pub fn value(&self) -> u64 {
        self.value
    }

    /// What was said, verbatim (trimmed).
    pub fn said(&self) -> &str {
        &self.said
    }

    /// How exact it is.
    pub fn precision(&self) -> Precision {
        self.precision
    }
}

impl FromStr for Approx {
    type Err = QuantityError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let said = input.trim().to_owned();
        let lower = said.to_lowercase().replace('–', "-");
        let mk = |value, precision| Ok(Self { said: said.clone(), value, precision });
        if lower.starts_with('-') || lower.starts_with('−') {
            return Err(QuantityError::Negative(said));
        }
        for prefix in ["ca. ", "ca ", "cirka ", "ungefär ", "omkring "] {
            if let Some(rest) = lower.strip_prefix(prefix) {
                return mk(count(rest.trim())?, Precision::About);
            }
        }
        for prefix in ["minst ", "över ", "mer än "] {
            if let Some(rest) = lower.strip_prefix(prefix) {
                return mk(count(rest.trim())?, Precision::AtLeast);
            }
        }
        let tal = lower.strip_prefix("ett ").unwrap_or(&lower);
        if let Some(n) = tal.strip_suffix("-tal") {
            return mk(count(n.trim())?, Precision::About);
        }
        if let Some((a, b)) = lower.split_once('-') {
            let (lo, hi) = (count(a.trim())?, count(b.trim())?);
            if hi < lo {
                return Err(QuantityError::Reversed(said));
            }
            return mk(lo, Precision::Range);
        }
        mk(count(&lower)?, Precision::Exact)
    }
}

impl fmt::Display for Approx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.said)
    }
}

impl Serialize for Approx {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.said)
    }
}

impl<'de> Deserialize<'de> for Approx {
    /// Accepts a string ("ca 35") or a plain non-negative integer (35).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u64),
            S(String),
        }
        match Raw::deserialize(d).map_err(|_| {
            serde::de::Error::custom("expected a non-negative whole number or a figure such as \"ca 35\"")
        })? {
            Raw::N(n) => Approx::exact(n),
            Raw::S(s) => s.parse(),
        }
        .map_err(serde::de::Error::custom)
    }
}

/// Hours worked, 0–100,000, with at most two decimals. Kept as hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hours(u32);

impl Hours {
    /// The largest number of hours accepted in one record.
    pub const MAX: u32 = 100_000;

    /// From hundredths of an hour.
    pub fn from_hundredths(h: u32) -> Result<Self, QuantityError> {
        if h > Self::MAX * 100 {
            return Err(QuantityError::Hours { max: Self::MAX, got: format!("{}", h as f64 / 100.0) });
        }
        Ok(Self(h))
    }

    /// Hundredths of an hour.
    pub fn hundredths(&self) -> u32 {
        self.0
    }

    /// Adds, saturating at the maximum a sum can reach.
    pub fn saturating_add(self, o: Hours) -> Hours {
        Hours(self.0.saturating_add(o.0))
    }

    /// A sum of hundredths, saturating as [`Hours::saturating_add`] does.
    pub(crate) fn sum_of(hundredths: u64) -> Hours {
        Hours(u32::try_from(hundredths).unwrap_or(u32::MAX))
    }

    fn from_f64(x: f64) -> Result<Self, QuantityError> {
        let bad = || QuantityError::Hours { max: Self::MAX, got: x.to_string() };
        if !x.is_finite() || x < 0.0 || x > f64::from(Self::MAX) {
            return Err(bad());
        }
        let h = (x * 100.0).round();
        if (h - x * 100.0).abs() > 1e-6 {
            return Err(bad());
        }
        Ok(Self(h as u32))
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => write!(f, "{whole}"),
            f2 if f2 % 10 == 0 => write!(f, "{whole},{}", f2 / 10),
            f2 => write!(f, "{whole},{f2:02}"),
        }
    }
}

impl Serialize for Hours {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            s.serialize_u64(u64::from(self.0 / 100))
        } else {
            s.serialize_f64(f64::from(self.0) / 100.0)
        }
    }
}

impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let x = f64::deserialize(d)?;
        Hours::from_f64(x).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_people_write() {
        let a = |s: &str| s.parse::<Approx>().unwrap();
        assert_eq!((a("35").value(), a("35").precision()), (35, Precision::Exact));
        assert_eq!((a("ca 35").value(), a("ca 35").precision()), (35, Precision::About));
        assert_eq!(a("ett 20-tal").value(), 20);
        assert_eq!(a("30-tal").value(), 30);
        assert_eq!((a("15-20").value(), a("15-20").precision()), (15, Precision::Range));
        assert_eq!(a("15–20").said(), "15–20");
        assert_eq!((a("minst 45").value(), a("minst 45").precision()), (45, Precision::AtLeast));
        assert!("-3".parse::<Approx>().unwrap_err().to_string().contains("cannot be negative"));
        assert!("20-15".parse::<Approx>().is_err());
        assert!("många".parse::<Approx>().is_err());
        assert_eq!("2000000".parse::<Approx>(), Err(QuantityError::TooLarge(2_000_000)));
        assert!(serde_json::from_str::<Approx>("-1").is_err());
        assert_eq!(serde_json::from_str::<Approx>("7").unwrap().said(), "7");
    }

    #[test]
    fn hours_are_exact() {
        let h: Hours = serde_json::from_str("116.5").unwrap();
        assert_eq!(h.hundredths(), 11650);
        assert_eq!(serde_json::to_string(&h).unwrap(), "116.5");
        assert_eq!(h.to_string(), "116,5");
        assert!(serde_json::from_str::<Hours>("-1").is_err());
        assert!(serde_json::from_str::<Hours>("1.234").is_err());
        assert!(serde_json::from_str::<Hours>("1e9").is_err());
    }

    proptest! {
        #[test]
        fn hours_round_trip(h in 0u32..=Hours::MAX * 100) {
            let hours = Hours::from_hundredths(h).unwrap();
            let json = serde_json::to_string(&hours).unwrap();
            prop_assert_eq!(serde_json::from_str::<Hours>(&json).unwrap(), hours);
        }

        #[test]
        fn approx_round_trip(n in 0u64..=MAX_COUNT, form in 0usize..5) {
            let said = match form { 0 => n.to_string(), 1 => format!("ca {n}"), 2 => format!("ett {n}-tal"),
                3 => format!("{n}-{}", n + 5), _ => format!("minst {n}") };
            if let Ok(a) = said.parse::<Approx>() {
                let json = serde_json::to_string(&a).unwrap();
                let back: Approx = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(back.value(), n);
                prop_assert_eq!(back, a);
            }
        }
    }
}
