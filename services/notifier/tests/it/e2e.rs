//! The notifier across real parts: nats-server, a ledger publishing Jönköping 2022, a real SMTP
//! server. Reminders arrive once per recipient and occasion, each with its `reminder_sent` event;
//! a second tick and a restarted notifier send nothing again; an occasion during an SMTP outage is
//! delivered once the server is back, once.

use std::{collections::BTreeMap, time::Duration};

use lofte_ledger::{settings::NatsSettings, App as Ledger, Settings as LedgerSettings};
use lofte_notifier::{
    app::App,
    settings::{Settings, Tls},
};
use lofte_proto::{command::new_event, ids::OrgId, planfile};
use lofte_test_support::{poll_until, NatsServer, SmtpServer};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

async fn tick(url: &str, now: &str) -> Value {
    reqwest::Client::new().post(format!("{url}/v1/tick?now={now}")).send().await.unwrap().json().await.unwrap()
}

async fn reminders_recorded(ledger: &str) -> usize {
    let page: Value =
        reqwest::get(format!("{ledger}/v1/events?after=0&limit=1000")).await.unwrap().json().await.unwrap();
    page["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "reminder_sent").count()
}

/// Starts a notifier and waits until it follows the stream and has applied `applied` events.
async fn notifier(
    settings: &Settings,
    applied: u64,
) -> (String, CancellationToken, tokio::task::JoinHandle<anyhow::Result<()>>) {
    let app = App::build(settings.clone(), Some("2022-04-01T08:00:00Z".parse().unwrap())).await.unwrap();
    let url = format!("http://{}", app.addr());
    let cancel = CancellationToken::new();
    let task = tokio::spawn(app.run(cancel.clone()));
    poll_until("the notifier to read the plan", Duration::from_secs(20), || async {
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
    (url, cancel, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_go_once_through_restarts_and_an_smtp_outage() {
    let nats = NatsServer::start().await.unwrap();
    let ldir = tempfile::tempdir().unwrap();
    let ledger = Ledger::build(LedgerSettings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: ldir.path().to_owned(),
        nats: NatsSettings { url: Some(nats.url()), ..NatsSettings::default() },
        ..LedgerSettings::default()
    })
    .await
    .unwrap();
    let lurl = format!("http://{}", ledger.addr());
    let lcancel = CancellationToken::new();
    tokio::spawn(ledger.run(lcancel.clone()));
    let pf = planfile::parse(include_str!("../../../../deploy/plans/jonkoping-2022.toml")).unwrap();
    let kommunen = OrgId::new("kommunen").unwrap();
    let http = reqwest::Client::new();
    for e in pf.events() {
        let r =
            http.post(format!("{lurl}/v1/events")).json(&new_event(pf.plan_id(), &kommunen, &e)).send().await.unwrap();
        assert_eq!(r.status(), 201);
    }
    let mut smtp = SmtpServer::start().await.unwrap();
    let ndir = tempfile::tempdir().unwrap();
    let mut s = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: ndir.path().to_owned(),
        nats_url: nats.url(),
        ledgers: BTreeMap::from([("local".to_owned(), lurl.clone())]),
        ledger_url: lurl.clone(),
        from: "Lofte <lofte@jonkoping.example>".into(),
        tick_secs: 3600,
        ..Settings::default()
    };
    s.smtp.host = Some("127.0.0.1".into());
    s.smtp.port = smtp.port();
    s.smtp.tls = Tls::None;
    let reporters: usize = pf.adopted().actors.iter().map(|a| a.reporters.len()).sum();

    let (url, cancel, task) = notifier(&s, 37).await;
    // 2 May 2022: 14 days before the T1 follow-up is due; every organisation owes.
    let r = tick(&url, "2022-05-02T08:00:00Z").await;
    assert_eq!(r["sent"], reporters, "{r}");
    assert_eq!(smtp.messages().len(), reporters);
    assert_eq!(reminders_recorded(&lurl).await, reporters, "each mail has its reminder_sent event");
    let subject = smtp.messages()[0].header("Subject").unwrap();
    assert!(subject.starts_with("=?utf-8?") || subject.starts_with("Påminnelse"), "{subject}");
    // The same day again, and after a restart: nothing more.
    assert_eq!(tick(&url, "2022-05-02T15:00:00Z").await["sent"], 0);
    cancel.cancel();
    task.await.unwrap().unwrap();
    // Restarted, it resumes its durable consumer where it left off: nothing new to apply.
    let (url, cancel, task) = notifier(&s, 0).await;
    assert_eq!(tick(&url, "2022-05-03T08:00:00Z").await["sent"], 0);
    assert_eq!(smtp.messages().len(), reporters);

    // 13 May: 3 days before — while the SMTP server is down.
    smtp.stop();
    let r = tick(&url, "2022-05-13T08:00:00Z").await;
    assert_eq!(r["sent"], 0, "{r}");
    assert!(r["failed"].as_u64().unwrap() > 0, "{r}");
    smtp.restart().await.unwrap();
    let r = tick(&url, "2022-05-13T09:00:00Z").await;
    assert_eq!(r["sent"], reporters, "delivered once the server is back: {r}");
    assert_eq!(tick(&url, "2022-05-13T10:00:00Z").await["sent"], 0, "and only once");
    assert_eq!(smtp.messages().len(), 2 * reporters);
    assert_eq!(reminders_recorded(&lurl).await, 2 * reporters);
    let ids: std::collections::BTreeSet<String> =
        smtp.messages().iter().filter_map(|m| m.header("Message-ID")).collect();
    assert_eq!(ids.len(), 2 * reporters, "every mail its own Message-ID");
    cancel.cancel();
    task.await.unwrap().unwrap();
    lcancel.cancel();
}
