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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_people_of_plans_adopted_before_the_directory_are_moved_into_it() {
    let l = Ledger::start().await;
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("old.jsonl");
    // A plan adopted at schema 1 named its people; a later event of another kind names none.
    let old = serde_json::json!({"seq": 1, "kind": "plan_adopted", "schema": 1, "plan": "eksjo-2017", "data": {
        "actors": [{"id": "polisen", "name": "Polisen", "reporters": ["kommunpolis.eksjo@polisen.example"]},
                   {"id": "kommunen", "name": "Eksjö kommun", "reporters": ["trygghet@eksjo.example"]}],
        "coordinators": [{"name": "Samordnare", "email": "samordnare@eksjo.example", "org": "kommunen"}]}});
    let other = serde_json::json!({"seq": 2, "kind": "note_written", "schema": 1, "plan": "eksjo-2017", "data": {}});
    std::fs::write(&export, format!("{old}\n{other}\n")).unwrap();
    let import = ["people", "import", "--from", export.to_str().unwrap(), "--ledger", &l.url];
    let out = lofte(&import).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("3 people named by plans adopted before the directory; 3 added now"),
        "{}",
        text(&out.stdout)
    );
    // Again: nobody new.
    let again = lofte(&import).await;
    assert!(text(&again.stdout).contains("; 0 added now"), "{}", text(&again.stdout));
    let list = text(&lofte(&["people", "list", "--ledger", &l.url]).await.stdout);
    assert!(list.contains("Samordnare (samordnare för kommunen)") && list.contains("trygghet@eksjo.example"), "{list}");
    l.stop().await;
}
