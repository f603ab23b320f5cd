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
    // The same command again records nothing new.
    assert!(lofte(&measure).await.status.success());
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
