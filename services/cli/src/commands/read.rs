//! `lofte pending` and `lofte report`: read from the projector.

use anyhow::{anyhow, Context};
use serde_json::Value;

use crate::{
    cli::{PlanTertial, ReportArgs},
    global::Global,
};

async fn get(g: &Global, url: &str) -> anyhow::Result<(reqwest::StatusCode, String)> {
    let resp = g.http.get(url).send().await.map_err(|e| {
        if e.is_connect() {
            anyhow!("cannot reach the projector: connection refused (is lofte-projector running? set --projector or LOFTE_PROJECTOR_URL)")
        } else {
            anyhow!("cannot reach the projector: {e}")
        }
    })?;
    let status = resp.status();
    Ok((status, resp.text().await.context("reading the answer")?))
}

fn refusal(body: &str, status: reqwest::StatusCode) -> anyhow::Error {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let detail = v["detail"].as_str().map_or_else(|| format!("the projector answered {status}"), str::to_owned);
    match v["field"].as_str() {
        Some(f) => anyhow!("{detail} (--{f})"),
        None => anyhow!("{detail}"),
    }
}

pub async fn pending(g: &Global, p: &PlanTertial) -> anyhow::Result<()> {
    let mut url = format!("{}/v1/plans/{}/pending", g.projector.trim_end_matches('/'), p.plan);
    if let Some(t) = &p.tertial {
        url.push_str(&format!("?tertial={t}"));
    }
    let (status, body) = get(g, &url).await?;
    if !status.is_success() {
        return Err(refusal(&body, status));
    }
    let v: Value = serde_json::from_str(&body)?;
    if g.json {
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    let rows = v["pending"].as_array().cloned().unwrap_or_default();
    if rows.is_empty() {
        println!("Inga uppföljningar saknas.");
    }
    for r in rows {
        let orgs: Vec<&str> = r["pending"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        println!(
            "{:<8} {:<40} {}",
            r["tertial"].as_str().unwrap_or(""),
            r["activity"].as_str().unwrap_or(""),
            orgs.join(", ")
        );
    }
    Ok(())
}

pub async fn report(g: &Global, r: &ReportArgs) -> anyhow::Result<()> {
    let mut url = format!("{}/v1/plans/{}/report?format={}", g.projector.trim_end_matches('/'), r.plan, r.format);
    if let Some(t) = &r.tertial {
        url.push_str(&format!("&tertial={t}"));
    }
    if let Some(a) = &r.as_of {
        url.push_str(&format!("&as_of={a}"));
    }
    let (status, body) = get(g, &url).await?;
    if !status.is_success() {
        return Err(refusal(&body, status));
    }
    print!("{body}");
    Ok(())
}
