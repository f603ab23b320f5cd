//! Tertials: T1 January–April, T2 May–August, T3 September–December, on local dates.

use std::{fmt, str::FromStr};

use jiff::civil::{date, Date};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One third of a year, written `2024-T1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tertial {
    year: i16,
    n: u8,
}

/// Why a tertial could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a tertial: {0:?} (expected e.g. 2024-T1, T1–T3, year 1900–2999)")]
pub struct TertialError(pub String);

impl Tertial {
    /// The `n`th tertial (1–3) of `year` (1900–2999).
    pub fn new(year: i16, n: u8) -> Result<Self, TertialError> {
        if !(1..=3).contains(&n) || !(1900..=2999).contains(&year) {
            return Err(TertialError(format!("{year}-T{n}")));
        }
        Ok(Self { year, n })
    }

    /// The tertial a local date falls in.
    pub fn of(d: Date) -> Self {
        let n = match d.month() {
            1..=4 => 1,
            5..=8 => 2,
            _ => 3,
        };
        Self { year: d.year(), n }
    }

    /// The year.
    pub fn year(&self) -> i16 {
        self.year
    }

    /// 1, 2 or 3.
    pub fn number(&self) -> u8 {
        self.n
    }

    /// First local day.
    pub fn first_day(&self) -> Date {
        date(self.year, (self.n as i8 - 1) * 4 + 1, 1)
    }

    /// Last local day.
    pub fn last_day(&self) -> Date {
        date(self.year, self.n as i8 * 4, 1).last_of_month()
    }

    /// Whether `d` falls in this tertial.
    pub fn contains(&self, d: Date) -> bool {
        Self::of(d) == *self
    }

    /// The tertial after this one.
    pub fn next(&self) -> Self {
        if self.n == 3 {
            Self { year: self.year + 1, n: 1 }
        } else {
            Self { year: self.year, n: self.n + 1 }
        }
    }

    /// The tertial before this one.
    pub fn prev(&self) -> Self {
        if self.n == 1 {
            Self { year: self.year - 1, n: 3 }
        } else {
            Self { year: self.year, n: self.n - 1 }
        }
    }
}

impl fmt::Display for Tertial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-T{}", self.year, self.n)
    }
}

impl FromStr for Tertial {
    type Err = TertialError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || TertialError(s.to_owned());
        let (y, t) = s.split_once("-T").ok_or_else(bad)?;
        if y.len() != 4 || t.len() != 1 {
            return Err(bad());
        }
        let year = y.parse::<i16>().map_err(|_| bad())?;
        let n = t.parse::<u8>().map_err(|_| bad())?;
        Self::new(year, n).map_err(|_| bad())
    }
}

impl Serialize for Tertial {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Tertial {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn boundaries() {
        let t = |y, m, d| Tertial::of(date(y, m, d)).to_string();
        assert_eq!(t(2024, 4, 30), "2024-T1");
        assert_eq!(t(2024, 5, 1), "2024-T2");
        assert_eq!(t(2024, 8, 31), "2024-T2");
        assert_eq!(t(2024, 9, 1), "2024-T3");
        assert_eq!(t(2024, 12, 31), "2024-T3");
        assert_eq!(t(2025, 1, 1), "2025-T1");
        assert_eq!(Tertial::new(2024, 1).unwrap().last_day(), date(2024, 4, 30));
        assert_eq!(Tertial::new(2024, 3).unwrap().last_day(), date(2024, 12, 31));
    }

    #[test]
    fn parse_rejects() {
        for bad in ["2024-T4", "2024-T0", "24-T1", "2024T1", "2024-t1", "2024-T12", ""] {
            assert!(bad.parse::<Tertial>().is_err(), "{bad}");
        }
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (1900i16..2999, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| date(y, m, d.min(date(y, m, 1).days_in_month())))
    }

    proptest! {
        #[test]
        fn every_date_lies_in_its_tertial(d in any_date()) {
            let t = Tertial::of(d);
            prop_assert!(t.first_day() <= d && d <= t.last_day());
            prop_assert!(t.contains(d));
        }

        #[test]
        fn tertials_tile_the_year(y in 1901i16..2998, n in 1u8..=3) {
            let t = Tertial::new(y, n).unwrap();
            // The day after a tertial's last day is the next tertial's first day, leap years too.
            prop_assert_eq!(t.last_day().tomorrow().unwrap(), t.next().first_day());
            prop_assert_eq!(t.next().prev(), t);
            let days = (t.last_day() - t.first_day()).get_days() + 1;
            let leap = date(y, 1, 1).in_leap_year();
            let expected = match (n, leap) { (1, true) => 121, (1, false) => 120, (2, _) => 123, _ => 122 };
            prop_assert_eq!(days, expected);
        }

        #[test]
        fn display_parse_round_trip(y in 1900i16..=2999, n in 1u8..=3) {
            let t = Tertial::new(y, n).unwrap();
            prop_assert_eq!(t.to_string().parse::<Tertial>().unwrap(), t);
        }
    }
}
