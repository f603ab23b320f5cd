//! Rendering a [`PlanSummary`] as the published follow-up: Markdown, a printable HTML page, CSV and JSON.

use std::{fmt::Write, str::FromStr};

use serde::{Deserialize, Serialize};

use super::cell::cell_lines;
use crate::{fold::PlanSummary, tertial::Tertial};

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Md,
    Html,
    Csv,
    Json,
}

/// Not a known format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown report format {0:?} (use md, html, csv or json)")]
pub struct FormatError(pub String);

impl FromStr for Format {
    type Err = FormatError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "md" | "markdown" => Ok(Format::Md),
            "html" => Ok(Format::Html),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            other => Err(FormatError(other.to_owned())),
        }
    }
}

impl Format {
    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Md => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }
}

/// One rendered cell (read back from a JSON report by whoever compares two reports).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenderedCell {
    pub promise: String,
    pub activity: String,
    pub activity_title: String,
    pub tertial: Tertial,
    pub lines: Vec<String>,
    pub late_amendments: usize,
    pub pending: Vec<String>,
}

/// The tertials shown: the plan's, up to `upto`.
fn columns(s: &PlanSummary, upto: Option<Tertial>) -> Vec<Tertial> {
    s.tertials.iter().copied().filter(|t| upto.is_none_or(|u| *t <= u)).collect()
}

fn column_title(s: &PlanSummary, t: Tertial) -> String {
    let one_year = s.tertials.iter().all(|x| x.year() == t.year());
    if one_year {
        format!("Tertial {}", t.number())
    } else {
        format!("{} T{}", t.year(), t.number())
    }
}

/// Every cell, in plan order.
pub fn cells(s: &PlanSummary, upto: Option<Tertial>) -> Vec<RenderedCell> {
    let cols = columns(s, upto);
    let mut out = vec![];
    for p in &s.promises {
        for a in &p.activities {
            for t in &cols {
                let Some(cell) = a.cells.get(t) else { continue };
                out.push(RenderedCell {
                    promise: p.id.to_string(),
                    activity: a.id.to_string(),
                    activity_title: a.title.clone(),
                    tertial: *t,
                    lines: cell_lines(s, a, *t, cell),
                    late_amendments: cell.late_amendments.len(),
                    pending: cell.pending.iter().map(|o| o.to_string()).collect(),
                });
            }
        }
    }
    out
}

fn heading(s: &PlanSummary, upto: Option<Tertial>) -> (String, String) {
    // "Medborgarlöfte 2022" → "Uppföljning av medborgarlöfte 2022 — Jönköpings kommun"; only the
    // first letter is lowered, so names in the title keep their capitals.
    let mut chars = s.title.chars();
    let plan = chars.next().map(|c| c.to_lowercase().collect::<String>() + chars.as_str()).unwrap_or_default();
    let title = if s.title.contains(&s.municipality) {
        format!("Uppföljning av {plan}")
    } else {
        format!("Uppföljning av {plan} — {}", s.municipality)
    };
    let mut sub = format!("{} och {}.", s.police_area, s.municipality);
    if let Some(t) = upto {
        sub.push_str(&format!(" Uppföljningen avser tertial {} {}", t.number(), t.year()));
        match s.approved.get(&t) {
            Some(at) => sub.push_str(&format!(", godkänd {}.", crate::date::local_date(*at))),
            None => sub.push_str(", ännu inte godkänd."),
        }
    }
    (title, sub)
}

/// Renders the report.
pub fn render(s: &PlanSummary, upto: Option<Tertial>, format: Format) -> String {
    match format {
        Format::Md => markdown(s, upto),
        Format::Html => html(s, upto),
        Format::Csv => csv(s, upto),
        Format::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                summary: &'a PlanSummary,
                cells: Vec<RenderedCell>,
            }
            serde_json::to_string_pretty(&Doc { summary: s, cells: cells(s, upto) }).unwrap_or_default()
        }
    }
}

/// A promise's title and its rows: an activity's title and its cells' lines, column by column.
type Table = (String, Vec<(String, Vec<Vec<String>>)>);

fn by_promise(s: &PlanSummary, upto: Option<Tertial>) -> Vec<Table> {
    let all = cells(s, upto);
    let n = columns(s, upto).len().max(1);
    s.promises
        .iter()
        .map(|p| {
            let rows = p
                .activities
                .iter()
                .map(|a| {
                    let mine: Vec<Vec<String>> =
                        all.iter().filter(|c| c.activity == a.id.as_str()).map(|c| c.lines.clone()).collect();
                    (a.title.clone(), mine.into_iter().take(n).collect())
                })
                .collect();
            (p.title.clone(), rows)
        })
        .collect()
}

fn markdown(s: &PlanSummary, upto: Option<Tertial>) -> String {
    let (title, sub) = heading(s, upto);
    let cols = columns(s, upto);
    let esc = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('|', "\\|").replace('\n', "<br>");
    let mut out = format!("# {title}\n\n{sub}\n");
    for (promise, rows) in by_promise(s, upto) {
        let _ = write!(out, "\n## ➤ {}\n\n| Aktivitet |", esc(&promise));
        for t in &cols {
            let _ = write!(out, " {} |", column_title(s, *t));
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(cols.len()));
        out.push('\n');
        for (activity, cells) in rows {
            let _ = write!(out, "| {} |", esc(&activity));
            for lines in cells {
                let _ = write!(out, " {} |", lines.iter().map(|l| esc(l)).collect::<Vec<_>>().join("<br>"));
            }
            out.push('\n');
        }
    }
    out
}

fn html(s: &PlanSummary, upto: Option<Tertial>) -> String {
    let (title, sub) = heading(s, upto);
    let cols = columns(s, upto);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>\n\
         body {{ font-family: system-ui, sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }}\n\
         table {{ border-collapse: collapse; width: 100%; margin-bottom: 2rem; page-break-inside: auto; }}\n\
         th, td {{ border: 1px solid #999; padding: .4rem .5rem; vertical-align: top; text-align: left; }}\n\
         th {{ background: #eee; }} td p {{ margin: 0 0 .3rem; }} .open {{ color: #8a4b00; }}\n\
         tr {{ page-break-inside: avoid; }} @media print {{ body {{ margin: 0; max-width: none; }} }}\n\
         </style>\n</head>\n<body>\n<h1>{t}</h1>\n<p>{sub}</p>\n",
        t = crate::text::html_escape(&title),
        sub = crate::text::html_escape(&sub)
    );
    for (promise, rows) in by_promise(s, upto) {
        let _ =
            write!(out, "<h2>➤ {}</h2>\n<table>\n<thead><tr><th>Aktivitet</th>", crate::text::html_escape(&promise));
        for t in &cols {
            let _ = write!(out, "<th>{}</th>", column_title(s, *t));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (activity, cells) in rows {
            let _ = write!(out, "<tr><td>{}</td>", crate::text::html_escape(&activity));
            for lines in cells {
                out.push_str("<td>");
                for l in lines {
                    let class = if l.starts_with("Uppföljning saknas") || l.starts_with("Sent tillägg") {
                        " class=\"open\""
                    } else {
                        ""
                    };
                    let _ = write!(out, "<p{class}>{}</p>", crate::text::html_escape(&l));
                }
                out.push_str("</td>");
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn csv_field(t: &str) -> String {
    if t.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t.to_owned()
    }
}

fn csv(s: &PlanSummary, upto: Option<Tertial>) -> String {
    let mut out = String::from("plan,lofte,aktivitet,aktivitet_text,tertial,text,sena_tillagg,saknas_fran\r\n");
    for c in cells(s, upto) {
        let row = [
            s.plan.to_string(),
            c.promise,
            c.activity,
            c.activity_title,
            c.tertial.to_string(),
            c.lines.join("\n"),
            c.late_amendments.to_string(),
            c.pending.join(" "),
        ];
        out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}
