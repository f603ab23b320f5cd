//! A year across real processes: `lofte up` runs nats-server, the ledger, the projector and the
//! notifier as child processes; every step is the `lofte` binary as a subprocess, finding the
//! services through the profile `lofte up` wrote. Reporters log Eksjö's 2017 through all three
//! tertials and submit; a coordinator approves T1; a later T1 record shows as a late amendment; an
//! auditor's replay as of the approval moment equals the report approved then, byte for byte.

use std::time::Duration;

use lofte_test_support::poll_until;
use serde_json::Value;

use super::{
    plan_import::{lofte, text},
    up::{stop, until_ready, up, ONE_AT_A_TIME},
};

/// Runs `lofte --config CONFIG args…` (as the coordinator, the file's default profile, unless
/// `args` name another); it must succeed. Returns stdout.
async fn ok(config: &str, args: &[&str]) -> String {
    let mut all = vec!["--config", config];
    all.extend_from_slice(args);
    let out = lofte(&all).await;
    assert!(out.status.success(), "lofte {}: {}", args.join(" "), text(&out.stderr));
    text(&out.stdout)
}

/// `log KIND --plan eksjo-2017 --activity A --actor ORG` and the rest.
fn log<'a>(kind: &'a str, activity: &'a str, actor: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let profile = if actor == "polisen" { "reporter-polisen" } else { "reporter-kommunen" };
    let mut v =
        vec!["--profile", profile, "log", kind, "--plan", "eksjo-2017", "--activity", activity, "--actor", actor];
    v.extend_from_slice(rest);
    v
}

/// `submit` by the organisation's reporter.
fn submit<'a>(activity: &'a str, actor: &'a str, t: &'a str) -> Vec<&'a str> {
    let profile = if actor == "polisen" { "reporter-polisen" } else { "reporter-kommunen" };
    vec![
        "--profile",
        profile,
        "submit",
        "--plan",
        "eksjo-2017",
        "--activity",
        activity,
        "--actor",
        actor,
        "--tertial",
        t,
    ]
}

/// What the reporters of both organisations log in one tertial, as the seed's follow-up tells it.
fn tertial<'a>(t: &'a str, first: &'a str, controls: &'a str, walks: &'a str) -> Vec<Vec<&'a str>> {
    vec![
        log(
            "measure",
            "trafikkontroller",
            "polisen",
            &["--date", first, "--metric", "trafikkontroller", "--count", controls, "--area", "ostra-kommundelen"],
        ),
        log(
            "measure",
            "trygghetsvandringar",
            "kommunen",
            &["--date", first, "--metric", "trygghetsvandringar", "--count", walks, "--area", "ostra-kommundelen"],
        ),
        log("meeting", "samverkansmoten", "polisen", &["--date", first, "--title", "Samverkansmöte"]),
        log("note", "polisiar-narvaro", "polisen", &["--tertial", t, "--text", "Ökad närvaro i östra kommundelen."]),
        log("status", "information-vald-i-nara-relation", "kommunen", &["--tertial", t, "--status", "none"]),
        submit("trafikkontroller", "polisen", t),
        submit("trygghetsvandringar", "kommunen", t),
    ]
}

async fn caught_up(ledger: &str, projector: &str, token: &str) {
    let head: Value = reqwest::get(format!("{ledger}/readyz")).await.unwrap().json().await.unwrap();
    let head = head["head_seq"].as_u64().unwrap();
    poll_until("the projector to catch up", Duration::from_secs(30), || async {
        let v: Value = reqwest::Client::new()
            .get(format!("{projector}/v1/plans/eksjo-2017/summary"))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((v["last_seq"].as_u64() >= Some(head)).then_some(()))
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_logged_approved_amended_and_replayed_across_real_processes() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (data, no_events) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut stack, rx) = up(data.path(), &["--events", no_events.path().to_str().unwrap()]);
    let lines = until_ready(&rx);
    let config = lines.iter().find_map(|l| l.trim().strip_prefix("export LOFTE_CONFIG=")).unwrap().to_owned();
    let shown: Value = serde_json::from_str(&ok(&config, &["profile", "show", "--json"]).await).unwrap();
    assert_eq!(shown["profile"], "coordinator");
    let (ledger, projector) = (shown["ledger"].as_str().unwrap(), shown["projector"].as_str().unwrap());
    let demo: Value = toml::from_str(&std::fs::read_to_string(data.path().join("demo-tokens.toml")).unwrap()).unwrap();
    let coordinator = demo["coordinator"].as_str().unwrap().to_owned();

    for step in tertial("2017-T1", "2017-02-01", "minst 8", "1") {
        ok(&config, &step).await;
    }
    let approval =
        ok(&config, &["approve", "--plan", "eksjo-2017", "--tertial", "2017-T1", "--as", "kommunen", "--json"]).await;
    let approved_at = serde_json::from_str::<Value>(&approval).unwrap()["recorded_at"].as_str().unwrap().to_owned();
    for step in tertial("2017-T2", "2017-06-01", "5", "1").into_iter().chain(tertial("2017-T3", "2017-10-02", "5", "0"))
    {
        ok(&config, &step).await;
    }
    caught_up(ledger, projector, &coordinator).await;
    let report = |t: &'static str, as_of: Option<String>| {
        let config = config.clone();
        async move {
            let mut args = vec!["report", "--plan", "eksjo-2017", "--tertial", t, "--format", "md"];
            if let Some(a) = &as_of {
                args.extend(["--as-of", a]);
            }
            ok(&config, &args).await
        }
    };
    let approved = report("2017-T1", Some(approved_at.clone())).await;
    assert!(approved.contains("godkänd") && approved.contains("minst 8"), "{approved}");
    let year = report("2017-T3", None).await;
    assert!(year.contains("minst 18"), "the year's traffic controls, 8 + 5 + 5: {year}");

    // Later, one more T1 traffic control: a late amendment to the approved tertial.
    ok(
        &config,
        &log(
            "measure",
            "trafikkontroller",
            "polisen",
            &["--date", "2017-04-20", "--metric", "trafikkontroller", "--count", "2", "--area", "ostra-kommundelen"],
        ),
    )
    .await;
    caught_up(ledger, projector, &coordinator).await;
    let now = report("2017-T1", None).await;
    assert!(now.contains("minst 10") && now.contains("Sent tillägg efter godkännandet: 1 händelse."), "{now}");

    // The public, without a token, reads the approved T1 report as approved, and nothing else.
    assert_eq!(
        ok(&config, &["--profile", "public", "report", "--plan", "eksjo-2017", "--tertial", "2017-T1"]).await,
        approved
    );
    for args in [
        vec!["--config", &config, "--profile", "public", "report", "--plan", "eksjo-2017", "--tertial", "2017-T2"],
        vec!["--config", &config, "--profile", "public", "report", "--plan", "no-such-plan", "--tertial", "2017-T1"],
        vec!["--config", &config, "--profile", "public", "pending", "--plan", "eksjo-2017"],
    ] {
        let out = lofte(&args).await;
        let err = text(&out.stderr);
        assert!(!out.status.success() && err.contains("only approved reports are public"), "{args:?}: {err}");
    }

    // The auditor's replay of the raw log as of the approval equals the approved report.
    let replay = ok(
        &config,
        &["audit", "replay", "--plan", "eksjo-2017", "--tertial", "2017-T1", "--format", "md", "--as-of", &approved_at],
    )
    .await;
    assert_eq!(replay, approved);
    let verify = ok(&config, &["--profile", "auditor", "audit", "verify"]).await;
    assert!(verify.starts_with("ok: ") && verify.contains("the chain verifies"), "{verify}");
    stop(&mut stack);
}
