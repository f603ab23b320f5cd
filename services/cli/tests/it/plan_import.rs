//! `lofte plan import`: the sample plans go in whole, a second import records nothing new, and
//! bad input ends with one clear line, a non-zero exit and nothing written.

use std::{path::PathBuf, process::Output};

use lofte_ledger::{App, Settings};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub fn plans() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/plans"))
}

pub async fn lofte(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        // Only what a test passes counts: no addresses, profile or token from the environment.
        std::process::Command::new(env!("CARGO_BIN_EXE_lofte"))
            .args(&args)
            .env_remove("LOFTE_LEDGER_URL")
            .env_remove("LOFTE_PROJECTOR_URL")
            .env_remove("LOFTE_PROFILE")
            .env_remove("LOFTE_CONFIG")
            .env_remove("LOFTE_TOKEN")
            .env("XDG_CONFIG_HOME", "/nonexistent/lofte-tests")
            .output()
    })
    .await
    .expect("join")
    .expect("lofte runs")
}

pub struct Ledger {
    pub url: String,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<Result<(), lofte_ledger::AppError>>,
    _dir: tempfile::TempDir,
}

impl Ledger {
    pub async fn start() -> Ledger {
        Ledger::start_with_tokens(None).await
    }

    /// A ledger that wants tokens from `tokens_file` (none: open).
    pub async fn start_with_tokens(tokens_file: Option<&std::path::Path>) -> Ledger {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Settings {
            listen: "127.0.0.1:0".parse().expect("addr"),
            data_dir: dir.path().to_owned(),
            ..Settings::default()
        };
        s.auth.tokens_file = tokens_file.map(ToOwned::to_owned);
        let app = App::build(s).await.expect("ledger starts");
        let url = format!("http://{}", app.addr());
        let cancel = CancellationToken::new();
        let task = tokio::spawn(app.run(cancel.clone()));
        Ledger { url, cancel, task, _dir: dir }
    }

    pub async fn head(&self) -> u64 {
        let v: Value = reqwest::get(format!("{}/v1/verify", self.url)).await.unwrap().json().await.unwrap();
        assert_eq!(v["ok"], true);
        v["head_seq"].as_u64().unwrap()
    }

    pub async fn stop(self) {
        self.cancel.cancel();
        self.task.await.unwrap().unwrap();
    }
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sample_plans_import_once() {
    let l = Ledger::start().await;
    let mut total = 0;
    for (file, events) in [("jonkoping-2022.toml", 37), ("eksjo-2017.toml", 19), ("jonkoping-2019.toml", 15)] {
        let path = plans().join(file);
        let out = lofte(&["plan", "import", path.to_str().unwrap(), "--ledger", &l.url, "--json"]).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!((v["created"].as_u64(), v["existing"].as_u64()), (Some(events), Some(0)), "{file}");
        total += events;
        assert_eq!(l.head().await, total);
    }
    // Again: every event is recognised, nothing new is written.
    let path = plans().join("jonkoping-2022.toml");
    let out = lofte(&["plan", "import", path.to_str().unwrap(), "--ledger", &l.url]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 recorded now, 37 already there"), "{}", text(&out.stdout));
    assert_eq!(l.head().await, total);
    l.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_one_line_and_writes_nothing() {
    let l = Ledger::start().await;
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(plans().join("eksjo-2017.toml")).unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, original.replacen("lead = \"polisen\"", "lead = \"polis\"", 1)).unwrap();
    let missing = dir.path().join("missing.toml");
    let eksjo = plans().join("eksjo-2017.toml");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["plan", "import", broken.to_str().unwrap(), "--ledger", &l.url], "unknown organisation \"polis\""),
        (vec!["plan", "import", missing.to_str().unwrap(), "--ledger", &l.url], "cannot read"),
        (vec!["plan", "import", broken.to_str().unwrap(), "--ledger", "http://127.0.0.1:9"], "unknown organisation"),
        (vec!["plan", "import", eksjo.to_str().unwrap(), "--ledger", "http://127.0.0.1:9"], "cannot reach the ledger"),
        (
            vec!["plan", "import", eksjo.to_str().unwrap(), "--ledger", &l.url, "--as", "lansstyrelsen"],
            "refused by the ledger",
        ),
    ];
    for (args, expect) in cases {
        let out = lofte(&args).await;
        let err = text(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    assert_eq!(l.head().await, 0, "a refused import wrote something");
    // The same plan id adopted again with other content: refused, saying how to change a plan.
    assert!(lofte(&["plan", "import", eksjo.to_str().unwrap(), "--ledger", &l.url]).await.status.success());
    let head = l.head().await;
    let other = dir.path().join("other.toml");
    std::fs::write(&other, original.replacen("title = \"Medborgarlöften Eksjö kommun 2017\"", "title = \"Annat\"", 1))
        .unwrap();
    let out = lofte(&["plan", "import", other.to_str().unwrap(), "--ledger", &l.url]).await;
    let err = text(&out.stderr);
    assert!(!out.status.success() && err.contains("already exists") && err.contains("amendments"), "{err}");
    assert_eq!(l.head().await, head);
    l.stop().await;
}

#[tokio::test]
async fn dry_run_sends_nothing() {
    let out = lofte(&[
        "plan",
        "import",
        plans().join("jonkoping-2022.toml").to_str().unwrap(),
        "--dry-run",
        "--ledger",
        "http://127.0.0.1:9",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("would record 37 events"), "{stdout}");
    assert!(stdout.contains("target_set"));
}
