//! The real parts a notifier test needs: nats-server, a ledger publishing Jönköping 2022 (and, for
//! bigger batches, copies of it with other people), a real SMTP server, and notifiers started on
//! demand.

use std::{collections::BTreeMap, time::Duration};

use lofte_ledger::{settings::NatsSettings, App as Ledger, Settings as LedgerSettings};
use lofte_notifier::{
    app::App,
    settings::{Settings, Tls},
};
use lofte_proto::{command::new_event, ids::OrgId, people::PersonRole, planfile};
use lofte_service::nats::NatsConnection;
use lofte_test_support::{poll_until, Mail, NatsServer, SmtpServer};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub struct Stack {
    pub _nats: NatsServer,
    pub ledger: String,
    pub smtp: SmtpServer,
    pub settings: Settings,
    pub plan: planfile::PlanFile,
    /// How many plans the ledger holds: Jönköping 2022 and `copies - 1` copies of it.
    pub copies: usize,
    cancel: CancellationToken,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

impl Stack {
    /// The flags that start the real `lofte-notifier` against this stack, its state in `data`
    /// and its simulated clock before the first occasion.
    pub fn process_args(&self, data: &std::path::Path) -> Vec<String> {
        let args = [
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            data.to_str().unwrap(),
            "--nats-url",
            self.settings.nats.url.as_deref().unwrap(),
            "--ledger-url",
            &self.ledger,
            "--now",
            "2022-04-01T06:00:00Z",
        ];
        args.map(str::to_owned).to_vec()
    }

    /// The reminders one occasion sends: every reporter of every plan.
    pub fn reminders_per_occasion(&self) -> usize {
        self.copies * self.reporters()
    }

    /// The reporters Jönköping 2022's plan file names (each gets one mail per occasion).
    pub fn reporters(&self) -> usize {
        self.plan.people().iter().filter(|p| p.role == PersonRole::Reporter).count()
    }

    /// Every address in the ledger's directory, by person id.
    pub async fn emails(&self) -> std::collections::BTreeMap<String, String> {
        let people: Vec<Value> =
            reqwest::get(format!("{}/v1/people", self.ledger)).await.unwrap().json().await.unwrap();
        people.iter().map(|p| (p["id"].as_str().unwrap().to_owned(), p["email"].as_str().unwrap().to_owned())).collect()
    }

    /// Its coordinators.
    pub fn coordinators(&self) -> usize {
        self.plan.people().iter().filter(|p| p.role == PersonRole::Coordinator).count()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

pub async fn stack() -> Stack {
    stack_of(1).await
}

const JONKOPING: &str = include_str!("../../../../deploy/plans/jonkoping-2022.toml");

/// Jönköping 2022 and `copies - 1` copies of it under other plan ids, whose people have other
/// addresses (`…@polisen-2.example`), so each occasion sends `copies` times the mails.
pub async fn stack_of(copies: usize) -> Stack {
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
    let kommunen = OrgId::new("kommunen").unwrap();
    for i in 1..=copies {
        let text = match i {
            1 => JONKOPING.to_owned(),
            _ => JONKOPING
                .replace("id = \"jonkoping-2022\"", &format!("id = \"jonkoping-2022-{i}\""))
                .replace(".example\"", &format!("-{i}.example\"")),
        };
        let pf = planfile::parse(&text).unwrap();
        for e in pf.events() {
            post(&lurl, &serde_json::to_value(new_event(pf.plan_id(), &kommunen, &e)).unwrap()).await;
        }
        add_people(&lurl, &pf).await;
    }
    let pf = planfile::parse(JONKOPING).unwrap();
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
    Stack { _nats: nats, ledger: lurl, smtp, settings: s, plan: pf, copies, cancel, _dirs: (ldir, ndir) }
}

/// Puts the people a plan file names into the ledger's directory, as `lofte plan import` does.
pub async fn add_people(ledger: &str, pf: &planfile::PlanFile) {
    for p in pf.people() {
        let r = reqwest::Client::new().post(format!("{ledger}/v1/people")).json(p).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }
}

/// Appends `body`; while the ledger is starting (503: it checks its log against the stream before
/// taking appends), tries again.
pub async fn post(ledger: &str, body: &Value) -> Value {
    let r = poll_until("the ledger to take appends", Duration::from_secs(20), || async {
        let r = reqwest::Client::new().post(format!("{ledger}/v1/events")).json(body).send().await.unwrap();
        if r.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE {
            return Err(r.text().await.unwrap());
        }
        Ok(Some(r))
    })
    .await
    .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

pub async fn tick(url: &str, now: &str) -> Value {
    reqwest::Client::new().post(format!("{url}/v1/tick?now={now}")).send().await.unwrap().json().await.unwrap()
}

/// Every `reminder_sent` event in the ledger.
pub async fn reminders_recorded(ledger: &str) -> Vec<Value> {
    let (mut after, mut found) = (0, vec![]);
    loop {
        let page: Value =
            reqwest::get(format!("{ledger}/v1/events?after={after}&limit=1000")).await.unwrap().json().await.unwrap();
        let events = page["events"].as_array().unwrap();
        if events.is_empty() {
            return found;
        }
        found.extend(events.iter().filter(|e| e["kind"] == "reminder_sent").cloned());
        after = page["next_after"].as_u64().unwrap();
    }
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
) -> (String, CancellationToken, tokio::task::JoinHandle<Result<(), lofte_notifier::AppError>>) {
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

/// The Message-ID of every `.eml` file in `dir` (the file transport's mails), one per file.
pub fn message_ids_in(dir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return vec![] };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| {
            let raw = std::fs::read_to_string(&p).unwrap();
            Mail { raw }.header("Message-ID").unwrap_or_else(|| panic!("{} has no Message-ID", p.display()))
        })
        .collect()
}
