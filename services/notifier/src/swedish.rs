//! Dates as a Swedish reader writes them: "måndag 16 maj 2022".

use jiff::civil::{Date, Weekday};

use lofte_proto::date::SWEDISH_MONTHS as MONTHS;

fn weekday(d: Date) -> &'static str {
    match d.weekday() {
        Weekday::Monday => "måndag",
        Weekday::Tuesday => "tisdag",
        Weekday::Wednesday => "onsdag",
        Weekday::Thursday => "torsdag",
        Weekday::Friday => "fredag",
        Weekday::Saturday => "lördag",
        Weekday::Sunday => "söndag",
    }
}

/// "16 maj 2022"
pub fn date(d: Date) -> String {
    format!("{} {} {}", d.day(), MONTHS[(d.month() - 1) as usize], d.year())
}

/// "måndag 16 maj 2022"
pub fn day(d: Date) -> String {
    format!("{} {}", weekday(d), date(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_dates() {
        assert_eq!(day(jiff::civil::date(2022, 5, 16)), "måndag 16 maj 2022");
        assert_eq!(date(jiff::civil::date(2022, 12, 24)), "24 december 2022");
    }
}
