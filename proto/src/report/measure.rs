//! How the report names what is counted: the plan's own declaration (`[[measures]]`: a Swedish
//! name and a unit), else — for plans that declare none — a table of the sample plans' slugs and
//! the slug in words, counted in "tillfällen".

use crate::{
    fold::PlanSummary,
    ids::Metric,
    plan::model::{Cadence, Comparator, Goal, Measure, Target},
};

/// Slugs carry no å, ä, ö: the words for the metrics of plans that do not name their own.
const NAMES: &[(&str, &str)] = &[
    ("forstagangsanvandare", "förstagångsanvändare"),
    ("lagesbild", "lägesbild"),
    ("lagesbilder", "lägesbilder"),
    ("narvaro", "närvaro"),
    ("sig-arenden", "SIG-ärenden"),
    ("hundsok", "hundsök"),
    ("riktade-insatser", "riktade insatser"),
    ("fritids-och-kulturaktiviteter", "fritids- och kulturaktiviteter"),
    ("samverkansmoten", "samverkansmöten"),
    ("moten", "möten"),
];

/// The slug in words: "sig-arenden" → "SIG-ärenden", "riktade-insatser" → "riktade insatser".
fn in_words(m: &str) -> String {
    NAMES.iter().find(|(k, _)| *k == m).map_or_else(|| m.replace('-', " "), |(_, v)| (*v).to_owned())
}

/// A measure's name at the start of a line: "Orosanmälningar", "Fotpatrullering".
pub fn measure_name(s: &PlanSummary, m: &str) -> String {
    if let Some(declared) = s.measures.get(m) {
        return declared.name.to_string();
    }
    let words = in_words(m);
    let mut c = words.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// What `count` of it are: "anmälningar", "1 anmälan"; "tillfällen" when not declared.
pub fn unit(s: &PlanSummary, m: &str, count: u64) -> String {
    match s.measures.get(m) {
        Some(d) if count == 1 => d.unit_one.as_ref().unwrap_or(&d.unit).to_string(),
        Some(d) => d.unit.to_string(),
        None if count == 1 => "tillfälle".to_owned(),
        None => "tillfällen".to_owned(),
    }
}

/// A sub-count's name inside a sentence ("varav 3 förstagångsanvändare").
pub fn sub_name(m: &str) -> String {
    in_words(m)
}

/// What an occurrence count counts, plural: `meetings` → "möten".
fn occurrence_unit(m: &str) -> Option<&'static str> {
    match m {
        Metric::MEETINGS => Some("möten"),
        Metric::DIALOGUES => Some("dialoger"),
        Metric::WORKSHOPS => Some("workshops"),
        Metric::TRAININGS => Some("utbildningar"),
        Metric::SITUATION_PICTURES => Some("lägesbilder"),
        _ => None,
    }
}

/// A target with its numbers, in Swedish: "minst 800 tillfällen fotpatrullering", "20 ärenden",
/// "varje vecka"; a ratio as "…, varav minst 20 % förstagångsanvändare".
pub fn target_words(measures: &[Measure], t: &Target) -> String {
    let m = t.metric.as_str();
    let declared = measures.iter().find(|d| d.id.as_str() == m);
    let what = match (occurrence_unit(m), declared) {
        (Some(unit), _) => unit.to_owned(),
        (None, Some(d)) => format!("{} ({})", d.unit, d.name),
        (None, None) => format!("tillfällen ({})", in_words(m)),
    };
    match &t.goal {
        Goal::Count { comparator, value, ratio } => {
            let mut s = match comparator {
                Comparator::AtLeast => format!("minst {value} {what}"),
                Comparator::Exactly => format!("{value} {what}"),
            };
            if let Some(r) = ratio {
                s.push_str(&format!(", varav minst {} % {}", r.at_least_percent, in_words(r.sub.as_str())));
            }
            s
        }
        Goal::Cadence { every: Cadence::Weekly } => "varje vecka".to_owned(),
        Goal::Cadence { every: Cadence::Monthly } => "varje månad".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Line;

    fn target(metric: &str, goal: Goal) -> Target {
        Target {
            id: Metric::new("t").unwrap(),
            metric: Metric::new(metric).unwrap(),
            areas: vec![],
            goal,
            text: Line::new("x").unwrap(),
        }
    }

    #[test]
    fn targets_read_with_their_numbers() {
        let measures = [Measure {
            id: Metric::new("narkotikabrott").unwrap(),
            name: Line::new("Narkotikabrott").unwrap(),
            unit: Line::new("brott").unwrap(),
            unit_one: None,
        }];
        let count = |c, v| Goal::Count { comparator: c, value: v, ratio: None };
        assert_eq!(target_words(&measures, &target("workshops", count(Comparator::AtLeast, 4))), "minst 4 workshops");
        assert_eq!(
            target_words(&measures, &target("narkotikabrott", count(Comparator::Exactly, 104))),
            "104 brott (Narkotikabrott)"
        );
        assert_eq!(
            target_words(&[], &target("riktade-insatser", count(Comparator::AtLeast, 6))),
            "minst 6 tillfällen (riktade insatser)"
        );
        let weekly = target("situation-pictures", Goal::Cadence { every: Cadence::Weekly });
        assert_eq!(target_words(&measures, &weekly), "varje vecka");
    }
}
