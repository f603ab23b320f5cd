//! The NATS configs in deploy/nats are valid for the nats-server the project installs, and take
//! their passwords from the environment: none is written in them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn configs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/nats");
    let mut found = vec![];
    for dir in [root.clone(), root.join("cluster")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "conf") {
                found.push(path);
            }
        }
    }
    found
}

fn check(path: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let bin = lofte_test_support::nats_server_binary().expect("nats-server");
    let mut cmd = std::process::Command::new(&bin);
    cmd.arg("-t").arg("-c").arg(path);
    for v in ["LOFTE_NATS_PASSWORD", "LOFTE_NATS_ROUTE_PASSWORD", "LOFTE_NATS_ROUTES"] {
        cmd.env_remove(v);
    }
    cmd.envs(env.iter().copied()).output().unwrap()
}

#[test]
fn every_nats_config_passes_nats_server_t() {
    let routes =
        "[nats-route://route:r@nats-1:6222, nats-route://route:r@nats-2:6222, nats-route://route:r@nats-3:6222]";
    let env = [("LOFTE_NATS_PASSWORD", "p"), ("LOFTE_NATS_ROUTE_PASSWORD", "r"), ("LOFTE_NATS_ROUTES", routes)];
    let configs = configs();
    for path in &configs {
        let out = check(path, &env);
        assert!(out.status.success(), "{}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(configs.len(), 4, "single.conf and three cluster nodes");
}

#[test]
fn every_nats_config_needs_the_password_from_the_environment() {
    for path in configs() {
        let out = check(&path, &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains("LOFTE_NATS_PASSWORD"), "{}: {err}", path.display());
    }
}
