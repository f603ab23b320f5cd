//! The published report: Swedish cells written from the facts, in the partners' table layout, as
//! Markdown, a printable HTML page, CSV and JSON — and the same events give the same bytes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Log;
use lofte_proto::{
    command::parse_event,
    fold::FoldOptions,
    report::{render, Format},
};
use serde_json::json;

fn eksjo() -> Log {
    let mut log = Log::of("eksjo-2017.toml", "2017-01-02T08:00:00Z");
    let a = "trafikkontroller";
    log.record("2017-04-28T10:00:00Z", "measure_counted",
        json!({"activity": a, "date": "2017-01-01..2017-04-30", "metric": a, "count": "minst 8", "area": "ostra-kommundelen"}));
    log.record(
        "2017-04-28T10:00:00Z",
        "measure_counted",
        json!({"activity": "polisiar-narvaro", "date": "2017-01-01..2017-04-30",
        "metric": "narvaro", "count": "minst 45", "hours": 116, "area": "ostra-kommundelen"}),
    );
    log.record(
        "2017-05-10T10:00:00Z",
        "status_changed",
        json!({"activity": "trygghetsvandringar", "tertial": "2017-T1", "status": "planned"}),
    );
    log.record(
        "2017-09-10T10:00:00Z",
        "milestone_reached",
        json!({"activity": "trygghetsvandringar", "date": "2017-05-22", "title": "Trygghetsvandring genomförd"}),
    );
    log.record(
        "2017-12-20T10:00:00Z",
        "status_changed",
        json!({"activity": "trygghetsvandringar", "tertial": "2017-T3",
        "status": "postponed", "until": "2018-02-15", "note": "Planeras till februari 2018"}),
    );
    log.record(
        "2017-05-10T10:00:00Z",
        "note_written",
        json!({"activity": "samverkansmoten", "tertial": "2017-T1",
        "text": "Genomfört tre möten <mellan> Polisen & kommunen, \"enligt plan\"."}),
    );
    log
}

#[test]
fn cells_are_written_in_swedish_from_the_facts() {
    let log = eksjo();
    let md = render(&log.fold(FoldOptions::default()), None, Format::Md);
    assert!(md.starts_with("# Uppföljning av medborgarlöften Eksjö kommun 2017\n"), "{md}");
    assert!(md.contains("| Aktivitet | Tertial 1 | Tertial 2 | Tertial 3 |"), "{md}");
    assert!(md.contains("Trafikkontroller: minst 8 tillfällen."), "{md}");
    assert!(
        md.contains(
            "Trafikkontroller: minst 8 tillfällen.<br>Hittills i år: minst 8 — mål minst 10 per år: 80 %, i fas."
        ),
        "{md}"
    );
    // Tertial 2 had no traffic controls: the cell says so, with the year so far.
    assert!(md.contains("Ej rapporterat.<br>Hittills i år: minst 8 — mål minst 10 per år: 80 %, i fas."), "{md}");
    assert!(md.contains("&lt;mellan&gt;") || md.contains("&lt;mellan>"), "{md}");
    assert!(md.contains("Närvaro: minst 45 tillfällen, 116 timmar."), "{md}");
    assert!(md.contains("Planerad."), "{md}");
    assert!(md.contains("22/5: Trygghetsvandring genomförd."), "{md}");
    assert!(md.contains("Framflyttad till 15 februari 2018.<br>Planeras till februari 2018"), "{md}");
    assert!(md.contains("Ej rapporterat."), "{md}");
    assert!(md.contains("Uppföljning saknas från: "), "{md}");
}

#[test]
fn a_tertial_report_shows_the_columns_up_to_it_and_its_approval() {
    let mut log = eksjo();
    log.push(
        "2017-05-15T09:00:00Z",
        "kommunen",
        parse_event("follow_up_approved", json!({"tertial": "2017-T1"})).unwrap(),
    );
    log.record("2017-06-01T10:00:00Z", "meeting_held",
        json!({"activity": "samverkansmoten", "date": "2017-04-20", "title": "Samverkansmöte", "participants": "ca 35"}));
    let s = log.fold(FoldOptions::default());
    let md = render(&s, Some("2017-T1".parse().unwrap()), Format::Md);
    assert!(md.contains("| Aktivitet | Tertial 1 |\n"), "{md}");
    assert!(md.contains("Uppföljningen avser tertial 1 2017, godkänd 2017-05-15."), "{md}");
    assert!(md.contains("Möte har hållits vid 1 tillfälle: 20/4 (Samverkansmöte), ca 35 deltagare."), "{md}");
    assert!(md.contains("Sent tillägg efter godkännandet: 1 händelse."), "{md}");
    assert!(!md.contains("Uppföljning saknas från"), "an approved tertial lists no open follow-ups: {md}");
}

#[test]
fn html_is_escaped_csv_is_one_row_per_cell_json_is_machine_readable() {
    let s = eksjo().fold(FoldOptions::default());
    let html = render(&s, None, Format::Html);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"sv\">"));
    assert!(html.contains("&lt;mellan&gt; Polisen &amp; kommunen, &quot;enligt plan&quot;"), "{html}");
    assert!(!html.contains("<mellan>"));
    assert!(html.contains("@media print"));
    let csv = render(&s, None, Format::Csv);
    let activities: usize = s.promises.iter().map(|p| p.activities.len()).sum();
    let mut rdr = csv.split("\r\n").filter(|l| !l.is_empty()).count();
    // Quoted fields may hold line breaks; count records by the plan id that starts each row.
    rdr = rdr.min(csv.matches("\r\neksjo-2017,").count() + 1);
    assert_eq!(rdr, 1 + activities * 3, "a header and one row per activity and tertial");
    assert!(csv.starts_with("plan,lofte,aktivitet,aktivitet_text,tertial,text,sena_tillagg,saknas_fran\r\n"));
    let v: serde_json::Value = serde_json::from_str(&render(&s, None, Format::Json)).unwrap();
    assert_eq!(v["cells"].as_array().unwrap().len(), activities * 3);
    assert_eq!(v["summary"]["plan"], "eksjo-2017");
}

#[test]
fn the_same_events_render_the_same_bytes() {
    let (a, b) = (eksjo(), eksjo());
    for f in [Format::Md, Format::Html, Format::Csv, Format::Json] {
        assert_eq!(render(&a.fold(FoldOptions::default()), None, f), render(&b.fold(FoldOptions::default()), None, f));
    }
    assert!("pdf".parse::<Format>().is_err());
}

#[test]
fn what_the_documents_say_is_kept_as_said() {
    let mut log = Log::of("jonkoping-2022.toml", "2022-01-02T08:00:00Z");
    let at = "2022-04-20T10:00:00Z";
    // The area and the place of the same name: said once.
    log.record(
        at,
        "dialogue_held",
        json!({"activity": "samverkansmoten", "date": "2022-01-13",
        "area": "osterangen", "place": "Österängen", "topic": "Gängsnacket", "participants": "ett 20-tal"}),
    );
    // A dialogue without a place.
    log.record(
        at,
        "dialogue_held",
        json!({"activity": "samverkansmoten", "date": "2022-02-10",
        "topic": "Dialog med trossamfunden"}),
    );
    // One entry on separate days.
    log.record(
        at,
        "dialogue_held",
        json!({"activity": "samverkansmoten", "date": "2022-03-03,2022-03-17",
        "place": "Hagaskolan", "topic": "Föräldramöte"}),
    );
    // Figures verbatim, measures with the plan's names and units.
    log.record(
        at,
        "measure_counted",
        json!({"activity": "sig", "date": "2022-01-01..2022-04-30",
        "metric": "orosanmalningar", "count": "ett 10-tal"}),
    );
    log.record(
        at,
        "measure_counted",
        json!({"activity": "narkotika-raslatt", "date": "2022-02-01",
        "metric": "narkotikabrott", "count": 1, "area": "raslatt"}),
    );
    // Postponed to a month.
    log.record(
        at,
        "status_changed",
        json!({"activity": "ssg", "tertial": "2022-T1",
        "status": "postponed", "until": "2022-09"}),
    );
    let md = render(&log.fold(FoldOptions::default()), None, Format::Md);
    assert!(
        md.contains(
            "Dialog har genomförts vid 3 tillfällen: 13/1 Österängen (Gängsnacket), ett 20-tal deltagare; \
                     10/2 (Dialog med trossamfunden); 3/3 och 17/3 (Hagaskolan, Föräldramöte)."
        ),
        "{md}"
    );
    assert!(md.contains("Orosanmälningar: ett 10-tal anmälningar."), "{md}");
    assert!(md.contains("Narkotikabrott: 1 brott."), "{md}");
    assert!(md.contains("Framflyttad till september 2022."), "{md}");
}
