//! The notifier rebuilds its views as the projector does (`POST /v1/admin/rebuild`), and sends
//! no mail while they hold part of the history: a follow-up reported long ago would look due.
//!
//! The rebuild is held half-way deterministically: a second ledger, which publishes nothing,
//! holds a copy of the plan; only its last event is in the stream (a gap, back-filled from the
//! ledger's API through a gate). With the gate closed the replay cannot fill the gap, so the
//! views stay incomplete for as long as the test needs.

use std::time::Duration;

use async_nats::jetstream::{self, message::PublishMessage};
use lofte_ledger::{App as Ledger, Settings as LedgerSettings};
use lofte_proto::{command::new_event, ids::OrgId, planfile};
use lofte_test_support::{poll_until, Gate};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::stack::{add_people, head, notifier, post, reminders_recorded, stack, tick};

/// A ledger that publishes nothing (no NATS), holding a copy of Jönköping 2022 for other people.
async fn quiet_ledger(cancel: &CancellationToken, dir: &std::path::Path, directory: &str) -> String {
    let mut s = LedgerSettings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.to_owned(),
        ledger_id: "quiet".parse().unwrap(),
        ..LedgerSettings::default()
    };
    s.nats.connection.url = None;
    let app = Ledger::build(s).await.unwrap();
    let url = format!("http://{}", app.addr());
    tokio::spawn(app.run(cancel.clone()));
    let text = include_str!("../../../../deploy/plans/jonkoping-2022.toml")
        .replace("id = \"jonkoping-2022\"", "id = \"jonkoping-2022-q\"")
        .replace(".example\"", "-q.example\"");
    let pf = planfile::parse(&text).unwrap();
    let kommunen = OrgId::new("kommunen").unwrap();
    for e in pf.events() {
        post(&url, &serde_json::to_value(new_event(pf.plan_id(), &kommunen, &e)).unwrap()).await;
    }
    // Its people are in the directory of the ledger the notifier reads people from.
    add_people(directory, &pf).await;
    url
}

/// A counter or gauge from the notifier's `/metrics`.
async fn metric(url: &str, name: &str) -> u64 {
    let text = reqwest::get(format!("{url}/metrics")).await.unwrap().text().await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("{name} not in {text}"))
        .parse()
        .unwrap()
}

async fn rebuild(url: &str) {
    let r = reqwest::Client::new().post(format!("{url}/v1/admin/rebuild")).send().await.unwrap();
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
}

/// Waits until the views hold the whole stream again.
async fn rebuilt(url: &str) {
    poll_until("the rebuild to end", Duration::from_secs(30), || async {
        Ok::<_, String>((metric(url, "lofte_notifier_rebuilding").await == 0).then_some(()))
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_mail_goes_out_while_the_views_are_rebuilt() {
    let mut st = stack().await;
    let reporters: usize = st.reporters();
    let (cancel, qdir) = (CancellationToken::new(), tempfile::tempdir().unwrap());
    let quiet = quiet_ledger(&cancel, qdir.path(), &st.ledger).await;
    let gate = Gate::start(&quiet, true).await.unwrap();
    let quiet_head = head(&quiet).await;
    let page: Value = reqwest::get(format!("{quiet}/v1/events?after={}&limit=1", quiet_head - 1))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let last = &page["events"][0];
    let js = jetstream::new(async_nats::connect(st.settings.nats.url.clone().unwrap()).await.unwrap());
    let subject = format!("lofte.v1.quiet.{}.{}", last["plan"].as_str().unwrap(), last["kind"].as_str().unwrap());
    let msg = PublishMessage::build().payload(serde_json::to_vec(last).unwrap().into()).message_id("quiet:last");
    js.send_publish(subject, msg).await.unwrap().await.unwrap();
    st.settings.ledgers.insert("quiet".into(), gate.url().to_owned());
    let all = head(&st.ledger).await + quiet_head;
    let (url, stop, task) = notifier(&st.settings, all).await;

    // The gap's ledger away, a rebuild: the replay applies the other ledger's events and holds
    // the quiet one back — twice more met, so everything the stream holds has been processed.
    gate.set_open(false);
    rebuild(&url).await;
    let errors = metric(&url, "lofte_notifier_errors_total").await;
    poll_until("the gap to be met twice more", Duration::from_secs(30), || async {
        Ok::<_, String>((metric(&url, "lofte_notifier_errors_total").await >= errors + 2).then_some(()))
    })
    .await
    .unwrap();
    assert_eq!(metric(&url, "lofte_notifier_rebuilding").await, 1);

    // 2 May 2022: every organisation of both plans owes the T1 follow-up — but the views are
    // incomplete, so no tick runs.
    let r = reqwest::Client::new().post(format!("{url}/v1/tick?now=2022-05-02T08:00:00Z")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert!(r.headers().contains_key("retry-after"));
    let problem: Value = r.json().await.unwrap();
    assert!(problem["type"].as_str().unwrap().ends_with("rebuilding"), "{problem}");
    assert!(st.smtp.messages().is_empty(), "no mail while rebuilding");
    assert!(reminders_recorded(&st.ledger).await.is_empty());

    // The ledger answers again: the gap is filled, the rebuild ends, the tick sends each mail once.
    gate.set_open(true);
    rebuilt(&url).await;
    let r = tick(&url, "2022-05-02T08:00:00Z").await;
    assert_eq!(r["sent"], 2 * reporters, "{r}");
    assert_eq!(st.smtp.messages().len(), 2 * reporters);

    // Rebuilt again: what was sent is kept apart from the views, so nothing goes twice.
    rebuild(&url).await;
    rebuilt(&url).await;
    assert_eq!(tick(&url, "2022-05-02T09:00:00Z").await["sent"], 0);
    assert_eq!(st.smtp.messages().len(), 2 * reporters);

    stop.cancel();
    task.await.unwrap().unwrap();
    cancel.cancel();
}
