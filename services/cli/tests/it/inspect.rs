//! `lofte audit who|trace|diff` on a real ledger's log.

use super::{
    live::{import_eksjo, measure},
    plan_import::{lofte, text, Ledger},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_trace_and_diff_answer_from_the_log() {
    let l = Ledger::start().await;
    import_eksjo(&l.url).await;
    let t0 = jiff::Timestamp::now().to_string();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = lofte(&[measure(&l.url, "2017-03-01", "minst 8"), vec!["--json"]].concat()).await;
    let id = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["id"].as_str().unwrap().to_owned();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let t1 = jiff::Timestamp::now().to_string();

    let who = lofte(&["audit", "who", "--actor", "polisen", "--ledger", &l.url]).await;
    assert!(who.status.success(), "{}", text(&who.stderr));
    assert!(text(&who.stdout).contains("measure_counted") && text(&who.stdout).contains(&id), "{}", text(&who.stdout));

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
