//! `lofte audit export|verify|replay`: the auditor's view, computed here from the raw log, without
//! trusting the services. `export` streams the ledger's log as JSON lines (resumable with
//! `--after`); `verify` walks the chain locally (canonical bytes, gapless seq, prev_hash links,
//! recomputed hashes) and names the first bad seq; `replay` folds a plan's events with the same
//! fold and renders the same report the projector serves, as of any moment.

use std::io::{BufRead, Write};

use anyhow::{anyhow, Context};
use jiff::Timestamp;
use lofte_proto::{
    chain::canonical,
    date::local_date,
    envelope::Envelope,
    fold::{fold_plan, FoldOptions},
    ids::PlanId,
    report::{render, Format},
    upcast::Upcasters,
    verify::Verifier,
    Tertial,
};
use serde_json::Value;

use crate::cli::{Export, Global, Replay, VerifyArgs};

/// Reads the ledger's log after `after`, page by page, calling `each` with the stored bytes.
async fn walk(g: &Global, after: u64, mut each: impl FnMut(u64, Vec<u8>) -> anyhow::Result<()>) -> anyhow::Result<u64> {
    let base = g.ledger.trim_end_matches('/');
    let http = reqwest::Client::new();
    let mut cursor = after;
    loop {
        let url = format!("{base}/v1/events?after={cursor}&limit=1000");
        let page: Value = http
            .get(&url)
            .send()
            .await
            .map_err(|e| anyhow!("cannot reach the ledger at {base}: {e}"))?
            .json()
            .await
            .context("reading the ledger's answer")?;
        let events = page["events"].as_array().cloned().unwrap_or_default();
        if events.is_empty() {
            return Ok(cursor);
        }
        for e in events {
            let seq = e["seq"].as_u64().ok_or_else(|| anyhow!("an event without seq"))?;
            each(seq, canonical(&e))?;
            cursor = seq;
        }
    }
}

pub async fn export(g: &Global, a: &Export) -> anyhow::Result<()> {
    let mut out: Box<dyn Write> = match &a.out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .with_context(|| format!("cannot open {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut n = 0u64;
    let last = walk(g, a.after, |_, bytes| {
        out.write_all(&bytes)?;
        out.write_all(b"\n")?;
        n += 1;
        Ok(())
    })
    .await?;
    out.flush()?;
    if a.out.is_some() {
        eprintln!("exported {n} events (last seq {last}); resume with --after {last}");
    }
    Ok(())
}

fn read_export(path: &std::path::Path) -> anyhow::Result<Vec<(u64, Vec<u8>)>> {
    let f = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = vec![];
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value =
            serde_json::from_str(&line).map_err(|e| anyhow!("{}:{}: not JSON: {e}", path.display(), i + 1))?;
        let seq = v["seq"].as_u64().ok_or_else(|| anyhow!("{}:{}: no seq", path.display(), i + 1))?;
        out.push((seq, line.into_bytes()));
    }
    Ok(out)
}

pub(super) async fn records(g: &Global, from: &Option<std::path::PathBuf>) -> anyhow::Result<Vec<(u64, Vec<u8>)>> {
    match from {
        Some(p) => read_export(p),
        None => {
            let mut all = vec![];
            walk(g, 0, |seq, b| {
                all.push((seq, b));
                Ok(())
            })
            .await?;
            Ok(all)
        }
    }
}

pub async fn verify(g: &Global, a: &VerifyArgs) -> anyhow::Result<()> {
    let recs = records(g, &a.from).await?;
    let mut v = Verifier::default();
    for (seq, bytes) in &recs {
        if let Err(b) = v.push(*seq, bytes) {
            if g.json {
                println!("{}", serde_json::json!({"ok": false, "checked": v.checked(), "first_bad": b}));
            }
            return Err(anyhow!("the chain is broken at seq {}: {}", b.seq, b.reason));
        }
    }
    if g.json {
        println!("{}", serde_json::json!({"ok": true, "checked": v.checked(), "head_hash": v.head().to_string()}));
    } else {
        println!("ok: {} events, the chain verifies; head hash {}", v.checked(), v.head());
    }
    Ok(())
}

pub async fn replay(g: &Global, a: &Replay) -> anyhow::Result<()> {
    let plan = PlanId::new(a.plan.as_str()).map_err(|e| anyhow!("--plan {:?}: {e}", a.plan))?;
    let tertial = a.tertial.as_deref().map(str::parse::<Tertial>).transpose().map_err(|e| anyhow!("--tertial: {e}"))?;
    let as_of = a.as_of.as_deref().map(str::parse::<Timestamp>).transpose().map_err(|e| anyhow!("--as-of: {e}"))?;
    let format: Format = a.format.parse().map_err(|e| anyhow!("--format: {e}"))?;
    let up = Upcasters::standard();
    let events = records(g, &a.from)
        .await?
        .iter()
        .map(|(_, b)| Envelope::decode(b, &up).map_err(|e| anyhow!("an event does not decode: {e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let today = local_date(as_of.unwrap_or_else(Timestamp::now));
    let summary = fold_plan(&plan, &events, &FoldOptions { as_of, today: Some(today) })
        .ok_or_else(|| anyhow!("no plan {plan} in the log (as of that moment)"))?;
    print!("{}", render(&summary, tertial, format));
    Ok(())
}
