//! The forms for logging what happened (pure): which fields each kind has, with Swedish labels
//! and hints, and the checks that turn what was typed into an event's data — or into a message
//! per field, in Swedish, saying how to put it right. Dates are read as Swedish documents write
//! them ("13/1", "15-16/4", "3/10 och 17/10") in the plan's year; figures as said ("ca 35",
//! "ett 20-tal"). The ledger checks again (the plan's rules); what it refuses is shown the same way.

use std::collections::BTreeMap;

use lofte_proto::{
    date::{parse_swedish, DateError},
    quantity::Approx,
    text::{Line, Note, TextError},
};
use serde_json::{json, Map, Value};

/// What a reporter can log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dialog,
    Mote,
    Workshop,
    Utbildning,
    Antal,
    Lagesbild,
    Milstolpe,
    Status,
    Notering,
}

/// How a field is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    Textarea,
    /// A day, a range or several days.
    Date,
    /// A figure as said.
    Figure,
    /// One of the plan's areas (optional).
    Area,
    /// One of the plan's tertials.
    Tertial,
    /// A status.
    Status,
}

/// One field of a form.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Its name and id (Swedish, as in the URL of an error link: `#datum`).
    pub id: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub input: Input,
    pub required: bool,
}

const fn f(id: &'static str, label: &'static str, hint: &'static str, input: Input, required: bool) -> Field {
    Field { id, label, hint, input, required }
}

const DATUM: Field = f("datum", "Datum", "Till exempel 13/1, 15-16/4 eller 3/10 och 17/10.", Input::Date, true);
const OMRADE: Field = f("omrade", "Område", "Lämna tomt om det inte gäller ett visst område.", Input::Area, false);
const DELTAGARE: Field =
    f("deltagare", "Antal deltagare", "Som det sades: 35, ca 35, ett 20-tal eller 15-20.", Input::Figure, false);
const TERTIAL: Field = f("tertial", "Tertial", "", Input::Tertial, true);

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Dialog,
        Kind::Mote,
        Kind::Workshop,
        Kind::Utbildning,
        Kind::Antal,
        Kind::Lagesbild,
        Kind::Milstolpe,
        Kind::Status,
        Kind::Notering,
    ];

    /// Its name in URLs (`?typ=dialog`).
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Dialog => "dialog",
            Kind::Mote => "mote",
            Kind::Workshop => "workshop",
            Kind::Utbildning => "utbildning",
            Kind::Antal => "antal",
            Kind::Lagesbild => "lagesbild",
            Kind::Milstolpe => "milstolpe",
            Kind::Status => "status",
            Kind::Notering => "notering",
        }
    }

    pub fn from_slug(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.slug() == s)
    }

    /// What the form is called ("Logga en dialog").
    pub fn title(self) -> &'static str {
        match self {
            Kind::Dialog => "Logga en dialog",
            Kind::Mote => "Logga ett möte",
            Kind::Workshop => "Logga en workshop",
            Kind::Utbildning => "Logga en utbildning",
            Kind::Antal => "Logga ett antal",
            Kind::Lagesbild => "Logga en lägesbild",
            Kind::Milstolpe => "Logga en milstolpe",
            Kind::Status => "Ange status",
            Kind::Notering => "Skriv en notering",
        }
    }

    /// The event kind it records.
    pub fn event_kind(self) -> &'static str {
        match self {
            Kind::Dialog => "dialogue_held",
            Kind::Mote => "meeting_held",
            Kind::Workshop => "workshop_held",
            Kind::Utbildning => "training_given",
            Kind::Antal => "measure_counted",
            Kind::Lagesbild => "situation_picture_made",
            Kind::Milstolpe => "milestone_reached",
            Kind::Status => "status_changed",
            Kind::Notering => "note_written",
        }
    }

    /// Its fields, in order.
    pub fn fields(self) -> Vec<Field> {
        let titel = f("titel", "Rubrik", "Vad hette det, eller vad handlade det om?", Input::Text, true);
        match self {
            Kind::Dialog => vec![
                DATUM,
                f("amne", "Ämne", "Vad samtalet handlade om, till exempel Gängsnacket.", Input::Text, true),
                f("plats", "Plats", "Var, om den fanns på ett ställe.", Input::Text, false),
                OMRADE,
                DELTAGARE,
            ],
            Kind::Mote => vec![
                DATUM,
                f("titel", "Rubrik", "Till exempel SSG-möte.", Input::Text, false),
                f("plats", "Plats", "", Input::Text, false),
                OMRADE,
                DELTAGARE,
            ],
            Kind::Workshop | Kind::Utbildning => vec![DATUM, titel, OMRADE, DELTAGARE],
            Kind::Antal => vec![
                DATUM,
                f("antal", "Antal", "Som det räknades: 40, ca 40 eller minst 8.", Input::Figure, true),
                OMRADE,
            ],
            Kind::Lagesbild => vec![
                f("datum", "Datum", "Dagen lägesbilden togs fram, till exempel 4/4.", Input::Date, true),
                f("omrade", "Område", "Området lägesbilden gäller.", Input::Area, true),
                f(
                    "period",
                    "Period",
                    "Veckan eller månaden den gäller, till exempel 4-10/4 eller i april.",
                    Input::Date,
                    true,
                ),
            ],
            Kind::Milstolpe => vec![DATUM, titel],
            Kind::Status => vec![
                TERTIAL,
                f("status", "Status", "", Input::Status, true),
                f("kommentar", "Kommentar", "Visas i uppföljningen.", Input::Text, false),
            ],
            Kind::Notering => {
                vec![
                    TERTIAL,
                    f("text", "Text", "Det som ska stå i uppföljningen för tertialen.", Input::Textarea, true),
                ]
            }
        }
    }
}

/// The statuses, as the form offers them.
pub const STATUSES: [(&str, &str); 6] = [
    ("ongoing", "Pågår"),
    ("done", "Genomförd"),
    ("planned", "Planerad"),
    ("postponed", "Framflyttad"),
    ("cancelled", "Inställd"),
    ("none", "Inga aktiviteter under tertialen"),
];

/// A message for the field, in Swedish.
pub type Errors = Vec<(String, String)>;

/// The event data for `kind` in `activity` from the `values` typed, the plan's `year`, its
/// `areas` and `tertials`, and the `metric` a count is of; or a message per field at fault.
pub fn event_data(
    kind: Kind,
    activity: &str,
    values: &BTreeMap<String, String>,
    year: i16,
    areas: &[String],
    tertials: &[String],
    metric: &str,
) -> Result<Value, Errors> {
    let mut data = Map::new();
    data.insert("activity".into(), json!(activity));
    let mut errors = Errors::new();
    for field in kind.fields() {
        let typed = values.get(field.id).map_or("", |v| v.trim());
        if typed.is_empty() {
            if field.required {
                errors.push((field.id.to_owned(), format!("Fyll i {}", field.label.to_lowercase())));
            }
            continue;
        }
        let checked = match field.input {
            Input::Date => date(typed, year),
            Input::Figure => typed.parse::<Approx>().map(|_| json!(typed)).map_err(|_| {
                "Skriv en siffra som den sades, till exempel 35, ca 35, ett 20-tal eller 15-20".to_owned()
            }),
            Input::Text => Line::new(typed).map(|_| json!(typed)).map_err(|e| text_error(&e)),
            Input::Textarea => Note::new(typed).map(|_| json!(typed)).map_err(|e| text_error(&e)),
            Input::Area => {
                areas.iter().any(|a| a == typed).then(|| json!(typed)).ok_or("Välj ett område i listan".into())
            }
            Input::Tertial => {
                tertials.iter().any(|t| t == typed).then(|| json!(typed)).ok_or("Välj en tertial i listan".into())
            }
            Input::Status => {
                STATUSES.iter().any(|(s, _)| *s == typed).then(|| json!(typed)).ok_or("Välj en status i listan".into())
            }
        };
        match checked {
            Ok(v) => {
                data.insert(key(kind, field.id).to_owned(), v);
            }
            Err(m) => errors.push((field.id.to_owned(), m)),
        }
    }
    if kind == Kind::Antal {
        data.insert("metric".into(), json!(metric));
    }
    if errors.is_empty() {
        Ok(Value::Object(data))
    } else {
        Err(errors)
    }
}

/// What is wrong with a text, in Swedish.
fn text_error(e: &TextError) -> String {
    match e {
        TextError::TooLong { max, .. } => format!("Skriv högst {max} tecken"),
        TextError::Control(_) => {
            "Texten innehåller ett osynligt styrtecken (till exempel en radbrytning eller en textriktningsändring); ta bort det".to_owned()
        }
        _ => "Fyll i texten".to_owned(),
    }
}

/// A date as Swedish documents write it, in the plan's year: one entry.
fn date(typed: &str, year: i16) -> Result<Value, String> {
    match parse_swedish(typed, year) {
        Ok(d) if d.len() == 1 => Ok(json!(d[0].to_string())),
        Ok(_) => Err("Ange ett tillfälle i taget; logga nästa för sig".to_owned()),
        Err(DateError::NoSuchDay(_)) => Err("Det datumet finns inte; kontrollera dag och månad".to_owned()),
        Err(DateError::Reversed(_)) => Err("Perioden slutar innan den börjar".to_owned()),
        Err(_) => Err("Skriv datumet som 13/1, 15-16/4 eller 3/10 och 17/10".to_owned()),
    }
}

/// The event field a form field fills.
fn key(kind: Kind, id: &str) -> &'static str {
    match (kind, id) {
        (_, "datum") => "date",
        (_, "amne") => "topic",
        (_, "plats") => "place",
        (_, "omrade") => "area",
        (_, "deltagare") => "participants",
        (_, "titel") => "title",
        (_, "antal") => "count",
        (_, "tertial") => "tertial",
        (_, "status") => "status",
        (_, "kommentar") => "note",
        (_, "text") => "text",
        (_, "period") => "period",
        _ => "unknown",
    }
}

/// The form field an event field is typed in (to show the ledger's refusal at it).
pub fn field_of(event_field: &str) -> Option<&'static str> {
    let f = event_field.trim_start_matches("data.");
    Some(match f.split(['.', '[']).next()? {
        "date" => "datum",
        "topic" => "amne",
        "place" => "plats",
        "area" => "omrade",
        "participants" => "deltagare",
        "title" => "titel",
        "count" => "antal",
        "tertial" => "tertial",
        "status" => "status",
        "note" => "kommentar",
        "text" => "text",
        "period" => "period",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn values(v: &[(&str, &str)]) -> BTreeMap<String, String> {
        v.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_dialogue_as_written_and_every_fault_said_at_its_field() {
        let areas = vec!["raslatt".to_owned()];
        let ok = event_data(
            Kind::Dialog,
            "samverkansmoten",
            &values(&[
                ("datum", "3/10 och 17/10"),
                ("amne", "Gängsnacket"),
                ("deltagare", "ca 35"),
                ("omrade", "raslatt"),
            ]),
            2022,
            &areas,
            &[],
            "",
        )
        .unwrap();
        assert_eq!(ok["date"], "2022-10-03,2022-10-17");
        assert_eq!(ok["participants"], "ca 35");
        lofte_proto::command::parse_event("dialogue_held", ok).unwrap();
        let bad = event_data(
            Kind::Dialog,
            "samverkansmoten",
            &values(&[("datum", "31/2"), ("deltagare", "massor"), ("omrade", "mars")]),
            2022,
            &areas,
            &[],
            "",
        )
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["datum", "amne", "omrade", "deltagare"]);
        assert!(bad[0].1.contains("finns inte"), "{bad:?}");
    }

    #[test]
    fn a_situation_picture_for_a_week_or_a_month() {
        let areas = vec!["raslatt".to_owned()];
        for period in ["4-10/4", "i april"] {
            let v = values(&[("datum", "4/4"), ("omrade", "raslatt"), ("period", period)]);
            let d = event_data(Kind::Lagesbild, "lagesbild-raslatt", &v, 2022, &areas, &[], "").unwrap();
            lofte_proto::command::parse_event("situation_picture_made", d).unwrap();
        }
        let missing =
            event_data(Kind::Lagesbild, "lagesbild-raslatt", &values(&[("datum", "4/4")]), 2022, &areas, &[], "");
        let fields: Vec<String> = missing.unwrap_err().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["omrade", "period"]);
    }
}
