//! The date something is moved to: a day, or — as follow-up documents say it ("flyttas till
//! januari") — a month. On the wire `2025-01-31` or `2025-01`; printed in Swedish, "31 januari
//! 2025" or "januari 2025".

use std::{fmt, str::FromStr};

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::date::{parse_date, SWEDISH_MONTHS};

/// A day or a month something is postponed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Until {
    Day(Date),
    Month { year: i16, month: i8 },
}

/// Why a postponement date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a day or a month: {0:?} (expected YYYY-MM-DD, YYYY-MM, or e.g. \"januari 2025\")")]
pub struct UntilError(pub String);

impl Until {
    /// The last day it stands for: the day itself, or the month's last.
    pub fn last_day(&self) -> Date {
        match *self {
            Until::Day(d) => d,
            Until::Month { year, month } => Date::new(year, month, 1).map(|d| d.last_of_month()).unwrap_or(Date::MAX),
        }
    }

    /// In Swedish: "31 januari 2025", "januari 2025".
    pub fn swedish(&self) -> String {
        let name = |m: i8| SWEDISH_MONTHS[(m - 1) as usize];
        match *self {
            Until::Day(d) => format!("{} {} {}", d.day(), name(d.month()), d.year()),
            Until::Month { year, month } => format!("{} {year}", name(month)),
        }
    }
}

impl FromStr for Until {
    type Err = UntilError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let s = input.trim();
        let bad = || UntilError(input.to_owned());
        if let Ok(d) = parse_date(s) {
            return Ok(Until::Day(d));
        }
        let month_of = |year: &str, month: i8| {
            let year: i16 = year.parse().map_err(|_| bad())?;
            if !(1000..=9999).contains(&year) || !(1..=12).contains(&month) {
                return Err(bad());
            }
            Ok(Until::Month { year, month })
        };
        // "2025-01"
        if let Some((y, m)) = s.split_once('-') {
            if y.len() == 4 && m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()) {
                return month_of(y, m.parse().map_err(|_| bad())?);
            }
            return Err(bad());
        }
        // "januari 2025"
        let lower = s.to_lowercase();
        let (name, y) = lower.split_once(' ').ok_or_else(bad)?;
        let m = SWEDISH_MONTHS.iter().position(|n| *n == name).ok_or_else(bad)?;
        month_of(y.trim(), m as i8 + 1)
    }
}

impl fmt::Display for Until {
    /// The wire form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Until::Day(d) => write!(f, "{d}"),
            Until::Month { year, month } => write!(f, "{year:04}-{month:02}"),
        }
    }
}

impl Serialize for Until {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Until {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_day_or_a_month_read_and_printed_in_swedish() {
        let m: Until = "2025-01".parse().unwrap();
        assert_eq!(m, Until::Month { year: 2025, month: 1 });
        assert_eq!((m.to_string(), m.swedish()), ("2025-01".into(), "januari 2025".into()));
        assert_eq!(m.last_day(), date(2025, 1, 31));
        assert_eq!("Januari 2025".parse::<Until>().unwrap(), m);
        let d: Until = "2025-01-15".parse().unwrap();
        assert_eq!((d.to_string(), d.swedish()), ("2025-01-15".into(), "15 januari 2025".into()));
        for bad in ["2025-13", "2025-1", "januari", "jan 2025", "2025-02-30", "", "nästa år"] {
            let e = bad.parse::<Until>().unwrap_err().to_string();
            assert!(e.contains("YYYY-MM-DD, YYYY-MM"), "{bad}: {e}");
        }
    }
}
