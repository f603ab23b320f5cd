//! The coordinators' Översikt, approving a tertial and setting its due date, through the
//! browser-less client against the real stack: each cell's state follows what is reported (ej
//! rapporterat → pågår → inlämnad → godkänd; försenad once the due date has passed), approving
//! with follow-ups missing needs a comment (recorded with the approval, once however often it is
//! sent, and again to take in late amendments), a due date is checked and shows in Översikt and
//! the projector, forms without the session's token are refused, and a reporter who is not a
//! coordinator gets `403` everywhere — nothing recorded on any error.

use std::time::Duration;

use jiff::{civil::Date, Span, Timestamp};
use lofte_proto::{calendar::on_or_before_working_day, date::local_date};
use lofte_test_support::poll_until;
use lofte_web::overview::swedish_date;
use reqwest::StatusCode;
use serde_json::Value;

use super::stack::{log, signed_in, stack, Browser, Page, Stack};

const POLIS: &str = "kommunpolis.jonkoping@polisen.example";
const REPORTER_ONLY: &str = "omradespolis.raslatt@polisen.example";
/// Polisen leads it alone: its own submission makes it inlämnad.
const TRAFFIC: &str = "Polisen ska arbeta med trafiksäkerhet";

fn today() -> Date {
    local_date(Timestamp::now())
}

/// The states (in words) of the row whose activity title starts with `title`.
fn states(page: &Page, title: &str) -> Vec<String> {
    let at = page.body.find(&format!("<th scope=\"row\">{title}")).unwrap_or_else(|| panic!("no row {title}"));
    let row = page.body[at..].split("</tr>").next().unwrap();
    row.split("class=\"state state-")
        .skip(1)
        .map(|s| s.split('>').nth(1).unwrap().split('<').next().unwrap().to_owned())
        .collect()
}

/// Översikt once the projector shows what is wanted.
async fn overview_until(s: &Stack, b: &Browser, what: &str, ok: impl Fn(&Page) -> bool) -> Page {
    let url = format!("{}/samordna/jonkoping-2022", s.web);
    poll_until(what, Duration::from_secs(20), || async {
        let p = b.twin().get(&url).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        Ok::<_, String>(ok(&p).then_some(p))
    })
    .await
    .unwrap()
}

async fn summary(s: &Stack) -> Value {
    reqwest::get(format!("{}/v1/plans/jonkoping-2022/summary", s.projector)).await.unwrap().json().await.unwrap()
}

/// Sends the form at `url` with its token and nonce and `fields`.
async fn send(b: &mut Browser, url: &str, fields: &[(&str, &str)]) -> (Page, String) {
    let form = b.get(url).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let (csrf, once) = (form.csrf(), form.hidden("_once"));
    let mut all = vec![("_csrf", csrf.as_str()), ("_once", once.as_str())];
    all.extend_from_slice(fields);
    (b.post(url, &all).await, once)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overview_states_follow_what_is_reported_and_due_dates() {
    let s = stack().await;
    let mut b = signed_in(&s, POLIS).await;
    let list = b.get(&format!("{}/samordna", s.web)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("href=\"/samordna/jonkoping-2022\""), "{}", list.body);

    // Every 2022 due date has passed: whatever is owed is late, said in words, with who owes it.
    let o = overview_until(&s, &b, "Översikt", |_| true).await;
    assert_eq!(o.title(), "Översikt: Medborgarlöfte 2022 – Lofte");
    assert_eq!(states(&o, TRAFFIC), ["försenad", "försenad", "försenad"]);
    assert!(o.body.contains("Sista dag: <strong>16 maj 2022</strong>"), "the plan's due date");
    assert!(
        o.body.contains("Väntar på") && o.body.contains("<strong>Vätterhem</strong>: 4 aktiviteter"),
        "who owes what"
    );
    assert!(o.body.contains("href=\"/samordna/jonkoping-2022/godkann/2022-T1\""));

    // T1 due in a month: nothing reported yet.
    let due = today().checked_add(Span::new().days(30)).unwrap();
    let url = format!("{}/samordna/jonkoping-2022/sista-dag/2022-T1", s.web);
    let before = log(&s).await.len();
    for (bad, says) in [("31/5", "ÅÅÅÅ-MM-DD"), ("2022-02-30", "finns inte"), ("2021-12-01", "före tertial 1 2022")]
    {
        let (p, _) = send(&mut b, &url, &[("datum", bad)]).await;
        assert_eq!(
            (p.status, p.title()),
            (StatusCode::UNPROCESSABLE_ENTITY, "Fel: Sista dag för tertial 1 2022 – Lofte".into())
        );
        assert!(p.body.contains("href=\"#datum\"") && p.body.contains("id=\"datum-fel\""), "{}", p.body);
        assert!(p.body.contains(says) && p.body.contains(&format!("value=\"{bad}\"")), "{bad}: {}", p.body);
    }
    assert_eq!(log(&s).await.len(), before, "a bad date records nothing");
    let (set, _) = send(&mut b, &url, &[("datum", &due.to_string())]).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let e = log(&s).await.last().cloned().unwrap();
    assert_eq!((e["kind"].as_str(), e["actor"].as_str()), (Some("deadline_set"), Some("polisen")));
    assert!(e["author"].as_str().unwrap().starts_with("person:"), "on the coordinator's behalf: {e}");
    assert_eq!(summary(&s).await["deadlines"]["2022-T1"], due.to_string(), "in the projector's summary");
    let shown = swedish_date(on_or_before_working_day(due));
    let said = b.get(&format!("{}{}", s.web, set.headers["location"].to_str().unwrap())).await;
    assert!(said.body.contains(&format!("Sista dag för tertial 1 2022 är sparad: {shown}.")), "{}", said.body);
    let o = overview_until(&s, &b, "the new due date", |p| p.body.contains(&shown)).await;
    assert_eq!(states(&o, TRAFFIC)[0], "ej rapporterat");

    // Logged as a reporter (the same address reports for Polisen): pågår.
    let note = format!("{}/plan/jonkoping-2022/aktivitet/trafikkontroller/logga/notering", s.web);
    let (logged, _) = send(&mut b, &note, &[("tertial", "2022-T1"), ("text", "Kontroller vid Råslätt.")]).await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);
    overview_until(&s, &b, "pågår", |p| states(p, TRAFFIC)[0] == "pågår").await;

    // Submitted: inlämnad.
    let submit = format!("{}/plan/jonkoping-2022/aktivitet/trafikkontroller/lamna/2022-T1", s.web);
    assert_eq!(send(&mut b, &submit, &[]).await.0.status, StatusCode::SEE_OTHER);
    overview_until(&s, &b, "inlämnad", |p| states(p, TRAFFIC)[0] == "inlämnad").await;

    // A due date in the past for T2 (moved): still försenad, and the projector has it.
    let url2 = format!("{}/samordna/jonkoping-2022/sista-dag/2022-T2", s.web);
    assert_eq!(send(&mut b, &url2, &[("datum", "2022-09-30")]).await.0.status, StatusCode::SEE_OTHER);
    let o = overview_until(&s, &b, "30 september", |p| p.body.contains("30 september 2022")).await;
    assert_eq!(states(&o, TRAFFIC)[1], "försenad");
    assert_eq!(summary(&s).await["deadlines"]["2022-T2"], "2022-09-30");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approving_with_follow_ups_missing_needs_a_comment_and_records_once() {
    let s = stack().await;
    let mut b = signed_in(&s, "trygghet@jonkoping.example").await;
    let url = format!("{}/samordna/jonkoping-2022/godkann/2022-T1", s.web);
    let page = b.get(&url).await;
    assert_eq!((page.status, page.title()), (StatusCode::OK, "Godkänn tertial 1 2022 – Lofte".into()));
    assert!(page.body.contains("Det här saknas") && page.body.contains("Vätterhem"), "what is missing");
    let (csrf, once) = (page.csrf(), page.hidden("_once"));
    let before = log(&s).await.len();

    // Without a comment: the error at the field, nothing recorded.
    let bad = b.post(&url, &[("_csrf", &csrf), ("_once", &once), ("kommentar", "  ")]).await;
    assert_eq!(
        (bad.status, bad.title()),
        (StatusCode::UNPROCESSABLE_ENTITY, "Fel: Godkänn tertial 1 2022 – Lofte".into())
    );
    assert!(bad.body.contains("href=\"#kommentar\"") && bad.body.contains("id=\"kommentar-fel\""), "{}", bad.body);
    assert!(bad.body.contains("Skriv en kommentar: uppföljningen saknas för"), "{}", bad.body);
    // Another session's token, or no nonce: 403.
    let forged = b.post(&url, &[("_csrf", "x"), ("_once", &once), ("kommentar", "Ändå")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(b.post(&url, &[("_csrf", &csrf), ("kommentar", "Ändå")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(log(&s).await.len(), before, "nothing recorded on an error");

    // With a comment, sent twice (a double click): approved once, with the note.
    let note = "Vätterhem rapporterar muntligt <b>i juni</b>";
    let form = [("_csrf", csrf.as_str()), ("_once", once.as_str()), ("kommentar", note)];
    let first = b.post(&url, &form).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = b.post(&url, &form).await;
    assert!(second.headers["location"].to_str().unwrap().ends_with("?godkand=2022-T1&igen=1"));
    let events = log(&s).await;
    assert_eq!(events.len(), before + 1, "approved once");
    let e = events.last().unwrap();
    assert_eq!((e["kind"].as_str(), e["actor"].as_str()), (Some("follow_up_approved"), Some("kommunen")));
    assert_eq!(e["data"]["note"], note);
    let said = b.get(&format!("{}{}", s.web, first.headers["location"].to_str().unwrap())).await;
    assert!(said.body.contains("Tertial 1 2022 är godkänd."), "{}", said.body);
    let o = overview_until(&s, &b, "godkänd", |p| states(p, TRAFFIC)[0] == "godkänd").await;
    assert!(o.body.contains("Godkänn tertial 1 2022 igen"));

    // Approved again (to take in late amendments): said so, recorded.
    let again = b.get(&url).await;
    assert_eq!(again.title(), "Godkänn tertial 1 2022 igen – Lofte");
    assert!(again.body.contains("Tertial 1 2022 godkändes "), "{}", again.body);
    let (sent, _) = send(&mut b, &url, &[("kommentar", "Med sena tillägg")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let approvals = log(&s).await.iter().filter(|e| e["kind"] == "follow_up_approved").count();
    assert_eq!(approvals, 2);
    // A tertial that is not the plan's, a plan that is not there: not found.
    assert_eq!(b.get(&url.replace("2022-T1", "2031-T1")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get(&format!("{}/samordna/ingen-plan", s.web)).await.status, StatusCode::NOT_FOUND);
    // The deadline form refuses a forged token too.
    let d = format!("{}/samordna/jonkoping-2022/sista-dag/2022-T2", s.web);
    let forged = b.post(&d, &[("_csrf", "x"), ("_once", &"a".repeat(64)), ("datum", "2022-09-20")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(log(&s).await.len(), before + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_who_is_not_a_coordinator_gets_403_everywhere() {
    let s = stack().await;
    let pages = [
        "/samordna",
        "/samordna/jonkoping-2022",
        "/samordna/jonkoping-2022/godkann/2022-T1",
        "/samordna/jonkoping-2022/sista-dag/2022-T1",
    ];
    let mut anonymous = Browser::new();
    for p in pages {
        let r = anonymous.get(&format!("{}{p}", s.web)).await;
        assert_eq!((r.status, r.headers["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/logga-in"), "{p}");
    }
    let mut b = signed_in(&s, REPORTER_ONLY).await;
    let csrf = b.get(&format!("{}/att-gora", s.web)).await.csrf();
    let before = log(&s).await.len();
    for p in pages {
        let r = b.get(&format!("{}{p}", s.web)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{p}");
        assert!(r.body.contains("Den här sidan är för samordnare"), "{p}");
    }
    let once = "b".repeat(64);
    for (p, field) in [(pages[2], ("kommentar", "Godkänt")), (pages[3], ("datum", "2022-05-20"))] {
        let r = b.post(&format!("{}{p}", s.web), &[("_csrf", &csrf), ("_once", &once), field]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{p}");
    }
    assert_eq!(log(&s).await.len(), before, "nothing recorded");
}
