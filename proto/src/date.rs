//! Business dates: the local day (Europe/Stockholm) something happened, an inclusive range of
//! days ("15-16/4"), or separate days of one entry ("3/10 och 17/10"). Business dates decide the
//! tertial; `recorded_at` only decides what was known when.
//!
//! On the wire a business date is a string: `2024-04-15`, `2024-04-15..2024-04-16`, or
//! `2024-10-03,2024-10-17`. [`parse_swedish`] reads the forms follow-up documents use ("13/1",
//! "15-16/4", "3/10 och 17/10", "20/11+26/11" (two entries), "17-05-22", "i oktober") given the
//! plan's year.

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
    #[error("not a date: {0:?} (expected YYYY-MM-DD, a range YYYY-MM-DD..YYYY-MM-DD, or separate days YYYY-MM-DD,YYYY-MM-DD)")]
    Syntax(String),
    #[error("no such day: {0:?}")]
    NoSuchDay(String),
    #[error("range ends before it starts: {0:?}")]
    Reversed(String),
    #[error("a range may span at most {max} days, got {got}")]
    TooLong { max: i32, got: i32 },
    #[error("separate days must be at least 2 and at most {max}, each once and in order: {got:?}")]
    Days { max: usize, got: String },
}

/// The most separate days one entry may name.
pub const MAX_DAYS: usize = 31;

/// The longest range a single business date may span (two years: a plan may span two).
pub const MAX_RANGE_DAYS: i32 = 731;

/// One local day, an inclusive range of local days, or separate days of one entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BusinessDate {
    from: Date,
    to: Date,
    /// Separate days, in order (at least two, the first `from`, the last `to`); empty for a day
    /// or a range.
    days: Vec<Date>,
}

impl BusinessDate {
    /// A single day.
    pub fn day(d: Date) -> Self {
        Self { from: d, to: d, days: vec![] }
    }

    /// Separate days of one entry ("3/10 och 17/10"): at least two, each once, in order, within
    /// [`MAX_RANGE_DAYS`] of each other.
    pub fn days(days: Vec<Date>) -> Result<Self, DateError> {
        let ordered = days.windows(2).all(|w| w[0] < w[1]);
        let (Some(&from), Some(&to)) = (days.first(), days.last()) else {
            return Err(DateError::Days { max: MAX_DAYS, got: String::new() });
        };
        if days.len() < 2 || days.len() > MAX_DAYS || !ordered {
            let got = days.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
            return Err(DateError::Days { max: MAX_DAYS, got });
        }
        Self::range(from, to)?;
        Ok(Self { from, to, days })
    }

    /// The separate days, if this is separate days of one entry.
    pub fn separate_days(&self) -> Option<&[Date]> {
        (!self.days.is_empty()).then_some(self.days.as_slice())
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
        Ok(Self { from, to, days: vec![] })
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
        if let Some(days) = self.separate_days() {
            let days: Vec<String> = days.iter().map(ToString::to_string).collect();
            write!(f, "{}", days.join(","))
        } else if self.from == self.to {
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
        if s.contains(',') {
            return Self::days(s.split(',').map(parse_iso).collect::<Result<_, _>>()?);
        }
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
/// `13/1`, `15-16/4`, `30/4-2/5`, `3/10 och 17/10` or `3/10, 17/10` (one entry on separate
/// days), `20/11+26/11` (two entries), `17-05-22` (YY-MM-DD), `2017-05-22`, `i oktober` (the
/// whole month). ISO forms are accepted too.
pub fn parse_swedish(input: &str, year: i16) -> Result<Vec<BusinessDate>, DateError> {
    let s = input.trim().to_lowercase();
    let syntax = || DateError::Syntax(input.to_owned());
    if s.contains('+') {
        return s.split('+').map(|p| one_swedish(p.trim(), year)).collect();
    }
    if s.contains(" och ") || (s.contains(',') && s.contains('/')) {
        let mut days = vec![];
        for part in s.split(',').flat_map(|p| p.split(" och ")).map(str::trim).filter(|p| !p.is_empty()) {
            let d = one_swedish(part, year)?;
            if d.from != d.to {
                return Err(syntax());
            }
            days.push(d.from);
        }
        days.sort();
        days.dedup();
        return Ok(vec![BusinessDate::days(days)?]);
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
        let days: BusinessDate = "2024-10-03,2024-10-17".parse().unwrap();
        assert_eq!(days.to_string(), "2024-10-03,2024-10-17");
        assert_eq!((days.from(), days.to()), (date(2024, 10, 3), date(2024, 10, 17)));
        assert_eq!(days.separate_days().unwrap().len(), 2);
        assert!("2024-10-17,2024-10-03".parse::<BusinessDate>().is_err(), "in order");
        assert!("2024-10-03,2024-10-03".parse::<BusinessDate>().is_err(), "each once");
        assert!("2024-10-03,".parse::<BusinessDate>().is_err());
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
        let one = d("3/10 och 17/10");
        assert_eq!(one.len(), 1, "one entry on separate days");
        assert_eq!(one[0].separate_days().unwrap(), [date(2017, 10, 3), date(2017, 10, 17)]);
        assert_eq!(d("3/10, 10/10 och 17/10")[0].separate_days().unwrap().len(), 3);
        assert!(parse_swedish("3/10 och 5-6/10", 2017).is_err(), "days, not ranges");
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
