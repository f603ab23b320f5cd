//! The real parts a notifier test needs: nats-server, a ledger publishing Jönköping 2022, a real
//! SMTP server, and notifiers started on demand.

use std::{collections::BTreeMap, time::Duration};

use lofte_ledger::{settings::NatsSettings, App as Ledger, Settings as LedgerSettings};
use lofte_notifier::{
    app::App,
    settings::{Settings, Tls},
};
use lofte_proto::{command::new_event, ids::OrgId, planfile};
use lofte_test_support::{poll_until, NatsServer, SmtpServer};
use lofte_web::nats::NatsConnection;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub struct Stack {
    pub _nats: NatsServer,
    pub ledger: String,
    pub smtp: SmtpServer,
    pub settings: Settings,
    pub plan: planfile::PlanFile,
    cancel: CancellationToken,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

pub async fn stack() -> Stack {
    let nats = NatsServer::start().await.unwrap();
    let ldir = tempfile::tempdir().unwrap();
    let ledger = Ledger::build(LedgerSettings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: ldir.path().to_owned(),
        nats: NatsSettings { connection: NatsConnection::new(nats.url()), ..NatsSettings::default() },
        ..LedgerSettings::default()
    })
    .await
    .unwrap();
    let lurl = format!("http://{}", ledger.addr());
    let cancel = CancellationToken::new();
    tokio::spawn(ledger.run(cancel.clone()));
    let pf = planfile::parse(include_str!("../../../../deploy/plans/jonkoping-2022.toml")).unwrap();
    let kommunen = OrgId::new("kommunen").unwrap();
    for e in pf.events() {
        post(&lurl, &serde_json::to_value(new_event(pf.plan_id(), &kommunen, &e)).unwrap()).await;
    }
    let smtp = SmtpServer::start().await.unwrap();
    let ndir = tempfile::tempdir().unwrap();
    let mut s = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: ndir.path().to_owned(),
        nats: NatsConnection::new(nats.url()),
        ledgers: BTreeMap::from([("local".to_owned(), lurl.clone())]),
        ledger_url: lurl.clone(),
        from: "Lofte <lofte@jonkoping.example>".into(),
        tick_secs: 3600,
        ..Settings::default()
    };
    s.smtp.host = Some("127.0.0.1".into());
    s.smtp.port = smtp.port();
    s.smtp.tls = Tls::None;
    Stack { _nats: nats, ledger: lurl, smtp, settings: s, plan: pf, cancel, _dirs: (ldir, ndir) }
}

pub async fn post(ledger: &str, body: &Value) -> Value {
    let r = reqwest::Client::new().post(format!("{ledger}/v1/events")).json(body).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

pub async fn tick(url: &str, now: &str) -> Value {
    reqwest::Client::new().post(format!("{url}/v1/tick?now={now}")).send().await.unwrap().json().await.unwrap()
}

/// Every `reminder_sent` event in the ledger.
pub async fn reminders_recorded(ledger: &str) -> Vec<Value> {
    let page: Value =
        reqwest::get(format!("{ledger}/v1/events?after=0&limit=1000")).await.unwrap().json().await.unwrap();
    page["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "reminder_sent").cloned().collect()
}

/// The ledger's last seq.
pub async fn head(ledger: &str) -> u64 {
    let v: Value = reqwest::get(format!("{ledger}/readyz")).await.unwrap().json().await.unwrap();
    v["head_seq"].as_u64().unwrap()
}

/// Starts a notifier and waits until it follows the stream and has applied `applied` events.
pub async fn notifier(
    settings: &Settings,
    applied: u64,
) -> (String, CancellationToken, tokio::task::JoinHandle<anyhow::Result<()>>) {
    let app = App::build(settings.clone(), Some("2022-04-01T08:00:00Z".parse().unwrap())).await.unwrap();
    let url = format!("http://{}", app.addr());
    let cancel = CancellationToken::new();
    let task = tokio::spawn(app.run(cancel.clone()));
    wait_applied(&url, applied).await;
    (url, cancel, task)
}

/// Waits until the notifier is following the stream and has applied `applied` events.
pub async fn wait_applied(url: &str, applied: u64) {
    poll_until("the notifier to catch up with the stream", Duration::from_secs(20), || async {
        let v: Value = reqwest::get(format!("{url}/readyz"))
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((v["status"] == "ready" && v["applied"].as_u64().unwrap_or(0) >= applied).then_some(()))
    })
    .await
    .unwrap();
}
