//! A follow-up cell in Swedish, written from the facts: "Dialog har genomförts vid 2 tillfällen:
//! 13/1 Österängen (Gängsnacket), …", "Fotpatrullering: 312 tillfällen, 96 timmar — mål minst 800
//! per år: 39 %, i fas", "Inga aktiviteter under tertialen", then the reporters' own notes.

use jiff::civil::Date;

use super::measure::{measure_name, sub_name, unit};
use crate::{
    date::BusinessDate,
    event::Status,
    fold::{ActivitySummary, Cell, Occurrence, PlanSummary, TargetStatus},
    plan::{Cadence, Comparator, Goal},
    tertial::Tertial,
};

/// "13/1"
fn day(d: Date) -> String {
    format!("{}/{}", d.day(), d.month())
}

/// "13/1", "15–16/4", "30/4–2/5", "3/10 och 17/10"
pub fn short_date(d: &BusinessDate) -> String {
    let (a, b) = (d.from(), d.to());
    if let Some(days) = d.separate_days() {
        let mut days: Vec<String> = days.iter().map(|d| day(*d)).collect();
        let last = days.pop().unwrap_or_default();
        if days.is_empty() {
            last
        } else {
            format!("{} och {last}", days.join(", "))
        }
    } else if a == b {
        day(a)
    } else if a.month() == b.month() {
        format!("{}–{}/{}", a.day(), b.day(), b.month())
    } else {
        format!("{}–{}", day(a), day(b))
    }
}

fn times(n: usize) -> String {
    if n == 1 {
        "1 tillfälle".to_owned()
    } else {
        format!("{n} tillfällen")
    }
}

fn listing(s: &PlanSummary, occ: &[Occurrence]) -> String {
    occ.iter()
        .map(|o| {
            let mut t = short_date(&o.date);
            let area = o.area.as_ref().map(|a| s.areas.get(a).map_or(a.as_str(), String::as_str));
            if let Some(name) = area {
                t.push(' ');
                t.push_str(name);
            }
            // A place named like the area is said once: "13/1 Österängen (Gängsnacket)".
            let what: Vec<&str> = o
                .what
                .iter()
                .map(String::as_str)
                .filter(|w| area.is_none_or(|name| w.to_lowercase() != name.to_lowercase()))
                .collect();
            if !what.is_empty() {
                t.push_str(&format!(" ({})", what.join(", ")));
            }
            if let Some(p) = &o.participants {
                t.push_str(&format!(", {p} deltagare"));
            }
            t
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn status_text(st: TargetStatus) -> &'static str {
    match st {
        TargetStatus::Met => "uppnått",
        TargetStatus::OnTrack => "i fas",
        TargetStatus::Behind => "efter plan",
        TargetStatus::Exceeded => "överskridet",
    }
}

/// The lines of one cell.
pub fn cell_lines(s: &PlanSummary, a: &ActivitySummary, t: Tertial, cell: &Cell) -> Vec<String> {
    let mut out = vec![];
    if let Some(st) = &cell.status {
        out.push(match st.status {
            Status::None => "Inga aktiviteter under tertialen.".to_owned(),
            Status::Planned => "Planerad.".to_owned(),
            Status::Ongoing => "Pågår.".to_owned(),
            Status::Done => "Genomförd.".to_owned(),
            Status::Postponed => match st.until {
                Some(u) => format!("Framflyttad till {}.", u.swedish()),
                None => "Framflyttad.".to_owned(),
            },
            Status::Cancelled => "Inställd.".to_owned(),
        });
        if let Some(n) = &st.note {
            out.push(n.clone());
        }
    }
    let groups: [(&str, &Vec<Occurrence>); 4] = [
        ("Möte har hållits", &cell.meetings),
        ("Dialog har genomförts", &cell.dialogues),
        ("Workshop har genomförts", &cell.workshops),
        ("Utbildning har genomförts", &cell.trainings),
    ];
    for (what, occ) in groups {
        if !occ.is_empty() {
            out.push(format!("{what} vid {}: {}.", times(occ.len()), listing(s, occ)));
        }
    }
    for (area, pics) in &cell.situation_pictures {
        let name = s.areas.iter().find(|(k, _)| k.as_str() == area).map_or(area.as_str(), |(_, v)| v.as_str());
        out.push(format!("Lägesbild för {name} framtagen vid {}.", times(pics.len())));
    }
    for m in &cell.milestones {
        out.push(format!("{}: {}.", short_date(&m.date), m.what.join(", ")));
    }
    for (metric, sum) in &cell.measures {
        let mut line = format!(
            "{}: {} {}",
            measure_name(s, metric.as_str()),
            sum.count,
            unit(s, metric.as_str(), sum.count.value)
        );
        if sum.hours.hundredths() > 0 {
            line.push_str(&format!(", {} timmar", sum.hours));
        }
        for (k, v) in &sum.sub {
            line.push_str(&format!(", varav {v} {}", sub_name(k.as_str())));
        }
        let areas: Vec<String> = sum
            .by_area
            .iter()
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, v)| {
                format!(
                    "{} {}",
                    s.areas.iter().find(|(a, _)| a.as_str() == k).map_or(k.as_str(), |(_, n)| n.as_str()),
                    v.count
                )
            })
            .collect();
        if areas.len() > 1 {
            line.push_str(&format!(" ({})", areas.join(", ")));
        }
        out.push(line + ".");
    }
    for n in &cell.notes {
        out.push(n.text.clone());
    }
    if out.is_empty() {
        out.push("Ej rapporterat.".to_owned());
    }
    for tp in &a.targets {
        let Some(p) = tp.by_tertial.get(&t) else { continue };
        let place = if tp.areas.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = tp.areas.iter().map(|x| s.areas.get(x).map_or(x.as_str(), String::as_str)).collect();
            format!(" ({})", names.join(", "))
        };
        let goal = match &tp.goal {
            Goal::Count { comparator: Comparator::AtLeast, value, .. } => format!("mål minst {value} per år"),
            Goal::Count { comparator: Comparator::Exactly, value, .. } => format!("mål {value} per år"),
            Goal::Cadence { every: Cadence::Weekly } => format!("mål varje vecka, {} av {} veckor", p.actual, p.target),
            Goal::Cadence { every: Cadence::Monthly } => {
                format!("mål varje månad, {} av {} månader", p.actual, p.target)
            }
        };
        let mut line =
            format!("Hittills i år{place}: {} — {goal}: {} %, {}", p.actual, p.percent, status_text(p.status));
        if let (Some((sub, pct)), Goal::Count { ratio: Some(r), .. }) = (p.ratio, &tp.goal) {
            let name = sub_name(r.sub.as_str());
            line.push_str(&format!("; varav {sub} {name} ({pct} %, mål minst {} %)", r.at_least_percent));
        }
        out.push(line + ".");
    }
    if !cell.pending.is_empty() && !s.approved.contains_key(&t) {
        let who: Vec<&str> =
            cell.pending.iter().map(|o| s.organisations.get(o).map_or(o.as_str(), String::as_str)).collect();
        out.push(format!("Uppföljning saknas från: {}.", who.join(", ")));
    }
    if !cell.late_amendments.is_empty() {
        out.push(format!(
            "Sent tillägg efter godkännandet: {} {}.",
            cell.late_amendments.len(),
            if cell.late_amendments.len() == 1 { "händelse" } else { "händelser" }
        ));
    }
    out
}
