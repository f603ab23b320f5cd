//! The published follow-up as a file (pure): Markdown (the tables as the municipalities publish
//! them), CSV (one row per activity and approved tertial) and JSON — the same report the page
//! shows, each approved column as approved, nothing of a tertial not approved.

use std::fmt::Write;

use super::table::{Cell, Column, Report};
use crate::html::words::tertial_cap;

/// A download's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Md,
    Csv,
    Json,
}

impl Format {
    /// The format of a file name on the report page (`rapport.md`, `rapport.csv`, `rapport.json`).
    pub fn of_file(name: &str) -> Option<Format> {
        match name {
            "rapport.md" => Some(Format::Md),
            "rapport.csv" => Some(Format::Csv),
            "rapport.json" => Some(Format::Json),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Md => "text/markdown; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// "godkänd 2022-05-16", or "inte godkänd ännu".
pub fn approval(c: &Column) -> String {
    match c.approved {
        Some(at) => format!("godkänd {}", lofte_proto::date::local_date(at)),
        None => "inte godkänd ännu".to_owned(),
    }
}

/// The report rendered as `format`.
pub fn render(r: &Report, format: Format) -> String {
    match format {
        Format::Md => markdown(r),
        Format::Csv => csv(r),
        Format::Json => serde_json::to_string_pretty(r).unwrap_or_default(),
    }
}

fn markdown(r: &Report) -> String {
    let esc = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('|', "\\|").replace('\n', "<br>");
    let mut out = format!("# {}\n\n{}\n", esc(&r.title), esc(&r.subtitle));
    for c in &r.columns {
        let _ = write!(out, "\n- {}: {}", tertial_cap(&c.tertial.to_string()), approval(c));
    }
    out.push('\n');
    for p in &r.promises {
        let _ = write!(out, "\n## ➤ {}\n\n| Aktivitet |", esc(&p.title));
        for c in &r.columns {
            let _ = write!(out, " Tertial {} |", c.tertial.number());
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(r.columns.len()));
        out.push('\n');
        for row in &p.rows {
            let _ = write!(out, "| {} |", esc(&row.title));
            for cell in &row.cells {
                let text = match cell {
                    Cell::Approved { lines, .. } => lines.iter().map(|l| esc(l)).collect::<Vec<_>>().join("<br>"),
                    Cell::NotApproved => "Inte godkänd ännu.".to_owned(),
                    Cell::Absent => "–".to_owned(),
                };
                let _ = write!(out, " {text} |");
            }
            out.push('\n');
        }
    }
    out
}

fn csv_field(t: &str) -> String {
    if t.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t.to_owned()
    }
}

fn csv(r: &Report) -> String {
    let mut out = String::from("plan,lofte,aktivitet,aktivitet_text,tertial,godkand,text,sena_tillagg\r\n");
    for p in &r.promises {
        for row in &p.rows {
            for (c, cell) in r.columns.iter().zip(&row.cells) {
                let (Cell::Approved { lines, late }, Some(at)) = (cell, c.approved) else { continue };
                let fields = [
                    r.plan.clone(),
                    p.title.clone(),
                    row.activity.clone(),
                    row.title.clone(),
                    c.tertial.to_string(),
                    lofte_proto::date::local_date(at).to_string(),
                    lines.join("\n"),
                    late.to_string(),
                ];
                out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
                out.push_str("\r\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::public::table::{Promise, Row};

    fn sample() -> Report {
        let col = |t: &str, at: Option<&str>| Column {
            tertial: t.parse().unwrap(),
            approved: at.map(|a| a.parse().unwrap()),
            source: at.map(|_| t.parse().unwrap()),
            as_of: at.map(|a| a.parse().unwrap()),
        };
        Report {
            plan: "jonkoping-2022".into(),
            title: "Uppföljning av medborgarlöfte 2022".into(),
            subtitle: "Polisen och kommunen.".into(),
            columns: vec![col("2022-T1", Some("2022-05-16T08:00:00Z")), col("2022-T2", None)],
            promises: vec![Promise {
                title: "Trygg | miljö".into(),
                rows: vec![Row {
                    activity: "ssg".into(),
                    title: "SSG, \"möts\"".into(),
                    cells: vec![
                        Cell::Approved {
                            lines: vec!["Fotpatrullering: 906 tillfällen.".into(), "Pågår.".into()],
                            late: 1,
                        },
                        Cell::NotApproved,
                    ],
                }],
            }],
        }
    }

    #[test]
    fn markdown_is_the_published_table_with_unapproved_tertials_empty() {
        let md = render(&sample(), Format::Md);
        assert!(md.contains("- Tertial 1 2022: godkänd 2022-05-16"), "{md}");
        assert!(md.contains("- Tertial 2 2022: inte godkänd ännu"), "{md}");
        assert!(md.contains("## ➤ Trygg \\| miljö"), "{md}");
        assert!(md.contains("| Aktivitet | Tertial 1 | Tertial 2 |"), "{md}");
        assert!(md.contains("| Fotpatrullering: 906 tillfällen.<br>Pågår. | Inte godkänd ännu. |"), "{md}");
    }

    #[test]
    fn csv_has_a_row_per_approved_cell_only() {
        let csv = render(&sample(), Format::Csv);
        let rows: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(rows.len(), 2, "{csv}");
        assert_eq!(
            rows[1],
            "jonkoping-2022,Trygg | miljö,ssg,\"SSG, \"\"möts\"\"\",2022-T1,2022-05-16,\"Fotpatrullering: 906 tillfällen.\nPågår.\",1"
        );
    }

    #[test]
    fn json_says_which_cells_are_not_approved() {
        let v: serde_json::Value = serde_json::from_str(&render(&sample(), Format::Json)).unwrap();
        assert_eq!(v["promises"][0]["rows"][0]["cells"][1]["state"], "not_approved");
        assert_eq!(v["promises"][0]["rows"][0]["cells"][0]["lines"][0], "Fotpatrullering: 906 tillfällen.");
        assert_eq!(Format::of_file("rapport.pdf"), None);
    }
}
