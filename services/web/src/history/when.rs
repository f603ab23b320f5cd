//! Moments as an auditor types them and as the pages show them, in Swedish local time
//! (Europe/Stockholm): `2022-05-10`, `2022-05-10 14:30`, or an instant as the services give it
//! (`2022-05-10T12:30:00Z`, what the preset links carry).

use jiff::{civil::DateTime, tz::TimeZone, Timestamp, ToSpan};

fn tz() -> TimeZone {
    TimeZone::get(lofte_proto::date::TIME_ZONE).unwrap_or(TimeZone::UTC)
}

/// `2022-05-10 14:30` in Swedish local time.
pub fn shown(t: Timestamp) -> String {
    t.to_zoned(tz()).strftime("%Y-%m-%d %H:%M").to_string()
}

/// `2022-05-10 14:30:07` in Swedish local time (an envelope's moment, to the second).
pub fn exact(t: Timestamp) -> String {
    t.to_zoned(tz()).strftime("%Y-%m-%d %H:%M:%S").to_string()
}

/// Which end of what was typed: a day's or minute's first instant, or the first after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Start,
    After,
}

/// The moment typed: a day, a day and a time, or an RFC 3339 instant. `End::After` gives the
/// first instant after a day or minute typed (what "up to and including" needs).
pub fn parse(s: &str, end: End) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    let (dt, step) = if s.len() <= 10 {
        (s.parse::<jiff::civil::Date>().ok()?.to_datetime(jiff::civil::Time::midnight()), 1.day())
    } else {
        let s = s.replacen(' ', "T", 1);
        (s.parse::<DateTime>().ok()?, 1.minute())
    };
    let dt = if end == End::After { dt.checked_add(step).ok()? } else { dt };
    dt.to_zoned(tz()).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_read_and_shown_in_swedish_local_time() {
        let t = parse("2022-05-10 14:30", End::Start).unwrap();
        assert_eq!(t.to_string(), "2022-05-10T12:30:00Z");
        assert_eq!(shown(t), "2022-05-10 14:30");
        assert_eq!(parse("2022-05-10T14:30", End::After).unwrap().to_string(), "2022-05-10T12:31:00Z");
        assert_eq!(parse("2022-01-10", End::Start).unwrap().to_string(), "2022-01-09T23:00:00Z");
        assert_eq!(parse("2022-01-10", End::After).unwrap().to_string(), "2022-01-10T23:00:00Z");
        assert_eq!(parse("2022-05-10T12:30:00Z", End::After).unwrap().to_string(), "2022-05-10T12:30:00Z");
        for bad in ["igår", "2022-13-01", "10/5", "2022-05-10 25:00", ""] {
            assert_eq!(parse(bad, End::Start), None, "{bad}");
        }
    }
}
