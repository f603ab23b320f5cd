//! Reports carry an `ETag` (where the plan's views stood, and what was asked): sent back in
//! `If-None-Match`, an unchanged report is `304` without a body; anything applied to the plan, or
//! another question, is a new `200`.

use std::collections::BTreeMap;

use lofte_test_support::NatsServer;
use reqwest::StatusCode;

use super::e2e::{applied, import_eksjo, ledger, post, projector_named, traffic};

async fn get(url: &str, etag: Option<&str>) -> (StatusCode, Option<String>, String) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(e) = etag {
        req = req.header("If-None-Match", e);
    }
    let r = req.send().await.unwrap();
    let tag = r.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
    (r.status(), tag, r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_report_is_not_sent_again() {
    let nats = NatsServer::start().await.unwrap();
    let l = ledger("eksjo", Some(nats.url())).await;
    import_eksjo(&l.url).await;
    post(&l.url, &traffic("2017-03-01", "minst 8")).await;
    let p = projector_named(&nats.url(), BTreeMap::from([("eksjo".into(), l.url.clone())]), "projector-etag").await;
    applied(&p.url, 20).await;
    let report = format!("{}/v1/plans/eksjo-2017/report?tertial=2017-T1", p.url);

    let (s, tag, body) = get(&report, None).await;
    let tag = tag.expect("an ETag");
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("Trafikkontroller: minst 8 tillfällen."), "{body}");
    let (s, again, body) = get(&report, Some(&tag)).await;
    assert_eq!((s, again.as_deref(), body.as_str()), (StatusCode::NOT_MODIFIED, Some(tag.as_str()), ""));
    // Another format is another answer.
    let (s, csv_tag, _) = get(&format!("{report}&format=csv"), Some(&tag)).await;
    assert_eq!(s, StatusCode::OK);
    assert_ne!(csv_tag.as_deref(), Some(tag.as_str()));

    // Something new for the plan: the report changed, so it is sent again, with a new ETag.
    post(&l.url, &traffic("2017-03-02", "2")).await;
    applied(&p.url, 21).await;
    let (s, newer, body) = get(&report, Some(&tag)).await;
    assert_eq!(s, StatusCode::OK);
    assert_ne!(newer.as_deref(), Some(tag.as_str()));
    assert!(body.contains("Trafikkontroller: minst 10 tillfällen."), "{body}");
    // The same read again (from the cache) is byte for byte the same.
    assert_eq!(get(&report, None).await.2, body);
}
