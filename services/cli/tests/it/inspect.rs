//! `lofte audit who|trace|diff` on a real ledger's log.

use super::{
    live::{import_eksjo, measure},
    plan_import::{lofte, text, Ledger},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_trace_and_diff_answer_from_the_log() {
    let l = Ledger::start().await;
    import_eksjo(&l.url).await;
    // The moments come from the log itself: the import's last event, and the count's own.
    let page: serde_json::Value =
        reqwest::get(format!("{}/v1/events?after=18&limit=1", l.url)).await.unwrap().json().await.unwrap();
    let t0 = page["events"][0]["recorded_at"].as_str().unwrap().to_owned();
    let out = lofte(&[measure(&l.url, "2017-03-01", "minst 8"), vec!["--json"]].concat()).await;
    let event = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
    let id = event["id"].as_str().unwrap().to_owned();
    let t1 = event["recorded_at"].as_str().unwrap().to_owned();

    let who = lofte(&["audit", "who", "--actor", "polisen", "--ledger", &l.url]).await;
    assert!(who.status.success(), "{}", text(&who.stderr));
    assert!(text(&who.stdout).contains("measure_counted") && text(&who.stdout).contains(&id), "{}", text(&who.stdout));
    // Who sent it, in the plain output too.
    let author = event["author"].as_str().unwrap();
    assert!(text(&who.stdout).contains(&format!("by {author}")), "{}", text(&who.stdout));

    let trace = lofte(&[
        "audit",
        "trace",
        "--plan",
        "eksjo-2017",
        "--activity",
        "trafikkontroller",
        "--tertial",
        "2017-T1",
        "--ledger",
        &l.url,
    ])
    .await;
    assert!(trace.status.success(), "{}", text(&trace.stderr));
    assert!(
        text(&trace.stdout).contains("measure:trafikkontroller:") && text(&trace.stdout).contains(&id),
        "{}",
        text(&trace.stdout)
    );

    let diff = lofte(&["audit", "diff", "--plan", "eksjo-2017", "--from", &t0, "--to", &t1, "--ledger", &l.url]).await;
    assert!(diff.status.success(), "{}", text(&diff.stderr));
    let d = text(&diff.stdout);
    assert!(d.contains("trafikkontroller 2017-T1:") && d.contains("  + Trafikkontroller: minst 8 tillfällen."), "{d}");
    assert!(d.contains("    by ") && d.contains(&id), "{d}");
    let none = lofte(&["audit", "diff", "--plan", "eksjo-2017", "--from", &t1, "--to", &t1, "--ledger", &l.url]).await;
    assert!(text(&none.stdout).starts_with("no change"), "{}", text(&none.stdout));
    let bad =
        lofte(&["audit", "diff", "--plan", "eksjo-2017", "--from", "yesterday", "--to", &t1, "--ledger", &l.url]).await;
    assert!(!bad.status.success() && text(&bad.stderr).contains("--from"), "{}", text(&bad.stderr));
    l.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_that_goes_away_ends_it_quietly() {
    let l = Ledger::start().await;
    import_eksjo(&l.url).await;
    let url = l.url.clone();
    let (status, stderr) = tokio::task::spawn_blocking(move || {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lofte"))
            .args(["audit", "who", "--actor", "kommunen", "--ledger", &url])
            .env("XDG_CONFIG_HOME", "/nonexistent/lofte-tests")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // As `| head -0` does: the reader is gone before anything is printed.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        (out.status, String::from_utf8_lossy(&out.stderr).into_owned())
    })
    .await
    .unwrap();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(stderr.is_empty(), "no panic, no message: {stderr}");
    l.stop().await;
}
