//! Where settings come from: a flag beats the environment, which beats the profile, which beats
//! the defaults; a missing profile or config file is one clear line.

use std::process::Command;

use serde_json::Value;

use super::plan_import::text;

fn show(config: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Result<Value, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_lofte"))
        .args(["--config", config.to_str().unwrap(), "profile", "show", "--json"])
        .args(args)
        .env_remove("LOFTE_LEDGER_URL")
        .env_remove("LOFTE_PROJECTOR_URL")
        .env_remove("LOFTE_PROFILE")
        .env_remove("LOFTE_TOKEN")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).unwrap())
    } else {
        Err(text(&out.stderr))
    }
}

#[test]
fn flags_beat_the_environment_which_beats_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cli.toml");
    std::fs::write(
        &config,
        "default = \"demo\"\n[profiles.demo]\nledger = \"http://demo:1\"\ntoken = \"t0ken\"\n\
         [profiles.other]\nprojector = \"http://other:2\"\n",
    )
    .unwrap();
    let v = show(&config, &[], &[]).unwrap();
    assert_eq!((v["ledger"].as_str(), v["profile"].as_str()), (Some("http://demo:1"), Some("demo")));
    assert_eq!((v["projector"].as_str(), v["token"].as_str()), (Some("http://127.0.0.1:7420"), Some("the profile")));
    let v = show(&config, &[], &[("LOFTE_LEDGER_URL", "http://env:3"), ("LOFTE_TOKEN", "x")]).unwrap();
    assert_eq!((v["ledger"].as_str(), v["token"].as_str()), (Some("http://env:3"), Some("LOFTE_TOKEN")));
    let v = show(&config, &["--ledger", "http://flag:4"], &[("LOFTE_LEDGER_URL", "http://env:3")]).unwrap();
    assert_eq!(v["ledger"], "http://flag:4");
    let v = show(&config, &[], &[("LOFTE_PROFILE", "other")]).unwrap();
    assert_eq!(
        (v["ledger"].as_str(), v["projector"].as_str()),
        (Some("http://127.0.0.1:7410"), Some("http://other:2"))
    );
    assert!(!v.to_string().contains("t0ken"), "the token is never shown");

    let e = show(&config, &["--profile", "prod"], &[]).unwrap_err();
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("no profile \"prod\"") && e.contains("demo, other"), "{e}");
    let e = show(&dir.path().join("missing.toml"), &[], &[]).unwrap_err();
    assert!(e.contains("missing.toml not found"), "{e}");
    let e = show(&config, &["--ledger", "ftp://x"], &[]).unwrap_err();
    assert!(e.contains("--ledger must be an http:// or https:// URL"), "{e}");
}

#[test]
fn a_new_organisations_token_and_profile_are_made_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let (config, tokens) = (dir.path().join("cli.toml"), dir.path().join("tokens.toml"));
    let create = |name: &str| {
        Command::new(env!("CARGO_BIN_EXE_lofte"))
            .args(["token", "create", "--role", "reporter", "--org", "brottsofferjouren", "--tokens-file"])
            .arg(&tokens)
            .args(["--profile", name, "--config", config.to_str().unwrap(), "--ledger", "http://ledger.example:7410"])
            .env_remove("LOFTE_PROFILE")
            .env_remove("LOFTE_CONFIG")
            .output()
            .unwrap()
    };
    let out = create("reporter-boj");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = text(&out.stdout).trim().to_owned();
    // The profile works at once, with the token and the ledger given.
    let v = show(&config, &["--profile", "reporter-boj"], &[]).unwrap();
    assert_eq!((v["ledger"].as_str(), v["token"].as_str()), (Some("http://ledger.example:7410"), Some("the profile")));
    let kept = std::fs::read_to_string(&config).unwrap();
    assert!(kept.contains(&token), "{kept}");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&config).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "it holds a token: its owner's only");
    // The same name again: one line, and no second token.
    let before = std::fs::read_to_string(&tokens).unwrap();
    let out = create("reporter-boj");
    let err = text(&out.stderr);
    assert!(!out.status.success() && err.trim_end().lines().count() == 1 && err.contains("already a profile"), "{err}");
    assert_eq!(std::fs::read_to_string(&tokens).unwrap(), before);
}
