//! Correcting and retracting one's own entry, with a reason: listed on the activity page with
//! "Rätta" and "Ta bort", the form filled with what it holds, a missing reason said at its field
//! and nothing written, then recorded by the ledger as a correction and a retraction of it; an
//! entry of another organisation cannot be touched.

use std::time::Duration;

use lofte_test_support::poll_until;
use reqwest::StatusCode;

use super::stack::{log, signed_in, stack, Browser, Page};

async fn page_until(b: &Browser, url: &str, what: &str) -> Page {
    poll_until(what, Duration::from_secs(20), || async {
        let p = b.twin().get(url).await;
        Ok::<_, String>(p.body.contains(what).then_some(p))
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_corrects_and_retracts_their_own_entry_with_a_reason() {
    let s = stack().await;
    let mut b = signed_in(&s, "kommunpolis.jonkoping@polisen.example").await;
    let base = format!("{}/plan/jonkoping-2022/aktivitet/samverkansmoten", s.web);
    let form = b.get(&format!("{base}/logga/dialog")).await;
    let sent = [
        ("_csrf", form.csrf()),
        ("_once", form.hidden("_once")),
        ("datum", "13/1".into()),
        ("amne", "Gängsnacket".into()),
        ("deltagare", "ca 35".into()),
    ];
    let sent: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = b.post(&format!("{base}/logga/dialog"), &sent).await;
    let id = done.headers["location"].to_str().unwrap().rsplit('/').next().unwrap().to_owned();

    let activity = page_until(&b, &base, "Gängsnacket").await;
    assert!(
        activity.body.contains(&format!("/andra/{id}")) && activity.body.contains(&format!("/ta-bort/{id}")),
        "{}",
        activity.body
    );

    // The correction form holds what the entry holds; without a reason nothing is written.
    let fix = b.get(&format!("{base}/andra/{id}")).await;
    assert_eq!((fix.status, fix.title()), (StatusCode::OK, "Rätta uppgiften – Lofte".to_owned()));
    assert!(fix.body.contains("value=\"Gängsnacket\"") && fix.body.contains("value=\"ca 35\""), "{}", fix.body);
    let before = log(&s).await.len();
    let mut corrected = vec![
        ("_csrf", fix.csrf()),
        ("_once", fix.hidden("_once")),
        ("datum", "13/1".into()),
        ("amne", "Gängsnacket".into()),
        ("deltagare", "ca 40".into()),
    ];
    let as_refs = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let no_reason = as_refs(&corrected);
    let no_reason: Vec<(&str, &str)> = no_reason.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = b.post(&format!("{base}/andra/{id}"), &no_reason).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#anledning\""), "{}", refused.body);
    assert_eq!(log(&s).await.len(), before);
    corrected.push(("anledning", "Fel antal".into()));
    let with_reason: Vec<(&str, &str)> = corrected.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ok = b.post(&format!("{base}/andra/{id}"), &with_reason).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let events = log(&s).await;
    let c = events.last().unwrap();
    assert_eq!((c["kind"].as_str(), c["data"]["event"].as_str()), (Some("event_corrected"), Some(id.as_str())));
    assert_eq!(c["data"]["replacement"]["data"]["participants"], "ca 40");
    let shown = page_until(&b, &base, "ca 40").await;
    assert!(shown.body.contains("(rättad)"), "{}", shown.body);

    // Another organisation cannot touch it, not even by hand.
    let mut other = signed_in(&s, "trygghet@jonkoping.example").await;
    assert_eq!(other.get(&format!("{base}/andra/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&format!("{base}/ta-bort/{id}")).await.status, StatusCode::NOT_FOUND);

    // Retracted, with a reason.
    let gone = b.get(&format!("{base}/ta-bort/{id}")).await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    let empty = [("_csrf", gone.csrf()), ("_once", gone.hidden("_once")), ("anledning", String::new())];
    let empty: Vec<(&str, &str)> = empty.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(b.post(&format!("{base}/ta-bort/{id}"), &empty).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reasoned =
        [("_csrf", gone.csrf()), ("_once", gone.hidden("_once")), ("anledning", "Dubbelregistrerat".to_owned())];
    let reasoned: Vec<(&str, &str)> = reasoned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(b.post(&format!("{base}/ta-bort/{id}"), &reasoned).await.status, StatusCode::SEE_OTHER);
    let r = log(&s).await.last().cloned().unwrap();
    assert_eq!(
        (r["kind"].as_str(), r["data"]["reason"].as_str()),
        (Some("event_retracted"), Some("Dubbelregistrerat"))
    );
    // The activity page shows it as removed, with the reason.
    let shown = page_until(&b, &base, "borttagen: Dubbelregistrerat").await;
    assert!(shown.body.contains("13/1, Gängsnacket — borttagen: Dubbelregistrerat"), "{}", shown.body);

    // A count (a sum in the summary, not an entry there) is corrected from its own page too.
    let patrols = format!("{}/plan/jonkoping-2022/aktivitet/fotpatrullering", s.web);
    let form = b.get(&format!("{patrols}/logga/antal")).await;
    let sent = [
        ("_csrf", form.csrf()),
        ("_once", form.hidden("_once")),
        ("datum", "2/2".into()),
        ("antal", "ca 12".into()),
        ("omrade", "raslatt".into()),
    ];
    let sent: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = b.post(&format!("{patrols}/logga/antal"), &sent).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let count = done.headers["location"].to_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let fix = poll_until("the count in the projector", Duration::from_secs(20), || async {
        let p = b.twin().get(&format!("{patrols}/andra/{count}")).await;
        Ok::<_, String>((p.status == StatusCode::OK).then_some(p))
    })
    .await
    .unwrap();
    assert!(fix.body.contains("value=\"ca 12\"") && fix.body.contains("value=\"2/2\""), "{}", fix.body);
}
