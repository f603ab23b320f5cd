//! What the projector's benches share (included with `#[path]`; each bench is its own crate): a
//! real ledger in this process, publishing to `nats`, ready for appends, with Eksjö 2017 imported.

use std::time::Duration;

use lofte_ledger::{settings::NatsSettings, App as Ledger, Settings as LedgerSettings};
use lofte_proto::{command::new_event, ids::OrgId, planfile};
use lofte_service::nats::NatsConnection;
use lofte_test_support::poll_until;
use tokio_util::sync::CancellationToken;

/// The ledger's URL, its data directory (kept while it runs), and how many plan events it holds.
pub async fn ledger_with_eksjo(nats: &str, cancel: &CancellationToken) -> (String, tempfile::TempDir, usize) {
    let dir = tempfile::tempdir().expect("dir");
    let ledger = Ledger::build(LedgerSettings {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: dir.path().to_owned(),
        ledger_id: "eksjo".parse().expect("id"),
        nats: NatsSettings { connection: NatsConnection::new(nats), ..NatsSettings::default() },
        ..LedgerSettings::default()
    })
    .await
    .expect("ledger");
    let url = format!("http://{}", ledger.addr());
    tokio::spawn(ledger.run(cancel.clone()));
    let http = reqwest::Client::new();
    // A ledger that publishes compares its log with the stream before it takes appends.
    poll_until("the ledger to take appends", Duration::from_secs(20), || async {
        let r = http.get(format!("{url}/readyz")).send().await.map_err(|e| e.to_string())?;
        Ok::<_, String>(r.status().is_success().then_some(()))
    })
    .await
    .expect("ledger ready");
    let pf = planfile::parse(include_str!("../../../../deploy/plans/eksjo-2017.toml")).expect("plan");
    let kommunen = OrgId::new("kommunen").expect("org");
    for e in pf.events() {
        let r = http.post(format!("{url}/v1/events")).json(&new_event(pf.plan_id(), &kommunen, &e)).send().await;
        r.and_then(|r| r.error_for_status()).expect("plan");
    }
    (url, dir, pf.events().len())
}
