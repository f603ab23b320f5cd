//! The auditor's commands against real parts: an export verifies (and a changed byte is named by
//! seq); replaying the export twice, from the ledger, and through the live projector gives
//! identical report bytes.

use std::time::Duration;

use lofte_test_support::poll_until;
use serde_json::Value;

use super::{
    live::{import_eksjo, live, measure},
    plan_import::{lofte, text},
};

const AS_OF: &str = "2030-01-01T00:00:00Z";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_verify_and_replay_match_the_projector_byte_for_byte() {
    let live = live().await;
    let (l, p) = (live.ledger.clone(), live.projector.clone());

    import_eksjo(&l).await;
    for (date, count) in [("2017-03-01", "minst 8"), ("2017-06-01", "ca 5"), ("2017-10-01", "5")] {
        let out = lofte(&measure(&l, date, count)).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
    }

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.jsonl");
    let out = lofte(&["audit", "export", "--out", file.to_str().unwrap(), "--ledger", &l]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 22);
    let out = lofte(&["audit", "verify", "--from", file.to_str().unwrap()]).await;
    assert!(out.status.success() && text(&out.stdout).starts_with("ok: 22 events"), "{}", text(&out.stderr));

    let replay = |from: Option<&str>| {
        let mut args = vec!["audit", "replay", "--plan", "eksjo-2017", "--format", "md", "--as-of", AS_OF, "--ledger"];
        args.push(&l);
        if let Some(f) = from {
            args.extend(["--from", f]);
        }
        let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        async move { lofte(&args.iter().map(String::as_str).collect::<Vec<_>>()).await }
    };
    let a = replay(Some(file.to_str().unwrap())).await;
    let b = replay(Some(file.to_str().unwrap())).await;
    let c = replay(None).await;
    assert!(a.status.success(), "{}", text(&a.stderr));
    assert_eq!(a.stdout, b.stdout, "the same export replays to the same bytes");
    assert_eq!(a.stdout, c.stdout, "the export and the live log replay alike");
    assert!(text(&a.stdout).contains("Trafikkontroller: minst 8 tillfällen."));

    // The live projector, once it has everything, serves exactly the same report.
    poll_until("the projector to catch up", Duration::from_secs(20), || async {
        let v: Value = reqwest::get(format!("{p}/v1/plans/eksjo-2017/summary?as_of={AS_OF}"))
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((v["last_seq"] == 22).then_some(()))
    })
    .await
    .unwrap();
    let served =
        lofte(&["report", "--plan", "eksjo-2017", "--format", "md", "--as-of", AS_OF, "--projector", &p]).await;
    assert!(served.status.success(), "{}", text(&served.stderr));
    assert_eq!(served.stdout, a.stdout, "the projector and the auditor's replay agree byte for byte");

    // The ledger against its copy in the stream: the same 22 events, once each, same hashes.
    let out = lofte(&["audit", "verify", "--nats", &live.nats.url(), "--ledger", &l]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("the stream holds the same 22 events"), "{}", text(&out.stdout));
    // A rogue copy of seq 3 published into the stream under another message id is caught.
    let js = async_nats::jetstream::new(async_nats::connect(live.nats.url()).await.unwrap());
    let page: Value = reqwest::get(format!("{l}/v1/events?after=2&limit=1")).await.unwrap().json().await.unwrap();
    let third = &page["events"][0];
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Lofte-Ledger", "local");
    headers.insert("Lofte-Seq", "3");
    headers.insert("Lofte-Hash", third["hash"].as_str().unwrap());
    let subject = format!("lofte.v1.local.eksjo-2017.{}", third["kind"].as_str().unwrap());
    js.publish_with_headers(subject, headers, serde_json::to_vec(third).unwrap().into()).await.unwrap().await.unwrap();
    let out = lofte(&["audit", "verify", "--nats", &live.nats.url(), "--ledger", &l]).await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("seq 3 of ledger local is in the stream 2 times"), "{}", text(&out.stderr));

    // A changed byte in the export is named by its seq.
    let mut lines: Vec<String> = std::fs::read_to_string(&file).unwrap().lines().map(str::to_owned).collect();
    lines[20] = lines[20].replacen("\"ca 5\"", "\"ca 6\"", 1);
    std::fs::write(&file, lines.join("\n")).unwrap();
    let out = lofte(&["audit", "verify", "--from", file.to_str().unwrap()]).await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("broken at seq 21"), "{}", text(&out.stderr));
}
