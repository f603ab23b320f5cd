//! `lofte log`, `submit`, `approve`: what reporters and coordinators record. Values are checked
//! before anything is sent; the same command twice records once; refusals are one line.

use super::{
    live::{import_eksjo, measure},
    plan_import::{lofte, text, Ledger},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporters_log_and_submit_coordinators_approve() {
    let l = Ledger::start().await;
    import_eksjo(&l.url).await;
    let base = l.head().await;
    let measure = [
        "log",
        "measure",
        "--plan",
        "eksjo-2017",
        "--activity",
        "trafikkontroller",
        "--actor",
        "polisen",
        "--date",
        "2017-01-01..2017-04-30",
        "--metric",
        "trafikkontroller",
        "--count",
        "minst 8",
        "--area",
        "ostra-kommundelen",
        "--ledger",
        &l.url,
    ];
    let out = lofte(&measure).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("recorded measure_counted as seq "), "{}", text(&out.stdout));
    // The same command again records nothing new, and says so.
    let again = lofte(&measure).await;
    assert!(again.status.success());
    assert!(text(&again.stdout).starts_with("already recorded as seq "), "{}", text(&again.stdout));
    assert_eq!(l.head().await, base + 1);

    let dialogue = [
        "log",
        "dialogue",
        "--plan",
        "eksjo-2017",
        "--activity",
        "samverkansmoten",
        "--actor",
        "kommunen",
        "--date",
        "2017-01-13",
        "--place",
        "Österängen",
        "--topic",
        "Gängsnacket",
        "--participants",
        "ett 20-tal",
        "--ledger",
        &l.url,
        "--json",
    ];
    let out = lofte(&dialogue).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ev: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ev["data"]["participants"], "ett 20-tal");

    for args in [
        vec![
            "submit",
            "--plan",
            "eksjo-2017",
            "--activity",
            "trafikkontroller",
            "--actor",
            "polisen",
            "--tertial",
            "2017-T1",
        ],
        vec!["approve", "--plan", "eksjo-2017", "--tertial", "2017-T1", "--as", "kommunen"],
    ] {
        let mut a = args.clone();
        a.extend(["--ledger", &l.url]);
        let out = lofte(&a).await;
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    assert_eq!(l.head().await, base + 4);
    l.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_records_are_refused_in_one_line_and_write_nothing() {
    let l = Ledger::start().await;
    import_eksjo(&l.url).await;
    let before = l.head().await;
    let t = ["--plan", "eksjo-2017", "--activity", "trafikkontroller", "--actor", "polisen"];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["log", "measure", "--date", "2017-02-30", "--metric", "trafikkontroller", "--count", "3"], "--date"),
        (vec!["log", "measure", "--date", "2017-02-03", "--metric", "trafikkontroller", "--count", "många"], "--count"),
        (vec!["log", "measure", "--date", "2017-02-03", "--metric", "x", "--count", "3", "--sub", "first"], "--sub"),
        (vec!["log", "status", "--tertial", "2017-T4", "--status", "none"], "--tertial"),
        (vec!["log", "status", "--tertial", "2017-T1", "--status", "paused"], "--status"),
        (vec!["log", "status", "--tertial", "2017-T3", "--status", "postponed", "--until", "2018-13"], "YYYY-MM"),
        (vec!["log", "measure", "--date", "2017-02-03", "--metric", "x", "--count", "-5"], "cannot be negative"),
        (vec!["log", "measure", "--date", "2017-02-03,2017-02-03", "--metric", "x", "--count", "3"], "separate days"),
        (vec!["log", "measure", "--date", "2018-02-03", "--metric", "trafikkontroller", "--count", "3"], "refused"),
    ];
    for (args, expect) in cases {
        let mut a: Vec<&str> = args.clone();
        a.extend(t);
        a.extend(["--ledger", &l.url]);
        let out = lofte(&a).await;
        let err = text(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    // Another organisation cannot report for Polisen's activity.
    let out = lofte(&[
        "submit",
        "--plan",
        "eksjo-2017",
        "--activity",
        "trafikkontroller",
        "--actor",
        "kommunen",
        "--tertial",
        "2017-T1",
        "--ledger",
        &l.url,
    ])
    .await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("takes no part"), "{}", text(&out.stderr));
    assert_eq!(l.head().await, before);
    let out = lofte(&["pending", "--plan", "eksjo-2017", "--projector", "http://127.0.0.1:9"]).await;
    assert!(!out.status.success() && text(&out.stderr).contains("cannot reach the projector"));
    l.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_are_corrected_and_retracted_never_edited() {
    let l = Ledger::start().await;
    import_eksjo(&l.url).await;
    let out = lofte(&[measure(&l.url, "2017-03-01", "8"), vec!["--json"]].concat()).await;
    let id = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["id"].as_str().unwrap().to_owned();
    let before = l.head().await;

    let out =
        lofte(&["correct", &id, "--reason", "Fel antal", "--count", "minst 9", "--ledger", &l.url, "--json"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ev: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ev["kind"], "event_corrected");
    assert_eq!(ev["data"]["replacement"]["data"]["count"], "minst 9");
    assert_eq!(ev["data"]["replacement"]["data"]["area"], "ostra-kommundelen", "what was not given is kept");

    for (args, expect) in [
        (vec!["correct", &id, "--reason", "x"], "say what to correct"),
        (vec!["correct", &id, "--reason", "x", "--date", "2017-02-30"], "--date"),
        (vec!["correct", "nope", "--reason", "x", "--count", "1"], "not an event id"),
        (vec!["retract", "01a1fcd6-c888-739e-89d7-fd5062116ba8", "--reason", "x"], "no event"),
    ] {
        let mut a = args.clone();
        a.extend(["--ledger", &l.url]);
        let out = lofte(&a).await;
        assert!(!out.status.success(), "{args:?}");
        assert!(text(&out.stderr).contains(expect), "{args:?}: {}", text(&out.stderr));
    }
    let out = lofte(&["retract", &id, "--reason", "Dubbelregistrerad", "--ledger", &l.url]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = lofte(&["retract", &id, "--reason", "Igen", "--ledger", &l.url]).await;
    assert!(!out.status.success() && text(&out.stderr).contains("already retracted"), "{}", text(&out.stderr));
    assert_eq!(l.head().await, before + 2, "one correction, one retraction; the original is untouched");
    l.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_documents_say_is_recorded_as_said() {
    let l = Ledger::start().await;
    import_eksjo(&l.url).await;
    let t = ["--plan", "eksjo-2017", "--actor", "kommunen", "--ledger", &l.url, "--json"];
    let run = |args: Vec<&'static str>| {
        let mut a = args;
        a.extend(t);
        async move {
            let out = lofte(&a).await;
            assert!(out.status.success(), "{a:?}: {}", text(&out.stderr));
            serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
        }
    };
    // A dialogue without a place, and one entry on separate days.
    let ev = run(vec![
        "log",
        "dialogue",
        "--activity",
        "samverkansmoten",
        "--date",
        "2017-02-10",
        "--topic",
        "Dialog med trossamfunden",
    ])
    .await;
    assert!(ev["data"].get("place").is_none(), "{ev}");
    let ev = run(vec![
        "log",
        "dialogue",
        "--activity",
        "samverkansmoten",
        "--date",
        "2017-10-03,2017-10-17",
        "--place",
        "Hagaskolan",
        "--topic",
        "Föräldramöte",
    ])
    .await;
    assert_eq!(ev["data"]["date"], "2017-10-03,2017-10-17");
    // Postponed to a month, said in Swedish: kept as the month.
    let ev = run(vec![
        "log",
        "status",
        "--activity",
        "trygghetsvandringar",
        "--tertial",
        "2017-T3",
        "--status",
        "postponed",
        "--until",
        "januari 2018",
    ])
    .await;
    assert_eq!(ev["data"]["until"], "2018-01");
    l.stop().await;
}

/// `lofte` with `token` as LOFTE_TOKEN, and nothing else from the environment.
async fn lofte_as(token: &str, args: &[&str]) -> std::process::Output {
    let (token, args): (String, Vec<String>) = (token.to_owned(), args.iter().map(|s| s.to_string()).collect());
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_lofte"))
            .args(&args)
            .env("LOFTE_TOKEN", token)
            .env_remove("LOFTE_LEDGER_URL")
            .env_remove("LOFTE_PROFILE")
            .env_remove("LOFTE_CONFIG")
            .env("XDG_CONFIG_HOME", "/nonexistent/lofte-tests")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_reports_for_the_organisation_of_its_token_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens.toml");
    let file = tokens.to_str().unwrap();
    let create = |role: &'static str, org: Option<&'static str>| async move {
        let mut a = vec!["token", "create", "--role", role, "--tokens-file", file, "--json"];
        a.extend(org.map(|o| ["--org", o]).into_iter().flatten());
        let out = lofte(&a).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["token"].as_str().unwrap().to_owned()
    };
    let (coordinator, reporter) = (create("coordinator", None).await, create("reporter", Some("polisen")).await);
    let auditor = create("auditor", None).await;
    let head = |url: String| {
        let auditor = auditor.clone();
        async move {
            let r = reqwest::Client::new().get(format!("{url}/v1/verify")).bearer_auth(auditor).send().await.unwrap();
            r.json::<serde_json::Value>().await.unwrap()["head_seq"].as_u64().unwrap()
        }
    };
    let l = Ledger::start_with_tokens(Some(&tokens)).await;
    let eksjo = super::plan_import::plans().join("eksjo-2017.toml");
    let out = lofte_as(&coordinator, &["plan", "import", eksjo.to_str().unwrap(), "--ledger", &l.url]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let measure = [
        "log",
        "measure",
        "--plan",
        "eksjo-2017",
        "--activity",
        "trafikkontroller",
        "--date",
        "2017-03-01",
        "--metric",
        "trafikkontroller",
        "--count",
        "3",
        "--ledger",
        &l.url,
        "--json",
    ];
    // No --actor: the reporter's token reports for Polisen.
    let out = lofte_as(&reporter, &measure).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ev: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ev["actor"], "polisen");
    // A coordinator's token has no organisation: say which, in one line, nothing written.
    let before = head(l.url.clone()).await;
    let out = lofte_as(&coordinator, &measure).await;
    let err = text(&out.stderr);
    assert!(!out.status.success() && err.trim_end().lines().count() == 1 && err.contains("--actor"), "{err}");
    // --actor still counts, and a mismatch is the same refusal as before.
    let mut other = measure.to_vec();
    other.extend(["--actor", "kommunen"]);
    let out = lofte_as(&reporter, &other).await;
    assert!(!out.status.success() && text(&out.stderr).contains("refused"), "{}", text(&out.stderr));
    assert_eq!(head(l.url.clone()).await, before);
    l.stop().await;
}
