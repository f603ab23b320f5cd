//! `lofte people add|list|remove` against a real ledger: the directory beside the log.

use super::plan_import::{lofte, text, Ledger};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinators_keep_the_people_directory() {
    let l = Ledger::start().await;
    let add = [
        "people",
        "add",
        "--role",
        "reporter",
        "--org",
        "brottsofferjouren",
        "--name",
        "Maria Jourhavande",
        "--email",
        "maria@boj.example",
        "--ledger",
        &l.url,
    ];
    let out = lofte(&add).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("added Maria Jourhavande (rapportör för brottsofferjouren) as "),
        "{}",
        text(&out.stdout)
    );
    let again = lofte(&add).await;
    assert!(text(&again.stdout).starts_with("already in the directory as "), "{}", text(&again.stdout));
    // Bad input: one line naming the option, nothing added.
    let bad = lofte(&[
        "people",
        "add",
        "--role",
        "reporter",
        "--org",
        "boj",
        "--email",
        "inte en adress",
        "--ledger",
        &l.url,
    ])
    .await;
    let err = text(&bad.stderr);
    assert!(!bad.status.success() && err.trim_end().lines().count() == 1 && err.contains("--email"), "{err}");
    let list = lofte(&["people", "list", "--ledger", &l.url, "--json"]).await;
    let people: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(people.as_array().unwrap().len(), 1, "{people}");
    let id = people[0]["id"].as_str().unwrap().to_owned();
    // Removed: the name and address are gone; who they were for stays.
    let out = lofte(&["people", "remove", &id, "--ledger", &l.url]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list = text(&lofte(&["people", "list", "--org", "brottsofferjouren", "--ledger", &l.url]).await.stdout);
    assert!(list.contains("rapportör för brottsofferjouren (borttagen)") && !list.contains("maria@"), "{list}");
    let unknown = lofte(&["people", "remove", "0190f2a4-0000-7000-8000-000000000000", "--ledger", &l.url]).await;
    assert!(!unknown.status.success() && text(&unknown.stderr).contains("no person"), "{}", text(&unknown.stderr));
    l.stop().await;
}
