//! The nats-server harness against itself: it starts a real JetStream server, messages survive a
//! restart on the same store, a wiped store comes back empty, and a missing binary is a clear
//! error, not a skip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_nats::jetstream::{self, stream};
use lofte_test_support::{NatsError, NatsServer};

async fn stream_len(url: &str) -> u64 {
    let client = async_nats::connect(url).await.unwrap();
    let js = jetstream::new(client);
    let mut s = js
        .get_or_create_stream(stream::Config {
            name: "HARNESS".into(),
            subjects: vec!["harness.>".into()],
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await
        .unwrap();
    s.info().await.unwrap().state.messages
}

#[tokio::test]
async fn messages_survive_a_restart_and_not_a_wipe() {
    let mut nats = NatsServer::start().await.expect("nats-server starts");
    assert_eq!(stream_len(&nats.url()).await, 0);
    {
        let js = jetstream::new(async_nats::connect(nats.url()).await.unwrap());
        for i in 0..10 {
            js.publish(format!("harness.{i}"), "hej".into()).await.unwrap().await.unwrap();
        }
    }
    nats.restart().await.unwrap();
    assert_eq!(stream_len(&nats.url()).await, 10);
    nats.restart_wiped().await.unwrap();
    assert_eq!(stream_len(&nats.url()).await, 0);
    let health = reqwest::get(format!("{}/healthz?js-enabled-only=true", nats.monitor_url())).await.unwrap();
    assert!(health.status().is_success());
}

#[tokio::test]
async fn a_missing_binary_says_how_to_install_it() {
    let err = NatsServer::start_with("/nonexistent/nats-server".into()).await.unwrap_err();
    assert!(matches!(err, NatsError::Spawn { .. }), "{err}");
    let msg = NatsError::NotFound { looked: "x".into() }.to_string();
    assert!(msg.contains("deploy/dev/tools.sh"), "{msg}");
}

#[tokio::test]
async fn a_server_with_auth_lets_in_only_its_user() {
    let nats = NatsServer::start_with_auth("lofte", "rätt-lösen").await.expect("nats-server starts");
    let login = |pass: &str| async_nats::ConnectOptions::with_user_and_password("lofte".into(), pass.into());
    assert!(login("rätt-lösen").connect(nats.url()).await.is_ok());
    let wrong = login("fel").connect(nats.url()).await.unwrap_err();
    assert_eq!(wrong.kind(), async_nats::ConnectErrorKind::AuthorizationViolation, "{wrong}");
    assert!(async_nats::connect(nats.url()).await.is_err(), "no credentials, no entry");
}

#[tokio::test]
async fn a_server_with_tls_is_reached_with_its_ca_and_a_client_certificate() {
    let pki = lofte_test_support::TestPki::new().unwrap();
    let (cert, key) = pki.server();
    let nats = NatsServer::start_with_tls(&cert, &key, Some(&pki.ca())).await.expect("nats-server starts");
    let (ccert, ckey) = pki.client();
    let tls = || async_nats::ConnectOptions::new().require_tls(true).add_root_certificates(pki.ca());
    let client = tls().add_client_certificate(ccert, ckey).connect(nats.url()).await.unwrap();
    client.flush().await.unwrap();
    assert!(tls().connect(nats.url()).await.is_err(), "no client certificate, no entry");
}
