//! Swedish public holidays (allmänna helgdagar), computed for any year, and the de facto
//! non-working eves (midsommarafton, julafton, nyårsafton) that no one reports on either.

use jiff::civil::{date, Date, Weekday};

/// Easter Sunday (Gregorian; the anonymous algorithm of Meeus, Jones and Butcher).
pub fn easter(year: i16) -> Date {
    let y = i32::from(year);
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    date(year, month as i8, day as i8)
}

/// The Saturday in `[from, from + 6]`.
fn saturday_from(from: Date) -> Date {
    let mut d = from;
    while d.weekday() != Weekday::Saturday {
        d = d.tomorrow().unwrap_or(d);
    }
    d
}

fn plus(d: Date, days: i64) -> Date {
    d.checked_add(jiff::Span::new().days(days)).unwrap_or(d)
}

/// Every holiday of `year`, with its Swedish name, in date order.
pub fn holidays(year: i16) -> Vec<(Date, &'static str)> {
    let e = easter(year);
    let midsummer = saturday_from(date(year, 6, 20));
    let all_saints = saturday_from(date(year, 10, 31));
    let mut v = vec![
        (date(year, 1, 1), "Nyårsdagen"),
        (date(year, 1, 6), "Trettondedag jul"),
        (plus(e, -2), "Långfredagen"),
        (e, "Påskdagen"),
        (plus(e, 1), "Annandag påsk"),
        (date(year, 5, 1), "Första maj"),
        (plus(e, 39), "Kristi himmelsfärdsdag"),
        (plus(e, 49), "Pingstdagen"),
        (date(year, 6, 6), "Sveriges nationaldag"),
        (plus(midsummer, -1), "Midsommarafton"),
        (midsummer, "Midsommardagen"),
        (all_saints, "Alla helgons dag"),
        (date(year, 12, 24), "Julafton"),
        (date(year, 12, 25), "Juldagen"),
        (date(year, 12, 26), "Annandag jul"),
        (date(year, 12, 31), "Nyårsafton"),
    ];
    v.sort();
    v
}

/// Whether `d` is a working day: Monday–Friday and not a holiday or non-working eve.
pub fn is_working_day(d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !holidays(d.year()).iter().any(|(h, _)| *h == d)
}

/// `d` itself if it is a working day, else the working day before it.
pub fn on_or_before_working_day(d: Date) -> Date {
    let mut x = d;
    while !is_working_day(x) {
        match x.yesterday() {
            Ok(y) => x = y,
            Err(_) => return x,
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_is_right_for_known_years() {
        for (y, m, d) in [(2017, 4, 16), (2019, 4, 21), (2022, 4, 17), (2024, 3, 31), (2025, 4, 20), (2038, 4, 25)] {
            assert_eq!(easter(y), date(y, m, d));
        }
    }

    #[test]
    fn movable_holidays_2022() {
        let h: Vec<(String, &str)> = holidays(2022).into_iter().map(|(d, n)| (d.to_string(), n)).collect();
        for (d, n) in [
            ("2022-04-15", "Långfredagen"),
            ("2022-04-18", "Annandag påsk"),
            ("2022-05-26", "Kristi himmelsfärdsdag"),
            ("2022-06-24", "Midsommarafton"),
            ("2022-06-25", "Midsommardagen"),
            ("2022-11-05", "Alla helgons dag"),
        ] {
            assert!(h.contains(&(d.to_owned(), n)), "{d} {n}");
        }
    }

    #[test]
    fn a_due_date_on_a_day_off_moves_to_the_working_day_before() {
        let moved = |y, m, d| on_or_before_working_day(date(y, m, d)).to_string();
        assert_eq!(moved(2022, 5, 16), "2022-05-16", "a Monday stays");
        assert_eq!(moved(2022, 5, 15), "2022-05-13", "a Sunday moves to Friday");
        assert_eq!(moved(2022, 4, 18), "2022-04-14", "Easter Monday, over Good Friday, to Thursday");
        assert_eq!(moved(2022, 12, 26), "2022-12-23", "Annandag jul to the Friday before Christmas Eve");
        assert_eq!(moved(2022, 6, 24), "2022-06-23", "Midsommarafton to Thursday");
        assert_eq!(moved(2023, 1, 1), "2022-12-30", "New Year's Day, over New Year's Eve");
    }
}
