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
use lofte_service::nats::NatsConnection;
use serde_json::Value;

use crate::{
    cli::{Export, Replay, VerifyArgs},
    global::Global,
};

/// Reads the ledger's log after `after`, page by page, calling `each` with the stored bytes; a
/// progress bar counts the events towards the head the ledger reported on the first page.
async fn walk(g: &Global, after: u64, mut each: impl FnMut(u64, Vec<u8>) -> anyhow::Result<()>) -> anyhow::Result<u64> {
    let ledger = crate::client::Ledger::new(g);
    let mut cursor = after;
    let mut bar = None;
    loop {
        let page = ledger.client().page(cursor, 1000).await.map_err(|e| match e.problem() {
            Some(p) => anyhow!("the ledger refused to read its log: {p}"),
            None => anyhow!("{e}"),
        })?;
        let bar = bar.get_or_insert_with(|| {
            let head = page.head_seq;
            crate::progress::bar("events", head.saturating_sub(after))
        });
        let events = page.events;
        if events.is_empty() {
            bar.finish_and_clear();
            return Ok(cursor);
        }
        for e in events {
            let seq = e["seq"].as_u64().ok_or_else(|| anyhow!("an event without seq"))?;
            each(seq, canonical(&e))?;
            cursor = seq;
            bar.inc(1);
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
    let stream = match a.nats_connection() {
        Some(nats) => Some(against_stream(&nats, &a.stream, &recs).await?),
        None => None,
    };
    if g.json {
        println!(
            "{}",
            serde_json::json!({"ok": true, "checked": v.checked(), "head_hash": v.head().to_string(), "stream_checked": stream})
        );
    } else {
        println!("ok: {} events, the chain verifies; head hash {}", v.checked(), v.head());
        if let Some(n) = stream {
            println!("ok: the stream holds the same {n} events, each once, with the same hashes");
        }
    }
    Ok(())
}

/// Compares the log with its copy in the JetStream stream: every seq once, with the same hash.
async fn against_stream(nats: &NatsConnection, name: &str, recs: &[(u64, Vec<u8>)]) -> anyhow::Result<u64> {
    use async_nats::jetstream::{self, consumer::pull::OrderedConfig, consumer::DeliverPolicy};
    use futures::StreamExt;
    let Some((_, first)) = recs.first() else { return Ok(0) };
    let ledger = serde_json::from_slice::<Value>(first)?["ledger"].as_str().unwrap_or_default().to_owned();
    let js = jetstream::new(nats.connect("lofte audit verify").await?);
    let stream = js.get_stream(name).await.map_err(|e| anyhow!("stream {name}: {e}"))?;
    let mut consumer = stream
        .create_consumer(OrderedConfig {
            filter_subject: format!("lofte.v1.{ledger}.>"),
            deliver_policy: DeliverPolicy::All,
            ..Default::default()
        })
        .await
        .map_err(|e| anyhow!("reading stream {name}: {e}"))?;
    let pending = consumer.info().await.map_err(|e| anyhow!("{e}"))?.num_pending;
    let mut messages = consumer.messages().await.map_err(|e| anyhow!("{e}"))?;
    let mut in_stream: std::collections::BTreeMap<u64, Vec<String>> = Default::default();
    for _ in 0..pending {
        let m = messages.next().await.ok_or_else(|| anyhow!("the stream ended early"))?.map_err(|e| anyhow!("{e}"))?;
        let h = |k: &str| m.headers.as_ref().and_then(|h| h.get(k)).map(|v| v.as_str().to_owned()).unwrap_or_default();
        let seq: u64 = h("Lofte-Seq").parse().unwrap_or(0);
        in_stream.entry(seq).or_default().push(h("Lofte-Hash"));
    }
    for (seq, bytes) in recs {
        let hash = serde_json::from_slice::<Value>(bytes)?["hash"].as_str().unwrap_or_default().to_owned();
        match in_stream.remove(seq) {
            None => return Err(anyhow!("seq {seq} of ledger {ledger} is missing from the stream")),
            Some(h) if h.len() > 1 => {
                return Err(anyhow!("seq {seq} of ledger {ledger} is in the stream {} times", h.len()))
            }
            Some(h) if h[0] != hash => {
                return Err(anyhow!("seq {seq}: the stream has hash {} but the log {hash}", h[0]))
            }
            Some(_) => {}
        }
    }
    if let Some(seq) = in_stream.keys().next() {
        return Err(anyhow!("the stream holds seq {seq} of ledger {ledger}, which the log does not"));
    }
    Ok(recs.len() as u64)
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
