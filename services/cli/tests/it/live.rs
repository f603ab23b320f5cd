//! What several CLI tests share: a live stack (a real nats-server, a ledger publishing to it, a
//! projector following it), importing the Eksjö 2017 sample plan, and a traffic-control count.

use std::collections::BTreeMap;

use lofte_ledger::{settings::NatsSettings, App as Ledger, Settings as LedgerSettings};
use lofte_projector::{App as Projector, Settings as ProjectorSettings};
use lofte_service::nats::NatsConnection;
use lofte_test_support::NatsServer;
use tokio_util::sync::CancellationToken;

use super::plan_import::{lofte, plans, text};

/// A running stack; stopped when dropped.
pub struct Live {
    pub nats: NatsServer,
    pub ledger: String,
    pub projector: String,
    cancel: CancellationToken,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

impl Drop for Live {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

pub async fn live() -> Live {
    let nats = NatsServer::start().await.unwrap();
    let (ldir, pdir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let cancel = CancellationToken::new();
    let ledger = Ledger::build(LedgerSettings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: ldir.path().to_owned(),
        nats: NatsSettings { connection: NatsConnection::new(nats.url()), ..NatsSettings::default() },
        ..LedgerSettings::default()
    })
    .await
    .unwrap();
    let l = format!("http://{}", ledger.addr());
    tokio::spawn(ledger.run(cancel.clone()));
    let projector = Projector::build(ProjectorSettings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: pdir.path().to_owned(),
        nats: NatsConnection::new(nats.url()),
        ledgers: BTreeMap::from([("local".to_owned(), l.clone())]),
        ..ProjectorSettings::default()
    })
    .await
    .unwrap();
    let p = format!("http://{}", projector.addr());
    tokio::spawn(projector.run(cancel.clone()));
    Live { nats, ledger: l, projector: p, cancel, _dirs: (ldir, pdir) }
}

/// Imports the Eksjö 2017 sample plan (19 events) through the CLI.
pub async fn import_eksjo(ledger: &str) {
    let eksjo = plans().join("eksjo-2017.toml");
    let out = lofte(&["plan", "import", eksjo.to_str().unwrap(), "--ledger", ledger]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// `lofte log measure` of traffic controls in Eksjö's eastern part.
pub fn measure<'a>(ledger: &'a str, date: &'a str, count: &'a str) -> Vec<&'a str> {
    vec![
        "log",
        "measure",
        "--plan",
        "eksjo-2017",
        "--activity",
        "trafikkontroller",
        "--actor",
        "polisen",
        "--date",
        date,
        "--metric",
        "trafikkontroller",
        "--count",
        count,
        "--area",
        "ostra-kommundelen",
        "--ledger",
        ledger,
    ]
}
