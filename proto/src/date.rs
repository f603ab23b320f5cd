//! Business dates: the local day (Europe/Stockholm) something happened, or an inclusive range of
//! days ("15-16/4"). Business dates decide the tertial; `recorded_at` only decides what was known
//! when.
//!
//! On the wire a business date is a string: `2024-04-15` or `2024-04-15..2024-04-16`.
//! [`parse_swedish`] reads the forms follow-up documents use ("13/1", "15-16/4", "20/11+26/11",
//! "17-05-22", "i oktober") given the plan's year.

use std::{fmt, str::FromStr};

use jiff::{civil::Date, tz::TimeZone, Timestamp};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The time zone every business date is local to.
pub const TIME_ZONE: &str = "Europe/Stockholm";

/// The local (Europe/Stockholm) date of an instant.
pub fn local_date(ts: Timestamp) -> Date {
    // The tz database is bundled into the binary (jiff's `tzdb-bundle-always`), so this lookup
    // cannot fail at run time; UTC is a defensive fallback only.
    let tz = TimeZone::get(TIME_ZONE).unwrap_or(TimeZone::UTC);
    ts.to_zoned(tz).date()
}

/// Why a business date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("not a date: {0:?} (expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)")]
    Syntax(String),
    #[error("no such day: {0:?}")]
    NoSuchDay(String),
    #[error("range ends before it starts: {0:?}")]
    Reversed(String),
    #[error("a range may span at most {max} days, got {got}")]
    TooLong { max: i32, got: i32 },
}

/// The longest range a single business date may span (two years: a plan may span two).
pub const MAX_RANGE_DAYS: i32 = 731;

/// One local day or an inclusive range of local days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BusinessDate {
    from: Date,
    to: Date,
}

impl BusinessDate {
    /// A single day.
    pub fn day(d: Date) -> Self {
        Self { from: d, to: d }
    }

    /// An inclusive range; `from` must not be after `to`.
    pub fn range(from: Date, to: Date) -> Result<Self, DateError> {
        if to < from {
            return Err(DateError::Reversed(format!("{from}..{to}")));
        }
        let days = (to - from).get_days();
        if days > MAX_RANGE_DAYS {
            return Err(DateError::TooLong { max: MAX_RANGE_DAYS, got: days });
        }
        Ok(Self { from, to })
    }

    /// First day.
    pub fn from(&self) -> Date {
        self.from
    }

    /// Last day (equal to [`Self::from`] for a single day).
    pub fn to(&self) -> Date {
        self.to
    }

    /// The day that decides the tertial: the first one.
    pub fn deciding_day(&self) -> Date {
        self.from
    }

    /// Whether every day of `self` lies within `[from, to]`.
    pub fn within(&self, from: Date, to: Date) -> bool {
        self.from >= from && self.to <= to
    }
}

impl fmt::Display for BusinessDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}..{}", self.from, self.to)
        }
    }
}

fn parse_iso(s: &str) -> Result<Date, DateError> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(DateError::Syntax(s.to_owned()));
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<i16>().map_err(|_| DateError::Syntax(s.to_owned()));
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    Date::new(y, m as i8, d as i8).map_err(|_| DateError::NoSuchDay(s.to_owned()))
}

impl FromStr for BusinessDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once("..") {
            None => Ok(Self::day(parse_iso(s)?)),
            Some((a, b)) => Self::range(parse_iso(a)?, parse_iso(b)?),
        }
    }
}

impl Serialize for BusinessDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BusinessDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Parses a plain local date `YYYY-MM-DD` strictly (no time, no offset).
pub fn parse_date(s: &str) -> Result<Date, DateError> {
    parse_iso(s)
}

/// The months in Swedish, lower case, January first.
pub const SWEDISH_MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// Reads the date forms found in Swedish follow-up documents, in the plan's `year`:
/// `13/1`, `15-16/4`, `30/4-2/5`, `20/11+26/11` (two dates), `17-05-22` (YY-MM-DD),
/// `2017-05-22`, `i oktober` (the whole month). ISO forms are accepted too.
pub fn parse_swedish(input: &str, year: i16) -> Result<Vec<BusinessDate>, DateError> {
    let s = input.trim().to_lowercase();
    let syntax = || DateError::Syntax(input.to_owned());
    if s.contains('+') {
        return s.split('+').map(|p| one_swedish(p.trim(), year)).collect();
    }
    if let Some(month) = s.strip_prefix("i ") {
        let m = SWEDISH_MONTHS.iter().position(|n| *n == month.trim()).ok_or_else(syntax)? as i8 + 1;
        let first = Date::new(year, m, 1).map_err(|_| syntax())?;
        return Ok(vec![BusinessDate::range(first, first.last_of_month())?]);
    }
    Ok(vec![one_swedish(&s, year)?])
}

fn one_swedish(s: &str, year: i16) -> Result<BusinessDate, DateError> {
    let syntax = || DateError::Syntax(s.to_owned());
    if let Ok(bd) = s.parse::<BusinessDate>() {
        return Ok(bd);
    }
    let num = |t: &str| t.trim().parse::<i8>().map_err(|_| syntax());
    let day = |d: i8, m: i8| Date::new(year, m, d).map_err(|_| DateError::NoSuchDay(s.to_owned()));
    // YY-MM-DD, as in "17-05-22".
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() == 3 && parts.iter().all(|p| p.len() == 2) {
        let y = 2000 + i16::from(num(parts[0])?);
        let d = Date::new(y, num(parts[1])?, num(parts[2])?).map_err(|_| DateError::NoSuchDay(s.to_owned()))?;
        return Ok(BusinessDate::day(d));
    }
    match s.split_once('-') {
        // "13/1"
        None => {
            let (d, m) = s.split_once('/').ok_or_else(syntax)?;
            Ok(BusinessDate::day(day(num(d)?, num(m)?)?))
        }
        Some((a, b)) => {
            let (d2, m2) = b.split_once('/').ok_or_else(syntax)?;
            let m2 = num(m2)?;
            let to = day(num(d2)?, m2)?;
            // "15-16/4" or "30/4-2/5"
            let from = match a.split_once('/') {
                None => day(num(a)?, m2)?,
                Some((d1, m1)) => day(num(d1)?, num(m1)?)?,
            };
            BusinessDate::range(from, to)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn wire_form_round_trips() {
        let one: BusinessDate = "2024-01-13".parse().unwrap();
        assert_eq!(one.to_string(), "2024-01-13");
        let r: BusinessDate = "2024-04-15..2024-04-16".parse().unwrap();
        assert_eq!(r.to_string(), "2024-04-15..2024-04-16");
        assert!("2024-02-30".parse::<BusinessDate>().is_err());
        assert!("2024-04-16..2024-04-15".parse::<BusinessDate>().is_err());
        assert!("13/1".parse::<BusinessDate>().is_err());
        assert!("2024-1-13".parse::<BusinessDate>().is_err());
    }

    #[test]
    fn swedish_forms() {
        let d = |s| parse_swedish(s, 2017).unwrap();
        assert_eq!(d("13/1"), vec![BusinessDate::day(date(2017, 1, 13))]);
        assert_eq!(d("15-16/4"), vec![BusinessDate::range(date(2017, 4, 15), date(2017, 4, 16)).unwrap()]);
        assert_eq!(d("30/4-2/5")[0].to(), date(2017, 5, 2));
        assert_eq!(d("20/11+26/11").len(), 2);
        assert_eq!(d("17-05-22"), vec![BusinessDate::day(date(2017, 5, 22))]);
        assert_eq!(d("i oktober")[0].to(), date(2017, 10, 31));
        assert!(parse_swedish("31/2", 2017).is_err());
        assert!(parse_swedish("nästa vecka", 2017).is_err());
    }

    #[test]
    fn local_date_uses_stockholm() {
        // 23:30 UTC on 30 April is already 1 May in Stockholm (CEST, UTC+2).
        let ts: Timestamp = "2024-04-30T23:30:00Z".parse().unwrap();
        assert_eq!(local_date(ts), date(2024, 5, 1));
    }
}
