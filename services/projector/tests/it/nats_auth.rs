//! Ledger and projector against a nats-server that wants a user and password: with the right
//! ones the projector follows what the ledger publishes; with a wrong one it is not ready, and
//! says why without the password.

use std::{collections::BTreeMap, time::Duration};

use lofte_service::nats::NatsConnection;
use lofte_test_support::{poll_until, NatsServer};
use serde_json::Value;

use super::e2e::{import_eksjo, ledger_on, projector_on};

const PASSWORD: &str = "rätt-lösen-hemlis-5d1e";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_credentials_the_projector_follows_the_ledger() {
    let nats = NatsServer::start_with_auth("lofte", PASSWORD).await.unwrap();
    let conn = NatsConnection::new(nats.url()).with_user("lofte", PASSWORD);
    let l = ledger_on("eksjo", conn.clone()).await;
    import_eksjo(&l.url).await;
    let p = projector_on(conn, BTreeMap::from([("eksjo".into(), l.url.clone())]), "projector").await;
    poll_until("the projector to apply the plan", Duration::from_secs(20), || async {
        let v: Value = reqwest::get(format!("{}/readyz", p.url)).await.unwrap().json().await.unwrap();
        Ok::<_, String>((v["applied"].as_u64() == Some(19)).then_some(()))
    })
    .await
    .unwrap();
    let summary = reqwest::get(format!("{}/v1/plans/eksjo-2017/summary?tertial=2017-T1", p.url)).await.unwrap();
    assert!(summary.status().is_success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_wrong_password_the_projector_is_not_ready_and_says_why() {
    let nats = NatsServer::start_with_auth("lofte", PASSWORD).await.unwrap();
    let wrong = NatsConnection::new(nats.url()).with_user("lofte", "fel-hemlis");
    let p = projector_on(wrong, BTreeMap::new(), "projector").await;
    let why = poll_until("the refusal in /readyz", Duration::from_secs(20), || async {
        let r = reqwest::get(format!("{}/readyz", p.url)).await.unwrap();
        let (status, text) = (r.status(), r.text().await.unwrap());
        Ok::<_, String>((status == 503 && text.contains("authorization violation")).then_some(text))
    })
    .await
    .unwrap();
    let metrics = reqwest::get(format!("{}/metrics", p.url)).await.unwrap().text().await.unwrap();
    assert!(!why.contains("hemlis") && !metrics.contains("hemlis"), "{why}");
}
