//! The web application in a real browser against the whole stack of `lofte up` — its tokens, the
//! web's delegate token, sign-in mail written as files: a demo reporter signs in with the link
//! from the mail file, logs a dialogue with "ca 35" deltagare, sees the error for an impossible
//! date with the other inputs kept, puts it right, submits the follow-up, and the projector's
//! report shows the dialogue and the submission.

use std::time::Duration;

use lofte_test_support::{poll_until, Browser, Key};
use serde_json::{json, Value};

use super::up::{stop, until_ready, up, ONE_AT_A_TIME};

pub(super) const WAIT: Duration = Duration::from_secs(30);

pub(super) async fn titled(b: &Browser, prefix: &str) -> String {
    poll_until(&format!("a page titled {prefix}…"), WAIT, || async {
        let t = b.title().await.map_err(|e| e.to_string())?;
        Ok::<_, String>(t.starts_with(prefix).then_some(t))
    })
    .await
    .unwrap()
}

/// Focuses the element `css` and types `text` over what it holds.
pub(super) async fn type_into(b: &Browser, css: &str, text: &str) {
    b.eval("document.querySelector(arguments[0]).focus(); return null;", json!([css])).await.unwrap();
    b.chord(Key::Control, 'a').await.unwrap();
    b.type_text(text).await.unwrap();
}

pub(super) async fn press(b: &Browser, css: &str) {
    b.eval("document.querySelector(arguments[0]).focus(); return null;", json!([css])).await.unwrap();
    b.press(&[Key::Enter]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_reporter_logs_and_submits_in_a_browser_against_lofte_up() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().unwrap();
    let (mut child, rx) = up(data.path(), &[]);
    let lines = until_ready(&rx);
    let web = lines.iter().find_map(|l| l.strip_prefix("Web: ")).and_then(|l| l.split_whitespace().next()).unwrap();
    let projector =
        lines.iter().find(|l| l.starts_with("projector")).and_then(|l| l.split_whitespace().nth(1)).unwrap();
    let b = Browser::start(1280, 900).await.unwrap_or_else(|e| panic!("{e}"));

    b.goto(&format!("{web}/logga-in")).await.unwrap();
    type_into(&b, "#epost", "kommunpolis.jonkoping@polisen.example").await;
    b.press(&[Key::Enter]).await.unwrap();
    titled(&b, "Kolla din e-post").await;
    let link = poll_until("the sign-in mail file", WAIT, || async {
        let found = std::fs::read_dir(data.path().join("mail")).unwrap().filter_map(Result::ok).find_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?.replace("=\r\n", "").replace("=\n", "");
            let at = text.find(&format!("{web}/logga-in/"))?;
            Some(text[at..].split_whitespace().next()?.to_owned())
        });
        Ok::<_, String>(found)
    })
    .await
    .unwrap();
    b.goto(&link).await.unwrap();
    titled(&b, "Bekräfta inloggning").await;
    press(&b, "main button").await;
    titled(&b, "Att göra").await;

    let form = format!("{web}/plan/jonkoping-2022/aktivitet/samverkansmoten/logga/dialog");
    b.goto(&form).await.unwrap();
    titled(&b, "Logga en dialog").await;
    type_into(&b, "#datum", "31/2").await;
    type_into(&b, "#amne", "Webbläsardialog").await;
    type_into(&b, "#deltagare", "ca 35").await;
    b.press(&[Key::Enter]).await.unwrap();
    titled(&b, "Fel: Logga en dialog").await;
    let kept = b
        .eval("return ['datum', 'amne', 'deltagare'].map(id => document.getElementById(id).value);", json!([]))
        .await
        .unwrap();
    assert_eq!(kept, json!(["31/2", "Webbläsardialog", "ca 35"]), "what was typed is kept");
    type_into(&b, "#datum", "5/5").await;
    b.press(&[Key::Enter]).await.unwrap();
    titled(&b, "Registrerat").await;

    b.goto(&format!("{web}/plan/jonkoping-2022/aktivitet/samverkansmoten/lamna/2022-T2")).await.unwrap();
    titled(&b, "Lämna uppföljningen").await;
    press(&b, "main button[type=submit]").await;
    poll_until("the notice that it is submitted", WAIT, || async {
        let main = b.find("main").await.map_err(|e| e.to_string())?;
        Ok::<_, String>(b.text(&main).await.map_err(|e| e.to_string())?.contains("är lämnad").then_some(()))
    })
    .await
    .unwrap();

    // In the projector, read with the demo coordinator's token.
    let tokens = std::fs::read_to_string(data.path().join("demo-tokens.toml")).unwrap();
    let coordinator = tokens.lines().find_map(|l| l.strip_prefix("coordinator = \"")).unwrap().trim_end_matches('"');
    let http = reqwest::Client::new();
    poll_until("the dialogue and the submission in the projector", WAIT, || async {
        let get = |path: String| http.get(format!("{projector}{path}")).bearer_auth(coordinator).send();
        let report = get("/v1/plans/jonkoping-2022/report?tertial=2022-T2".into()).await.unwrap().text().await.unwrap();
        let summary: Value =
            get("/v1/plans/jonkoping-2022/summary?tertial=2022-T2".into()).await.unwrap().json().await.unwrap();
        let submitted = summary["promises"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| p["activities"].as_array().into_iter().flatten())
            .any(|a| a["id"] == "samverkansmoten" && a["cells"]["2022-T2"]["submitted"].get("polisen").is_some());
        Ok::<_, String>((report.contains("Webbläsardialog") && submitted).then_some(()))
    })
    .await
    .unwrap();
    b.close().await.unwrap();
    stop(&mut child);
}
