//! "Att göra", computed (pure): for a person, per plan they act in, the activities their
//! organisations take part in, for each tertial that has begun and is not approved — what has
//! been logged, the status, whether their follow-up is submitted, the due date and days left.

use jiff::civil::Date;
use lofte_proto::{calendar::on_or_before_working_day, people::Person, tertial::Tertial};
use serde_json::Value;

/// One activity's follow-up owed (or given) for one tertial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub activity: String,
    pub title: String,
    pub tertial: Tertial,
    /// The organisations of the person that take part in it.
    pub orgs: Vec<String>,
    /// What has been logged, in words ("2 dialoger", "fotpatrullering: ca 47").
    pub logged: Vec<String>,
    pub status: Option<String>,
    /// Whether every one of `orgs` has submitted.
    pub submitted: bool,
    pub due: Date,
    /// Negative: late.
    pub days_left: i64,
}

impl Item {
    pub fn late(&self) -> bool {
        !self.submitted && self.days_left < 0
    }
}

/// A plan's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanTodo {
    pub plan: String,
    pub title: String,
    pub items: Vec<Item>,
}

/// Whether `person` acts in the plan `summary` describes: one of their organisations takes part
/// in it, and it is one of their plans (if they are limited to some).
pub fn acts_in(person: &Person, summary: &Value) -> bool {
    let plan = summary["plan"].as_str().unwrap_or_default();
    let in_plan = person.plans.is_empty() || person.plans.iter().any(|p| p.as_str() == plan);
    in_plan && person.orgs.iter().any(|o| summary["organisations"].get(o.as_str()).is_some())
}

/// The to-do list of `person` in the plan `summary`, on `today`.
pub fn plan_todo(person: &Person, summary: &Value, today: Date, default_due_after_days: u32) -> PlanTodo {
    let mut items = vec![];
    let open: Vec<Tertial> = summary["tertials"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str()?.parse::<Tertial>().ok())
        .filter(|t| t.first_day() <= today && summary["approved"].get(t.to_string()).is_none())
        .collect();
    let activities = summary["promises"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["activities"].as_array().into_iter().flatten());
    for a in activities {
        let takes_part =
            |o: &str| a["lead"] == o || a["participants"].as_array().is_some_and(|ps| ps.iter().any(|p| p == o));
        let orgs: Vec<String> =
            person.orgs.iter().map(|o| o.as_str()).filter(|o| takes_part(o)).map(str::to_owned).collect();
        if orgs.is_empty() {
            continue;
        }
        for t in &open {
            let cell = &a["cells"][t.to_string()];
            let due = due(summary, *t, default_due_after_days);
            items.push(Item {
                activity: a["id"].as_str().unwrap_or_default().to_owned(),
                title: a["title"].as_str().unwrap_or_default().to_owned(),
                tertial: *t,
                logged: logged(cell),
                status: cell["status"]["status"].as_str().map(status_words),
                submitted: orgs.iter().all(|o| cell["submitted"].get(o).is_some()),
                orgs: orgs.clone(),
                due,
                days_left: (due - today).get_days().into(),
            });
        }
    }
    PlanTodo {
        plan: summary["plan"].as_str().unwrap_or_default().to_owned(),
        title: summary["title"].as_str().unwrap_or_default().to_owned(),
        items,
    }
}

/// The plan's deadline for `t`, or the default after the tertial's last day; a weekend or
/// holiday moves it to the working day before (as `calendar::due_date` does).
pub fn due(summary: &Value, t: Tertial, default_days: u32) -> Date {
    let declared = summary["deadlines"][t.to_string()].as_str().and_then(|d| d.parse::<Date>().ok());
    let d = declared.unwrap_or_else(|| {
        t.last_day().checked_add(jiff::Span::new().days(i64::from(default_days))).unwrap_or(t.last_day())
    });
    on_or_before_working_day(d)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What a cell holds, in words.
pub fn logged(cell: &Value) -> Vec<String> {
    let n = |k: &str| cell[k].as_array().map_or(0, Vec::len);
    let mut out = vec![];
    for (k, one, many) in [
        ("dialogues", "dialog", "dialoger"),
        ("meetings", "möte", "möten"),
        ("workshops", "workshop", "workshops"),
        ("trainings", "utbildning", "utbildningar"),
        ("milestones", "milstolpe", "milstolpar"),
        ("notes", "notering", "noteringar"),
    ] {
        if n(k) > 0 {
            out.push(plural(n(k), one, many));
        }
    }
    let pictures: usize = cell["situation_pictures"]
        .as_object()
        .map_or(0, |m| m.values().filter_map(Value::as_array).map(Vec::len).sum());
    if pictures > 0 {
        out.push(plural(pictures, "lägesbild", "lägesbilder"));
    }
    for (metric, m) in cell["measures"].as_object().into_iter().flatten() {
        out.push(format!("{metric}: {}", m["count"]["text"].as_str().unwrap_or_default()));
    }
    out
}

/// A status in Swedish.
pub fn status_words(s: &str) -> String {
    match s {
        "none" => "Inga aktiviteter",
        "planned" => "Planerad",
        "ongoing" => "Pågår",
        "done" => "Genomförd",
        "postponed" => "Framflyttad",
        "cancelled" => "Inställd",
        other => other,
    }
    .to_owned()
}
