//! `lofte up`: the whole stack from the repository root — nats-server, ledger, projector,
//! notifier — with the sample plans; SIGINT stops everything; a second run resumes the same data.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::mpsc,
    time::Duration,
};

/// `lofte up` prefers the services' usual ports: tests that run it take turns.
pub static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Starts `lofte up` on `data` (with `extra` arguments) from the repository root.
pub fn up(data: &std::path::Path, extra: &[&str]) -> (Up, mpsc::Receiver<String>) {
    up_with_env(data, extra, &[])
}

/// [`up`] with `env` set for `lofte up` and so for the services it starts.
pub fn up_with_env(data: &std::path::Path, extra: &[&str], env: &[(&str, &str)]) -> (Up, mpsc::Receiver<String>) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_lofte"))
        .args(["up", "--data-dir", data.to_str().unwrap()])
        .args(extra)
        .envs(env.iter().copied())
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (Up(child), rx)
}

/// A running `lofte up`; a test that fails before [`stop`] still stops it (SIGINT, then SIGKILL),
/// so that no stack outlives its test holding the usual ports.
#[derive(Debug)]
pub struct Up(pub std::process::Child);

impl Drop for Up {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = Command::new("kill").args(["-INT", &self.0.id().to_string()]).status();
            for _ in 0..100 {
                if !matches!(self.0.try_wait(), Ok(None)) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Lines up to "Ctrl-C stops.".
pub fn until_ready(rx: &mpsc::Receiver<String>) -> Vec<String> {
    let mut lines = vec![];
    loop {
        let l = rx.recv_timeout(Duration::from_secs(90)).expect("lofte up prints its URLs");
        let done = l.starts_with("Ctrl-C stops");
        lines.push(l);
        if done {
            return lines;
        }
    }
}

/// Stops `lofte up` with SIGINT; it must end cleanly.
pub fn stop(up: &mut Up) {
    let child = &mut up.0;
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    for _ in 0..300 {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "lofte up ended with {status}");
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("lofte up did not stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_stack_comes_up_stops_and_resumes() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().unwrap();
    let (mut child, rx) = up(data.path(), &[]);
    let lines = until_ready(&rx);
    let text = lines.join("\n");
    assert!(text.contains("plan jonkoping-2022: 37 events") && text.contains("37 recorded now"), "{text}");
    let url = |name: &str| {
        lines.iter().find(|l| l.starts_with(name)).and_then(|l| l.split_whitespace().nth(1)).unwrap().to_owned()
    };
    let (ledger, projector, notifier) = (url("ledger"), url("projector"), url("notifier"));
    let ready: serde_json::Value = reqwest::get(format!("{ledger}/readyz")).await.unwrap().json().await.unwrap();
    // The sample plans (71 events) and the sample year of Jönköping 2022.
    assert!(text.contains("events deploy/events/jonkoping-2022.jsonl: 120 (120 recorded now"), "{text}");
    assert_eq!(ready["head_seq"], 71 + 120);
    // NATS wants the login made for this data directory; the ledger has it and publishes.
    let creds = data.path().join("nats/credentials");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&creds).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "the password is its owner's only");
    assert!(async_nats::connect(url("nats")).await.is_err(), "no password, no entry");
    lofte_test_support::poll_until("the ledger to publish", Duration::from_secs(30), || async {
        let r: serde_json::Value = reqwest::get(format!("{ledger}/readyz")).await.unwrap().json().await.unwrap();
        Ok::<_, String>((r["outbox"]["published_seq"] == 71 + 120).then_some(()))
    })
    .await
    .unwrap();
    assert!(reqwest::get(format!("{projector}/healthz")).await.unwrap().status().is_success());
    assert!(reqwest::get(format!("{notifier}/healthz")).await.unwrap().status().is_success());
    // The web application, whose URL comes first, says how to sign in; a demo reporter asking for
    // a link gets it as a mail file in the data directory (ADR 0019: through the web's own token).
    let web = lines
        .iter()
        .find_map(|l| l.strip_prefix("Web: "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    assert!(lines.iter().position(|l| l.starts_with("Web: ")) < lines.iter().position(|l| l.starts_with("ledger")));
    let form = reqwest::get(format!("{web}/logga-in")).await.unwrap();
    assert!(form.status().is_success());
    let pre = form.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = pre.split('=').nth(1).unwrap().to_owned();
    let r = reqwest::Client::new()
        .post(format!("{web}/logga-in"))
        .header("cookie", &pre)
        .form(&[("_csrf", csrf.as_str()), ("epost", "kommunpolis.jonkoping@polisen.example")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let link = lofte_test_support::poll_until("the sign-in mail file", Duration::from_secs(20), || async {
        let found = std::fs::read_dir(data.path().join("mail")).unwrap().filter_map(Result::ok).find_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            let text = text.replace("=\r\n", "").replace("=\n", "");
            let at = text.find(&format!("{web}/logga-in/"))?;
            Some(text[at..].split_whitespace().next()?.to_owned())
        });
        Ok::<_, String>(found)
    })
    .await
    .unwrap();
    // Signed in through the link, the demo reporter logs a dialogue in the web application; with
    // the stack's tokens it goes through the web's delegate token, on the person's behalf, and
    // shows in the projector's summary.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let hidden = |body: &str, name: &str| {
        let pat = format!("name=\"{name}\" value=\"");
        let at = body.find(&pat).unwrap() + pat.len();
        body[at..].split('"').next().unwrap().to_owned()
    };
    let confirm = http.get(&link).header("cookie", &pre).send().await.unwrap().text().await.unwrap();
    let signed =
        http.post(&link).header("cookie", &pre).form(&[("_csrf", hidden(&confirm, "_csrf"))]).send().await.unwrap();
    assert_eq!(signed.status(), reqwest::StatusCode::SEE_OTHER);
    let session = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("lofte_session="))
        .unwrap();
    let form_url = format!("{web}/plan/jonkoping-2022/aktivitet/samverkansmoten/logga/dialog");
    let form = http.get(&form_url).header("cookie", &session).send().await.unwrap().text().await.unwrap();
    let sent = [
        ("_csrf", hidden(&form, "_csrf")),
        ("_once", hidden(&form, "_once")),
        ("datum", "5/5".to_owned()),
        ("amne", "Webbdialog i Råslätt".to_owned()),
        ("deltagare", "ca 35".to_owned()),
    ];
    let r = http.post(&form_url).header("cookie", &session).form(&sent).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let coordinator = std::fs::read_to_string(data.path().join("demo-tokens.toml")).unwrap();
    let coordinator =
        coordinator.lines().find_map(|l| l.strip_prefix("coordinator = \"")).unwrap().trim_end_matches('"').to_owned();
    lofte_test_support::poll_until("the web's dialogue in the projector", Duration::from_secs(20), || async {
        let v = reqwest::Client::new()
            .get(format!("{projector}/v1/plans/jonkoping-2022/summary?tertial=2022-T2"))
            .bearer_auth(&coordinator)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        Ok::<_, String>(v.contains("Webbdialog i Råslätt").then_some(()))
    })
    .await
    .unwrap();
    // A coordinator imports a plan naming an organisation the sample plans do not: Brottsofferjouren.
    let eksjo = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/plans/eksjo-2017.toml"))
        .unwrap()
        .replace("id = \"eksjo-2017\"", "id = \"eksjo-2017-boj\"")
        .replacen(
            "[[coordinators]]",
            "[[actors]]\nid = \"brottsofferjouren\"\nname = \"Brottsofferjouren\"\n\n[[coordinators]]",
            1,
        );
    let plan = data.path().join("boj.toml");
    std::fs::write(&plan, eksjo).unwrap();
    let config = data.path().join("cli.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_lofte"))
        .args(["--config", config.to_str().unwrap(), "plan", "import", plan.to_str().unwrap()])
        .env_remove("LOFTE_PROFILE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    stop(&mut child);
    assert!(reqwest::get(format!("{ledger}/healthz")).await.is_err(), "the ledger stopped with it");

    // Again on the same data: the plans are recognised, nothing is recorded twice.
    let (mut child, rx) = up(data.path(), &[]);
    let text = until_ready(&rx).join("\n");
    assert!(text.contains("0 recorded now, 37 already there"), "{text}");
    assert!(text.contains("120 (0 recorded now, 120 already there)"), "{text}");
    // Its reporters get a demo token and profile too.
    assert!(text.contains("reporter tokens and profiles for brottsofferjouren"), "{text}");
    let profiles = std::fs::read_to_string(data.path().join("cli.toml")).unwrap();
    assert!(profiles.contains("[profiles.reporter-brottsofferjouren]"), "{profiles}");
    stop(&mut child);
}
