//! The NATS configs in deploy/nats are valid for the nats-server the project installs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

#[test]
fn every_nats_config_passes_nats_server_t() {
    let bin = lofte_test_support::nats_server_binary().expect("nats-server");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/nats");
    let mut checked = 0;
    for dir in [root.clone(), root.join("cluster")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "conf") {
                let out = std::process::Command::new(&bin).arg("-t").arg("-c").arg(&path).output().unwrap();
                assert!(out.status.success(), "{}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 4, "single.conf and three cluster nodes");
}
