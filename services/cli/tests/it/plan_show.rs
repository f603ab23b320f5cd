//! `lofte plan show`, `lofte deadline set`, `lofte completions`.

use super::{
    live::import_eksjo,
    plan_import::{lofte, text, Ledger},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_is_shown_and_its_deadline_moved() {
    let l = Ledger::start().await;
    import_eksjo(&l.url).await;
    let out = lofte(&["plan", "show", "eksjo-2017", "--ledger", &l.url]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("Period: 2017-01-01..2017-12-31"), "{shown}");
    assert!(shown.contains("trafikkontroller") && shown.contains("Uppföljning senast:"), "{shown}");
    // The plan's order, not the alphabet's; targets with their numbers.
    let at = |id: &str| shown.find(&format!("  {id} ")).unwrap_or_else(|| panic!("{id} in {shown}"));
    assert!(at("polisiar-narvaro") < at("trafikkontroller") && at("trafikkontroller") < at("brottsaktiva-personer"));
    assert!(shown.contains(": minst 10 tillfällen (trafikkontroller) — "), "{shown}");
    assert!(shown.contains(": minst 4 möten — "), "{shown}");

    // A Sunday moves to the Friday before.
    let out = lofte(&[
        "deadline",
        "set",
        "--plan",
        "eksjo-2017",
        "--tertial",
        "2017-T2",
        "--due",
        "2017-09-17",
        "--as",
        "kommunen",
        "--ledger",
        &l.url,
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = lofte(&["plan", "show", "eksjo-2017", "--ledger", &l.url, "--json"]).await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let t2 = v["due"].as_array().unwrap().iter().find(|d| d["tertial"] == "2017-T2").unwrap().clone();
    assert_eq!(t2["due"], "2017-09-15");
    let bad = lofte(&[
        "deadline",
        "set",
        "--plan",
        "eksjo-2017",
        "--tertial",
        "2017-T2",
        "--due",
        "15/9",
        "--as",
        "kommunen",
        "--ledger",
        &l.url,
    ])
    .await;
    assert!(!bad.status.success() && text(&bad.stderr).contains("--due"), "{}", text(&bad.stderr));
    let missing = lofte(&["plan", "show", "okand-plan", "--ledger", &l.url]).await;
    assert!(!missing.status.success() && text(&missing.stderr).contains("no plan okand-plan"));
    l.stop().await;
}

#[tokio::test]
async fn shell_completions() {
    let out = lofte(&["completions", "bash"]).await;
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("lofte") && text(&out.stdout).contains("audit"));
}
