//! The coordinators' and the auditor's pages in a real browser against the whole stack of
//! `lofte up` (its tokens, the web's delegate token, mail written as files): a reporter corrects
//! a dialogue; a coordinator approves tertial 2 2022 (told first that a comment is needed) and
//! sends Påminn nu with a double click — one mail per reporter; the coordinator of every plan
//! imports a plan with an error, then the fixed one; the auditor finds the corrected dialogue by
//! filter and opens its chain.

use std::{collections::BTreeMap, path::Path, time::Duration};

use lofte_test_support::{poll_until, Browser, Key};
use serde_json::{json, Value};

use super::{
    up::{stop, until_ready, up, ONE_AT_A_TIME},
    web::{press, titled, type_into, WAIT},
};

const PLAN: &str = "jonkoping-2022";

/// Waits for the page's main content to say `what`.
async fn says(b: &Browser, what: &str) -> String {
    poll_until(&format!("the page to say {what:?}"), WAIT, || async {
        let main = b.find("main").await.map_err(|e| e.to_string())?;
        let text = b.text(&main).await.map_err(|e| e.to_string())?;
        Ok::<_, String>(text.contains(what).then_some(text))
    })
    .await
    .unwrap()
}

/// The mail files of the data directory: (file name, text).
fn mails(data: &Path) -> Vec<(String, String)> {
    std::fs::read_dir(data.join("mail"))
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?.replace("=\r\n", "").replace("=\n", "");
            Some((e.file_name().to_string_lossy().into_owned(), text))
        })
        .collect()
}

fn recipient(mail: &str) -> Option<String> {
    mail.lines().find_map(|l| l.strip_prefix("To: ")).map(|t| t.trim().to_owned())
}

/// Signs in as `email` with the link mailed to it (signing out whoever was signed in).
async fn sign_in(b: &Browser, data: &Path, web: &str, email: &str) {
    let before: Vec<String> = mails(data).into_iter().map(|(name, _)| name).collect();
    b.goto(&format!("{web}/logga-in")).await.unwrap();
    titled(b, "Logga in").await;
    if b.find_all("header .who button").await.unwrap().len() == 1 {
        press(b, "header .who button").await;
        titled(b, "Logga in").await;
    }
    type_into(b, "#epost", email).await;
    b.press(&[Key::Enter]).await.unwrap();
    titled(b, "Kolla din e-post").await;
    let link = poll_until(&format!("the sign-in mail to {email}"), WAIT, || async {
        let found = mails(data).into_iter().find_map(|(name, text)| {
            if before.contains(&name) || recipient(&text).as_deref() != Some(email) {
                return None;
            }
            let at = text.find(&format!("{web}/logga-in/"))?;
            Some(text[at..].split_whitespace().next()?.to_owned())
        });
        Ok::<_, String>(found)
    })
    .await
    .unwrap();
    b.goto(&link).await.unwrap();
    titled(b, "Bekräfta inloggning").await;
    press(b, "main button").await;
    poll_until("signed in", WAIT, || async {
        let t = b.title().await.map_err(|e| e.to_string())?;
        Ok::<_, String>((!t.starts_with("Bekräfta")).then_some(()))
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinators_and_an_auditor_do_their_work_in_a_browser_against_lofte_up() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().unwrap();
    let (mut child, rx) = up(data.path(), &[]);
    let lines = until_ready(&rx);
    let web = lines.iter().find_map(|l| l.strip_prefix("Web: ")).and_then(|l| l.split_whitespace().next()).unwrap();
    let projector =
        lines.iter().find(|l| l.starts_with("projector")).and_then(|l| l.split_whitespace().nth(1)).unwrap().to_owned();
    let b = Browser::start(1280, 900).await.unwrap_or_else(|e| panic!("{e}"));

    // A reporter logs a dialogue and corrects it.
    sign_in(&b, data.path(), web, "kommunpolis.jonkoping@polisen.example").await;
    titled(&b, "Att göra").await;
    let activity = format!("{web}/plan/{PLAN}/aktivitet/samverkansmoten");
    b.goto(&format!("{activity}/logga/dialog")).await.unwrap();
    type_into(&b, "#datum", "5/9").await;
    type_into(&b, "#amne", "Räknat fel").await;
    type_into(&b, "#deltagare", "12").await;
    b.press(&[Key::Enter]).await.unwrap();
    titled(&b, "Registrerat").await;
    b.goto(&activity).await.unwrap();
    let correct = b
        .eval(
            "return [...document.querySelectorAll('a[href*=\"/andra/\"]')].find(a => a.textContent.includes('Räknat fel')).href;",
            json!([]),
        )
        .await
        .unwrap();
    b.goto(correct.as_str().unwrap()).await.unwrap();
    titled(&b, "Rätta uppgiften").await;
    type_into(&b, "#deltagare", "14").await;
    type_into(&b, "#anledning", "Två deltagare kom sent").await;
    b.press(&[Key::Enter]).await.unwrap();
    says(&b, "Rättelsen är sparad").await;

    // The same address is a coordinator of the plan: approving tertial 2 with follow-ups missing
    // needs a comment.
    b.goto(&format!("{web}/samordna/{PLAN}/godkann/2022-T2")).await.unwrap();
    titled(&b, "Godkänn").await;
    press(&b, "main form button[type=submit]").await;
    titled(&b, "Fel: Godkänn").await;
    type_into(&b, "#kommentar", "Godkänd av säkerhetsgruppen trots att två uppföljningar saknas").await;
    b.press(&[Key::Enter]).await.unwrap();
    says(&b, "Tertial 2 2022 är godkänd").await;
    let http = reqwest::Client::new();
    let tokens = std::fs::read_to_string(data.path().join("demo-tokens.toml")).unwrap();
    let coordinator = tokens.lines().find_map(|l| l.strip_prefix("coordinator = \"")).unwrap().trim_end_matches('"');
    let summary: Value = http
        .get(format!("{projector}/v1/plans/{PLAN}/summary"))
        .bearer_auth(coordinator)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(summary["approved"].get("2022-T2").is_some(), "{}", summary["approved"]);

    // Påminn nu, clicked twice: one mail per reporter.
    b.goto(&format!("{web}/samordna/{PLAN}/paminn")).await.unwrap();
    titled(&b, "Påminn nu").await;
    b.eval("const s = document.querySelector('#skicka'); s.click(); s.click(); return null;", json!([])).await.unwrap();
    says(&b, "skickad").await;
    let manual = || {
        let mut per: BTreeMap<String, usize> = BTreeMap::new();
        for (name, text) in mails(data.path()) {
            if name.starts_with("manual.") || name.starts_with("<manual.") {
                *per.entry(recipient(&text).unwrap_or_default()).or_default() += 1;
            }
        }
        per
    };
    let per = poll_until("the reminders' mail files", WAIT, || async {
        let per = manual();
        Ok::<_, String>((!per.is_empty()).then_some(per))
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(manual(), per, "nothing more arrives");
    assert!(per.values().all(|n| *n == 1), "one mail per reporter: {per:?}");

    // The coordinator of every plan imports a plan: an unknown organisation first, then right.
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string("../../deploy/plans/jonkoping-2022.toml")
        .unwrap()
        .replace("id = \"jonkoping-2022\"", "id = \"jonkoping-2022-webb\"");
    let (bad, good) = (dir.path().join("fel.toml"), dir.path().join("ratt.toml"));
    std::fs::write(&bad, plan.replacen("lead = \"polisen\"", "lead = \"polis\"", 1)).unwrap();
    std::fs::write(&good, &plan).unwrap();
    sign_in(&b, data.path(), web, "samordnare@jonkoping.example").await;
    for (file, expect) in [(&bad, "okänd organisation \"polis\""), (&good, "Importera planen")] {
        b.goto(&format!("{web}/samordna/importera")).await.unwrap();
        titled(&b, "Importera").await;
        let input = b.find("#plan").await.unwrap();
        b.send_keys(&input, &file.display().to_string()).await.unwrap();
        press(&b, "main form button[type=submit]").await;
        says(&b, expect).await;
    }
    press(&b, "main form button[type=submit]").await;
    says(&b, "importerad").await;
    poll_until("the imported plan in the projector", WAIT, || async {
        let url = format!("{projector}/v1/plans/jonkoping-2022-webb/summary");
        let r = http.get(url).bearer_auth(coordinator).send().await.unwrap();
        Ok::<_, String>(r.status().is_success().then_some(()))
    })
    .await
    .unwrap();

    // The auditor finds the corrected dialogue by its kind and words, and opens its chain.
    sign_in(&b, data.path(), web, "granskare@jonkoping.example").await;
    titled(&b, "Händelsehistorik").await;
    b.eval("document.querySelector('#typ').value = 'event_corrected'; return null;", json!([])).await.unwrap();
    type_into(&b, "#fritext", "Räknat fel").await;
    b.press(&[Key::Enter]).await.unwrap();
    says(&b, "1 händelse matchar").await;
    let event = b
        .eval("return document.querySelector('main table a[href*=\"/granska/handelse/\"]').href;", json!([]))
        .await
        .unwrap();
    b.goto(event.as_str().unwrap()).await.unwrap();
    let text = says(&b, "Två deltagare kom sent").await;
    assert!(text.contains("Räknat fel"), "{text}");
    b.close().await.unwrap();
    stop(&mut child);
}
