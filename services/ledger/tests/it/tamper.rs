//! Tamper evidence: change one byte of a stored event while the ledger is down, and
//! `/v1/verify` names that event's seq.

use lofte_ledger::store::Store;
use serde_json::json;

use super::common::{patrol, TestLedger};

#[tokio::test]
async fn a_changed_byte_is_named_by_verify() {
    for (victim, pick) in [(5u64, 0.5f64), (2, 0.1), (7, 0.99), (4, 0.0)] {
        let dir = tempfile::tempdir().unwrap();
        let l = TestLedger::start(dir.path()).await.with_plan().await;
        for d in 1..=5 {
            l.post(&patrol(&format!("2022-04-{d:02}"), json!(d))).await;
        }
        l.stop().await;

        let store = Store::open(dir.path(), 1 << 20).unwrap();
        let mut bytes = store.event(victim).unwrap().unwrap().to_vec();
        let at = ((bytes.len() - 1) as f64 * pick) as usize;
        bytes[at] = if bytes[at] == b'7' { b'8' } else { b'7' };
        store.tamper(victim, &bytes).unwrap();
        drop(store);

        let l = TestLedger::start(dir.path()).await;
        let (_, v) = l.get_json("/v1/verify").await;
        assert_eq!(v["ok"], false, "{v}");
        assert_eq!(v["first_bad"]["seq"], victim, "byte {at} of seq {victim}: {v}");
        assert_eq!(v["checked"], victim - 1);
        let (_, _, m) = l.get("/metrics").await;
        assert!(m.contains("lofte_ledger_chain_ok 0"), "{m}");
        l.stop().await;
    }
}
