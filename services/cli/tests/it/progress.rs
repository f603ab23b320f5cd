//! Progress bars: drawn on a terminal (here a pseudo-terminal made by util-linux `script`), never
//! into a pipe, and not at all with `LOFTE_NO_PROGRESS`.

use std::process::Command;

use super::{
    live::import_eksjo,
    plan_import::{lofte, text, Ledger},
};

/// Runs `lofte ARGS` on a pseudo-terminal; returns everything the terminal showed.
fn on_a_terminal(args: &str, env: &[(&str, &str)]) -> String {
    let cmd = format!("{} {args}", env!("CARGO_BIN_EXE_lofte"));
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env_remove("LOFTE_NO_PROGRESS")
        .envs(env.iter().copied())
        .env("XDG_CONFIG_HOME", "/nonexistent/lofte-tests")
        .output()
        .expect("util-linux `script` runs (apt-get install bsdutils)");
    assert!(out.status.success(), "{}", text(&out.stdout));
    text(&out.stdout)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_the_whole_log_shows_a_bar_on_a_terminal_only() {
    let l = Ledger::start().await;
    import_eksjo(&l.url).await;
    let dir = tempfile::tempdir().unwrap();
    let out = |n: &str| dir.path().join(n).display().to_string();

    let shown = on_a_terminal(&format!("audit export --ledger {} --out {}", l.url, out("a.jsonl")), &[]);
    assert!(shown.contains("/19 events"), "a bar towards the ledger's head: {shown:?}");
    assert!(shown.contains("exported 19 events"), "{shown:?}");

    let quiet = on_a_terminal(
        &format!("audit export --ledger {} --out {}", l.url, out("b.jsonl")),
        &[("LOFTE_NO_PROGRESS", "1")],
    );
    assert!(!quiet.contains("/19 events") && quiet.contains("exported 19 events"), "{quiet:?}");

    let piped = lofte(&["audit", "export", "--ledger", &l.url, "--out", &out("c.jsonl")]).await;
    assert!(piped.status.success());
    assert!(!text(&piped.stderr).contains("/19 events"), "{}", text(&piped.stderr));
    l.stop().await;
}
