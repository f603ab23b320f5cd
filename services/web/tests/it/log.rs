//! Logging what happened, through the browser-less client: a dialogue with "ca 35" participants
//! on separate days, an impossible date said at its field with every other input kept, a double
//! submit recorded once, markup and bidirectional overrides rendered inert, and another
//! organisation's activity refused even when the POST is crafted by hand — nothing written.

use reqwest::StatusCode;

use super::stack::{log, signed_in, stack};

const POLIS: &str = "kommunpolis.jonkoping@polisen.example";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_logs_a_dialogue_once_with_errors_said_at_their_fields() {
    let s = stack().await;
    let mut b = signed_in(&s, POLIS).await;
    let base = format!("{}/plan/jonkoping-2022/aktivitet/samverkansmoten", s.web);
    let activity = b.get(&base).await;
    assert_eq!(activity.status, StatusCode::OK, "{}", activity.body);
    let form = b.get(&format!("{base}/logga/dialog")).await;
    assert_eq!((form.status, form.title()), (StatusCode::OK, "Logga en dialog – Lofte".to_owned()));
    let (csrf, once) = (form.csrf(), form.hidden("_once"));
    let before = log(&s).await.len();

    // An impossible date: the error at the top and at the field; what was typed is kept.
    let topic = "Trygghet <script>alert(1)</script>";
    let sent = [
        ("_csrf", csrf.as_str()),
        ("_once", once.as_str()),
        ("datum", "31/2"),
        ("amne", topic),
        ("plats", "Österängen"),
        ("omrade", "osterangen"),
        ("deltagare", "ca 35"),
    ];
    let bad = b.post(&format!("{base}/logga/dialog"), &sent).await;
    assert_eq!(
        (bad.status, bad.title()),
        (StatusCode::UNPROCESSABLE_ENTITY, "Fel: Logga en dialog – Lofte".to_owned())
    );
    assert!(bad.body.contains("href=\"#datum\"") && bad.body.contains("id=\"datum-fel\""), "{}", bad.body);
    assert!(bad.body.contains("value=\"ca 35\"") && bad.body.contains("value=\"Österängen\""), "inputs kept");
    assert!(!bad.body.contains("<script>alert") && bad.body.contains("&lt;script&gt;"), "escaped");
    assert_eq!(log(&s).await.len(), before, "an error writes nothing");
    // A hidden right-to-left override is refused at its field, and shown back inert (escaped).
    let mut bidi = sent;
    bidi[3] = ("amne", "Trygghet \u{202e}kcip");
    let refused = b.post(&format!("{base}/logga/dialog"), &bidi).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#amne\"") && refused.body.contains("styrtecken"), "{}", refused.body);

    // Put right: recorded once, even sent twice (a double click, or back and send again).
    let mut good = sent;
    good[2] = ("datum", "3/10 och 17/10");
    let first = b.post(&format!("{base}/logga/dialog"), &good).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = b.post(&format!("{base}/logga/dialog"), &good).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    let location = |p: &super::stack::Page| p.headers["location"].to_str().unwrap().to_owned();
    assert!(location(&second).ends_with("?igen=1") && location(&second).starts_with(&location(&first)));
    let events = log(&s).await;
    assert_eq!(events.len(), before + 1, "recorded once");
    let e = events.last().unwrap();
    assert_eq!((e["kind"].as_str(), e["actor"].as_str()), (Some("dialogue_held"), Some("polisen")));
    assert_eq!(
        (e["data"]["participants"].as_str(), e["data"]["date"].as_str()),
        (Some("ca 35"), Some("2022-10-03,2022-10-17"))
    );
    assert!(e["author"].as_str().unwrap().starts_with("person:"), "{}", e["author"]);
    let shown = b.get(&format!("{}{}", s.web, location(&first))).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains("ca 35") && shown.body.contains("Österängen") && shown.body.contains("Registrerat"));
    assert!(shown.body.contains("&lt;script&gt;") && !shown.body.contains("<script>alert"), "escaped after recording");
    let again = b.get(&format!("{}{}", s.web, location(&second))).await;
    assert!(again.body.contains("Redan registrerat"), "{}", again.body);

    // Another organisation's activity: Vätterhem's reporter posting by hand to Polisen's foot
    // patrols is "not found", and nothing is written.
    let mut vatterhem = signed_in(&s, "sakerhet@vatterhem.example").await;
    let theirs = vatterhem.get(&format!("{}/", s.web)).await;
    let forged =
        [("_csrf", theirs.csrf()), ("_once", "ab".repeat(32)), ("datum", "3/10".to_owned()), ("amne", "x".to_owned())];
    let forged: Vec<(&str, &str)> = forged.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let url = format!("{}/plan/jonkoping-2022/aktivitet/fotpatrullering/logga/dialog", s.web);
    assert_eq!(vatterhem.post(&url, &forged).await.status, StatusCode::NOT_FOUND);
    // Without the session's token: refused.
    let mut no_token = good;
    no_token[0] = ("_csrf", "fel");
    assert_eq!(b.post(&format!("{base}/logga/dialog"), &no_token).await.status, StatusCode::FORBIDDEN);
    assert_eq!(log(&s).await.len(), before + 1, "nothing more written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_into_an_approved_tertial_warns_first_that_it_is_a_late_amendment() {
    let s = stack().await;
    let approve = serde_json::json!({"plan": "jonkoping-2022", "actor": "kommunen", "kind": "follow_up_approved",
        "data": {"tertial": "2022-T1"}});
    let r = reqwest::Client::new().post(format!("{}/v1/events", s.ledger)).json(&approve).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let mut b = signed_in(&s, POLIS).await;
    let url = format!("{}/plan/jonkoping-2022/aktivitet/samverkansmoten/logga/dialog", s.web);
    // Once the projector has the approval, Att göra no longer lists T1.
    for _ in 0..200 {
        if !b.get(&format!("{}/", s.web)).await.body.contains("Tertial 1 2022") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let form = b.get(&url).await;
    let sent =
        [("_csrf", form.csrf()), ("_once", form.hidden("_once")), ("datum", "13/1".into()), ("amne", "Sent".into())];
    let sent: Vec<(String, String)> = sent.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let before = log(&s).await.len();
    let refs: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let page = b.post(&url, &refs).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("redan godkänd") && page.body.contains("name=\"_sent\" value=\"ja\""), "{}", page.body);
    assert_eq!(log(&s).await.len(), before, "warned first: nothing written");
    let after_warning = before;
    // Confirmed: recorded, once.
    let mut confirmed: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    confirmed.push(("_sent", "ja"));
    assert_eq!(b.post(&url, &confirmed).await.status, StatusCode::SEE_OTHER);
    assert_eq!(log(&s).await.len(), after_warning + 1);
}
