//! "Lämna uppföljningen": what is submitted is shown first; submitting records
//! `follow_up_submitted` for the person's organisation once, however often it is sent; "Att
//! göra" then says it is submitted.

use std::time::Duration;

use lofte_test_support::poll_until;
use reqwest::StatusCode;

use super::stack::{log, signed_in, stack};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_submits_the_follow_up_once() {
    let s = stack().await;
    let mut b = signed_in(&s, "kommunpolis.jonkoping@polisen.example").await;
    let url = format!("{}/plan/jonkoping-2022/aktivitet/fotpatrullering/lamna/2022-T1", s.web);
    let page = b.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.title(), "Lämna uppföljningen för tertial 1 2022 – Lofte");
    let form = [("_csrf", page.csrf()), ("_once", page.hidden("_once"))];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let before = log(&s).await.len();
    for _ in 0..2 {
        let sent = b.post(&url, &form).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        assert!(sent.headers["location"].to_str().unwrap().ends_with("/fotpatrullering?lamnad=2022-T1"));
    }
    let events = log(&s).await;
    assert_eq!(events.len(), before + 1, "submitted once");
    let e = events.last().unwrap();
    assert_eq!((e["kind"].as_str(), e["actor"].as_str()), (Some("follow_up_submitted"), Some("polisen")));
    // A tertial that is not the plan's: not found.
    let other = b.get(&url.replace("2022-T1", "2031-T1")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    poll_until("Att göra to say it is submitted", Duration::from_secs(20), || async {
        let home = b.twin().get(&format!("{}/", s.web)).await;
        Ok::<_, String>(home.body.contains("Uppföljningen är lämnad").then_some(()))
    })
    .await
    .unwrap();
}
