//! A log built by hand for fold and report tests: a sample plan's events, then whatever a test
//! records, as envelopes (ids are 1, 2, 3, … so tests can name them).

#![allow(dead_code)]

use lofte_proto::{
    command::parse_event,
    envelope::Envelope,
    fold::{fold_plan, FoldOptions, PlanSummary},
    ids::{LedgerId, OrgId, PlanId},
    planfile, Hash,
};
use serde_json::Value;
use uuid::Uuid;

/// A log built by hand: the plan file's events, then whatever a test records.
pub struct Log {
    pub plan: PlanId,
    pub leads: std::collections::BTreeMap<String, String>,
    pub events: Vec<Envelope>,
}

impl Log {
    pub fn of(file: &str, at: &str) -> Log {
        let path = format!("{}/../deploy/plans/{file}", env!("CARGO_MANIFEST_DIR"));
        let pf = planfile::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut log = Log {
            plan: pf.plan_id().clone(),
            leads: pf.activities().iter().map(|a| (a.id.to_string(), a.lead.to_string())).collect(),
            events: vec![],
        };
        for e in pf.events() {
            log.push(at, "kommunen", e);
        }
        log
    }

    pub fn push(&mut self, at: &str, actor: &str, event: lofte_proto::Event) -> Uuid {
        let seq = self.events.len() as u64 + 1;
        let id = Uuid::from_u128(seq as u128);
        self.events.push(Envelope {
            id,
            ledger: LedgerId::new("test").unwrap(),
            seq,
            prev_hash: Hash::GENESIS,
            hash: Hash::GENESIS,
            recorded_at: at.parse().unwrap(),
            plan: self.plan.clone(),
            stream: String::new(),
            stream_version: seq,
            actor: OrgId::new(actor).unwrap(),
            author: actor.into(),
            schema: 1,
            event,
            correlation_id: None,
            causation_id: None,
            idempotency_key: None,
        });
        id
    }

    /// Records `kind` with `data` on behalf of the activity's lead.
    pub fn record(&mut self, at: &str, kind: &str, data: Value) -> Uuid {
        let actor = data["activity"].as_str().and_then(|a| self.leads.get(a)).cloned().unwrap_or("kommunen".into());
        self.push(at, &actor, parse_event(kind, data).unwrap())
    }

    pub fn fold(&self, opts: FoldOptions) -> PlanSummary {
        fold_plan(&self.plan, &self.events, &opts).unwrap()
    }
}
