//! The approval story end to end (ledger, NATS, projector, the CLI as a subprocess): reporters log
//! T1; a coordinator approves it and the approved report is kept; a later T1 record shows as a
//! late amendment; an auditor's replay as of the approval moment equals the approved report.

use std::time::Duration;

use lofte_test_support::poll_until;
use serde_json::Value;

use super::{
    live::{import_eksjo, live, measure},
    plan_import::{lofte, text},
};

async fn caught_up(p: &str, l: &str) {
    let head: Value = reqwest::get(format!("{l}/readyz")).await.unwrap().json().await.unwrap();
    let head = head["head_seq"].as_u64().unwrap();
    poll_until("the projector to catch up", Duration::from_secs(20), || async {
        let v: Value = reqwest::get(format!("{p}/v1/plans/eksjo-2017/summary"))
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((v["last_seq"].as_u64() == Some(head)).then_some(()))
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_as_of_the_approval_equals_the_approved_report() {
    let live = live().await;
    let (l, p) = (live.ledger.clone(), live.projector.clone());

    import_eksjo(&l).await;
    for (date, count) in [("2017-02-01", "minst 5"), ("2017-03-01", "3")] {
        assert!(lofte(&measure(&l, date, count)).await.status.success());
    }
    let out = lofte(&[
        "submit",
        "--plan",
        "eksjo-2017",
        "--activity",
        "trafikkontroller",
        "--actor",
        "polisen",
        "--tertial",
        "2017-T1",
        "--ledger",
        &l,
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = lofte(&[
        "approve",
        "--plan",
        "eksjo-2017",
        "--tertial",
        "2017-T1",
        "--as",
        "kommunen",
        "--ledger",
        &l,
        "--json",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let approved_at = serde_json::from_slice::<Value>(&out.stdout).unwrap()["recorded_at"].as_str().unwrap().to_owned();
    caught_up(&p, &l).await;
    let report = |as_of: Option<&str>| {
        let mut args =
            vec!["report", "--plan", "eksjo-2017", "--tertial", "2017-T1", "--format", "md", "--projector", &p];
        if let Some(a) = as_of {
            args.extend(["--as-of", a]);
        }
        let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        async move { lofte(&args.iter().map(String::as_str).collect::<Vec<_>>()).await.stdout }
    };
    let approved = report(Some(&approved_at)).await;
    assert!(text(&approved).contains("godkänd") && text(&approved).contains("minst 8"), "{}", text(&approved));

    // Later, something more is recorded for T1: a late amendment.
    assert!(lofte(&measure(&l, "2017-04-20", "2")).await.status.success());
    caught_up(&p, &l).await;
    let now = text(&report(None).await);
    assert!(now.contains("minst 10") && now.contains("Sent tillägg efter godkännandet: 1 händelse."), "{now}");

    // The auditor's replay as of the approval moment is the approved report, byte for byte.
    let replay = lofte(&[
        "audit",
        "replay",
        "--plan",
        "eksjo-2017",
        "--tertial",
        "2017-T1",
        "--format",
        "md",
        "--as-of",
        &approved_at,
        "--ledger",
        &l,
    ])
    .await;
    assert!(replay.status.success(), "{}", text(&replay.stderr));
    assert_eq!(text(&replay.stdout), text(&approved));
}
