//! `lofte audit verify --nats` against a nats-server that wants a password: the user and password
//! come from LOFTE_NATS_USER and LOFTE_NATS_PASSWORD; a wrong one is a clear error that does not
//! repeat it.

use std::{process::Output, time::Duration};

use lofte_ledger::{settings::NatsSettings, App as Ledger, Settings as LedgerSettings};
use lofte_service::nats::NatsConnection;
use lofte_test_support::{poll_until, NatsServer};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::{live::import_eksjo, plan_import::text};

const PASSWORD: &str = "rätt-lösen-0b7c";

async fn lofte_with_env(args: Vec<String>, env: &[(&str, &str)]) -> Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_lofte"));
    cmd.args(args);
    for v in ["LOFTE_LEDGER_URL", "LOFTE_NATS_URL", "LOFTE_NATS_USER", "LOFTE_NATS_PASSWORD", "LOFTE_NATS_CREDS"] {
        cmd.env_remove(v);
    }
    cmd.envs(env.iter().copied());
    tokio::task::spawn_blocking(move || cmd.output()).await.expect("join").expect("lofte runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_logs_in_to_nats_with_the_password_from_the_environment() {
    let nats = NatsServer::start_with_auth("lofte", PASSWORD).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cancel = CancellationToken::new();
    let ledger = Ledger::build(LedgerSettings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_owned(),
        nats: NatsSettings {
            connection: NatsConnection::new(nats.url()).with_user("lofte", PASSWORD),
            ..NatsSettings::default()
        },
        ..LedgerSettings::default()
    })
    .await
    .unwrap();
    let l = format!("http://{}", ledger.addr());
    tokio::spawn(ledger.run(cancel.clone()));
    import_eksjo(&l).await;
    poll_until("the ledger to publish", Duration::from_secs(20), || async {
        let v: Value = reqwest::get(format!("{l}/readyz")).await.unwrap().json().await.unwrap();
        Ok::<_, String>((v["outbox"]["published_seq"] == 19).then_some(()))
    })
    .await
    .unwrap();
    let args: Vec<String> = ["audit", "verify", "--nats", &nats.url(), "--ledger", &l].map(str::to_owned).to_vec();

    let ok = lofte_with_env(args.clone(), &[("LOFTE_NATS_USER", "lofte"), ("LOFTE_NATS_PASSWORD", PASSWORD)]).await;
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("the stream holds the same 19 events"), "{}", text(&ok.stdout));

    let wrong =
        lofte_with_env(args.clone(), &[("LOFTE_NATS_USER", "lofte"), ("LOFTE_NATS_PASSWORD", "fel-hemlis")]).await;
    let err = text(&wrong.stderr);
    assert!(!wrong.status.success() && err.contains("authorization violation"), "{err}");
    assert!(!err.contains("hemlis"), "{err}");

    let none = lofte_with_env(args, &[]).await;
    assert!(!none.status.success(), "no credentials, no stream");
    cancel.cancel();
}
