//! The real `lofte-projector` binary SIGKILLed mid-stream, and again during rebuilds, and
//! restarted: its summary then equals the fold of the ledger's own log (what an auditor's replay
//! computes) — nothing lost, nothing counted twice. Provenance and pending are checked on the
//! same data.

use std::time::Duration;

use jiff::Timestamp;
use lofte_proto::{
    envelope::Envelope,
    fold::{fold_plan, FoldOptions},
    ids::PlanId,
    upcast::Upcasters,
};
use lofte_test_support::{poll_until, NatsServer, ServiceProcess};
use serde_json::{json, Value};

use super::e2e::{import_eksjo, ledger, post};

const AS_OF: &str = "2030-01-01T00:00:00Z";

async fn ledger_log(url: &str) -> Vec<Envelope> {
    let mut out = vec![];
    let mut after = 0;
    loop {
        let page: Value =
            reqwest::get(format!("{url}/v1/events?after={after}&limit=1000")).await.unwrap().json().await.unwrap();
        let events = page["events"].as_array().unwrap();
        if events.is_empty() {
            return out;
        }
        for e in events {
            out.push(Envelope::decode(&serde_json::to_vec(e).unwrap(), &Upcasters::standard()).unwrap());
        }
        after = page["next_after"].as_u64().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_projector_killed_mid_stream_ends_with_the_auditors_summary() {
    let nats = NatsServer::start().await.unwrap();
    let l = ledger("eksjo", Some(nats.url())).await;
    import_eksjo(&l.url).await;
    for i in 0..300u32 {
        let (date, count) = (
            format!("2017-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
            if i % 3 == 0 { json!(format!("ca {i}")) } else { json!(i) },
        );
        post(&l.url, &json!({"plan": "eksjo-2017", "actor": "polisen", "kind": "measure_counted", "data": {
            "activity": "trafikkontroller", "date": date, "metric": "trafikkontroller", "count": count, "area": "ostra-kommundelen"}}))
        .await;
    }
    let dir = tempfile::tempdir().unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_lofte-projector"));
    let ledger_arg = format!("eksjo={}", l.url);
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--nats-url",
        &nats.url(),
        "--ledger",
        &ledger_arg,
    ];
    for pause in [15u64, 40, 90] {
        let mut p = ServiceProcess::start(bin, &args).unwrap();
        tokio::time::sleep(Duration::from_millis(pause)).await;
        p.kill();
    }
    // Killed again during (or just after) a rebuild's replay: the views were dropped, the
    // durable consumer too; the next start delivers the stream again and skips what was applied.
    for pause in [0u64, 5, 20] {
        let mut p = ServiceProcess::start(bin, &args).unwrap();
        let r = reqwest::Client::new().post(format!("{}/v1/admin/rebuild", p.url)).send().await.unwrap();
        assert_eq!(r.status(), 202);
        tokio::time::sleep(Duration::from_millis(pause)).await;
        p.kill();
    }
    let p = ServiceProcess::start(bin, &args).unwrap();
    let head = ledger_log(&l.url).await.last().unwrap().seq;
    let url = format!("{}/v1/plans/eksjo-2017/summary?as_of={AS_OF}", p.url);
    let served: Value = poll_until("the projector to catch up", Duration::from_secs(30), || async {
        let v: Value = reqwest::get(&url).await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
        Ok::<_, String>((v["last_seq"].as_u64() == Some(head)).then_some(v))
    })
    .await
    .unwrap();
    let as_of: Timestamp = AS_OF.parse().unwrap();
    let opts = FoldOptions { as_of: Some(as_of), today: Some(lofte_proto::date::local_date(as_of)) };
    let replayed = fold_plan(&PlanId::new("eksjo-2017").unwrap(), &ledger_log(&l.url).await, &opts).unwrap();
    assert_eq!(
        served,
        serde_json::to_value(&replayed).unwrap(),
        "the projector differs from a replay of the ledger's log"
    );

    // Provenance: every event behind the T1 traffic-control figure, with its content.
    let prov: Value =
        reqwest::get(format!("{}/v1/plans/eksjo-2017/provenance?activity=trafikkontroller&tertial=2017-T1", p.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let fig = &prov["tertials"][0]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["figure"] == "measure:trafikkontroller")
        .unwrap()
        .clone();
    assert_eq!(fig["events"].as_array().unwrap().len(), 100, "T1 holds the 100 counts dated January–April");
    assert_eq!(fig["events"][0]["id"], fig["event_ids"][0]);
    // Pending: Polisen has submitted nothing for T1.
    let pending: Value = reqwest::get(format!("{}/v1/plans/eksjo-2017/pending?tertial=2017-T1", p.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        pending["pending"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["activity"] == "trafikkontroller" && x["pending"][0] == "polisen"),
        "{pending}"
    );
}
