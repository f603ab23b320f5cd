//! The history's filters and pages (pure). Filters come from a GET form with Swedish names —
//! `fran`, `till` (recording time, Swedish local), `organisation`, `typ`, `aktivitet`,
//! `forfattare`, `fritext` — and a page from `fore` (older than that seq) or `efter` (newer):
//! pages by seq, so a page stays where it is while events are added. A value that cannot be
//! used is said at its field, in Swedish.

use std::collections::BTreeMap;

use jiff::Timestamp;
use lofte_proto::Kind;

use super::{
    when::{self, End},
    History, Row,
};

/// Rows per page.
pub const PAGE: usize = 50;

/// The filters' fields, in the form's order.
pub const FIELDS: [&str; 7] = ["fran", "till", "organisation", "typ", "aktivitet", "forfattare", "fritext"];

/// What the list is filtered by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub from: Option<Timestamp>,
    /// The first instant no longer shown.
    pub until: Option<Timestamp>,
    pub actor: Option<String>,
    pub kind: Option<Kind>,
    /// `plan/activity`.
    pub activity: Option<(String, String)>,
    pub author: Option<String>,
    /// Lower-cased words, each of which must be found.
    pub words: Vec<String>,
}

/// Where the page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    Newest,
    /// The newest events before this seq.
    Before(u64),
    /// The oldest events after this seq (shown newest first).
    After(u64),
}

impl Cursor {
    pub fn of(q: &BTreeMap<String, String>) -> Cursor {
        let seq = |k: &str| q.get(k).and_then(|v| v.trim().parse::<u64>().ok());
        match (seq("fore"), seq("efter")) {
            (Some(s), _) => Cursor::Before(s),
            (None, Some(s)) => Cursor::After(s),
            _ => Cursor::Newest,
        }
    }
}

/// The filters asked for in `q`, or a message per field at fault.
pub fn parse(q: &BTreeMap<String, String>, h: &History) -> Result<Filter, Vec<(String, String)>> {
    let get = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut errors = vec![];
    let mut f = Filter::default();
    let moment = |k: &str, end: End, errors: &mut Vec<(String, String)>| {
        let v = get(k)?;
        let t = when::parse(v, end);
        if t.is_none() {
            errors.push((
                k.to_owned(),
                "Skriv tiden som ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM, till exempel 2022-05-10 eller 2022-05-10 14:30"
                    .to_owned(),
            ));
        }
        t
    };
    f.from = moment("fran", End::Start, &mut errors);
    f.until = moment("till", End::After, &mut errors);
    if let (Some(a), Some(b)) = (f.from, f.until) {
        if b <= a {
            errors.push(("till".into(), "Till-tiden måste vara efter från-tiden".into()));
        }
    }
    if let Some(o) = get("organisation") {
        match h.actors().contains(o) {
            true => f.actor = Some(o.to_owned()),
            false => errors.push(("organisation".into(), "Välj en organisation i listan".into())),
        }
    }
    if let Some(k) = get("typ") {
        match k.parse::<Kind>() {
            Ok(k) => f.kind = Some(k),
            Err(_) => errors.push(("typ".into(), "Välj en typ av händelse i listan".into())),
        }
    }
    if let Some(a) = get("aktivitet") {
        match a.split_once('/').filter(|(p, x)| h.activities().iter().any(|(hp, ha, _)| hp == p && ha == x)) {
            Some((p, x)) => f.activity = Some((p.to_owned(), x.to_owned())),
            None => errors.push(("aktivitet".into(), "Välj en aktivitet i listan".into())),
        }
    }
    if let Some(a) = get("forfattare") {
        match h.authors().contains(a) {
            true => f.author = Some(a.to_owned()),
            false => errors.push(("forfattare".into(), "Välj en författare i listan".into())),
        }
    }
    if let Some(t) = get("fritext") {
        if t.chars().count() > 200 {
            errors.push(("fritext".into(), "Sök på högst 200 tecken".into()));
        } else if t
            .chars()
            .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c))
        {
            errors.push(("fritext".into(), "Sökningen får inte innehålla dolda styrtecken".into()));
        } else {
            f.words = t.to_lowercase().split_whitespace().map(str::to_owned).collect();
        }
    }
    if errors.is_empty() {
        Ok(f)
    } else {
        Err(errors)
    }
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    pub fn matches(&self, r: &Row) -> bool {
        self.from.is_none_or(|t| r.recorded_at >= t)
            && self.until.is_none_or(|t| r.recorded_at < t)
            && self.actor.as_deref().is_none_or(|a| &*r.actor == a)
            && self.kind.is_none_or(|k| r.kind == k)
            && self.activity.as_ref().is_none_or(|(p, a)| &*r.plan == p && r.activity.as_deref() == Some(a.as_str()))
            && self.author.as_deref().is_none_or(|a| &*r.author == a)
            && self.words.iter().all(|w| r.text.contains(w.as_str()))
    }
}

/// One page of the list.
#[derive(Debug)]
pub struct Page<'a> {
    /// Newest first.
    pub rows: Vec<&'a Row>,
    /// How many events match in all.
    pub total: usize,
    /// `efter` for the page of newer events, if there are any.
    pub newer: Option<u64>,
    /// `fore` for the page of older events, if there are any.
    pub older: Option<u64>,
}

/// The page of `size` rows at `at` among those `f` lets through.
pub fn page<'a>(h: &'a History, f: &Filter, at: Cursor, size: usize) -> Page<'a> {
    let all = h.rows();
    let matching: Vec<&Row> =
        if f.is_empty() { all.iter().collect() } else { all.iter().filter(|r| f.matches(r)).collect() };
    let n = matching.len();
    let (start, end) = match at {
        Cursor::Newest => (n.saturating_sub(size), n),
        Cursor::Before(s) => {
            let end = matching.partition_point(|r| r.seq < s);
            (end.saturating_sub(size), end)
        }
        Cursor::After(s) => {
            let start = matching.partition_point(|r| r.seq <= s);
            (start, (start + size).min(n))
        }
    };
    let rows: Vec<&Row> = matching[start..end].iter().rev().copied().collect();
    Page {
        newer: (end < n).then(|| end.checked_sub(1).map_or(0, |e| matching[e].seq)),
        older: (start > 0).then(|| matching.get(start).map_or(u64::MAX, |r| r.seq)),
        total: n,
        rows,
    }
}
