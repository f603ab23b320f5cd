//! Hostile input, fuzzed: schemathesis (from `.tools/`, installed by `deploy/dev/tools.sh`)
//! generates requests for every operation of the ledger's, the projector's and the notifier's
//! OpenAPI documents — valid ones and malformed ones — as a coordinator, a reporter, an auditor
//! and anonymously, against the whole stack of `lofte up` with the sample data. It fails on any
//! 5xx, on an answer its documents do not declare, on a rejection that is not problem+json, on a
//! log changed by a rejected request (same last seq and head hash) and on a token echoed back:
//! see `tests/fuzz/lofte_checks.py`. `LOFTE_FUZZ_SEED` and `LOFTE_FUZZ_EXAMPLES` (per operation)
//! vary the run; the default is fixed so that CI is reproducible.

use std::{collections::BTreeMap, path::PathBuf, process::Command};

use super::up::{stop, until_ready, up_with_env, ONE_AT_A_TIME};

const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
    response_headers_conformance,response_schema_conformance,negative_data_rejection,\
    missing_required_header,unsupported_method,ignored_auth,\
    rejection_is_problem_json,log_unchanged_after_rejection,no_secret_in_body";

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn schemathesis() -> PathBuf {
    let bin = root().join(".tools/bin/schemathesis");
    assert!(
        bin.is_file(),
        "schemathesis is not installed at {}: run `bash deploy/dev/tools.sh` (or `bash deploy/test`), \
         which installs the pinned version into .tools/",
        bin.display()
    );
    bin
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_survives_fuzzing_and_rejections_write_nothing() {
    let bin = schemathesis();
    let _turn = ONE_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().unwrap();
    // The fuzzer is one fast client: let it through the rate limit (429 has its own tests), and
    // keep the notifier's own clock from ticking while it runs.
    let mut env = vec![("LOFTE__NOTIFIER__TICK_SECS".to_owned(), "1000000")];
    for svc in ["LEDGER", "PROJECTOR", "NOTIFIER"] {
        env.push((format!("LOFTE__{svc}__AUTH__RATE_PER_SEC"), "100000"));
        env.push((format!("LOFTE__{svc}__AUTH__BURST"), "100000"));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let (mut child, rx) = up_with_env(data.path(), &[], &env);
    let lines = until_ready(&rx);
    let url = |name: &str| {
        lines.iter().find(|l| l.starts_with(name)).and_then(|l| l.split_whitespace().nth(1)).unwrap().to_owned()
    };
    let tokens: BTreeMap<String, String> =
        toml::from_str(&std::fs::read_to_string(data.path().join("demo-tokens.toml")).unwrap()).unwrap();
    let secrets = tokens.values().cloned().collect::<Vec<_>>().join(",");
    let seed = std::env::var("LOFTE_FUZZ_SEED").unwrap_or_else(|_| "1".into());
    let examples = std::env::var("LOFTE_FUZZ_EXAMPLES").unwrap_or_else(|_| "25".into());
    let work = tempfile::tempdir().unwrap();

    let mut failed = vec![];
    for service in ["ledger", "projector", "notifier"] {
        for who in ["coordinator", "reporter-polisen", "auditor", "anonymous"] {
            let mut cmd = Command::new(&bin);
            cmd.args(["run", &format!("{}/openapi.json", url(service)), "--checks", CHECKS])
                .args(["--seed", &seed, "--max-examples", &examples, "--workers", "1"])
                .args(["--suppress-health-check", "all", "--request-timeout", "30"])
                .current_dir(work.path())
                .env("NO_COLOR", "1")
                .env("PYTHONPATH", root().join("tests/fuzz"))
                .env("SCHEMATHESIS_HOOKS", "lofte_checks")
                .env("LOFTE_FUZZ_LEDGER", url("ledger"))
                .env("LOFTE_FUZZ_READ_TOKEN", &tokens["auditor"])
                .env("LOFTE_FUZZ_SECRETS", &secrets);
            if let Some(t) = tokens.get(who) {
                cmd.args(["--header", &format!("Authorization: Bearer {t}")]);
            }
            let out = cmd.output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
            let generated = cases_generated(&text);
            eprintln!("fuzz {service} as {who}: {generated} cases, {}", out.status);
            if !out.status.success() || generated == 0 {
                failed.push(format!("== {service} as {who} ({}) ==\n{text}", out.status));
            }
        }
    }
    let head_before = head(&url("ledger"), &tokens["auditor"]).await;
    hostile_queries(&url("ledger"), &url("projector"), &url("notifier"), &tokens["coordinator"]).await;
    assert_eq!(head(&url("ledger"), &tokens["auditor"]).await, head_before, "a refused query wrote something");
    // The chain is intact after it all.
    let verify = verify(&url("ledger"), &tokens["auditor"]).await;
    stop(&mut child);
    assert!(failed.is_empty(), "schemathesis found problems:\n{}", failed.join("\n"));
    assert_eq!(verify["ok"], true, "{verify}");
}

/// Hostile paths and query strings, one row each: status and field at fault, as problem+json.
async fn hostile_queries(ledger: &str, projector: &str, notifier: &str, token: &str) {
    let long = "x".repeat(30_000);
    let plan = format!("{projector}/v1/plans/jonkoping-2022");
    let rows: Vec<(String, u16, &str)> = vec![
        (format!("{plan}/summary?tertial=%FF"), 422, "tertial"),
        (format!("{plan}/summary?tertial=2022-T1%00"), 422, "tertial"),
        (format!("{plan}/summary?tertial=99999999999999999999999-T1"), 422, "tertial"),
        (format!("{plan}/summary?as_of=2024-02-30T00:00:00Z"), 422, "as_of"),
        (format!("{plan}/summary?tertial={long}"), 422, "tertial"),
        (format!("{plan}/summary?x[y][z]=1"), 422, ""),
        (format!("{plan}/report?format=%1B%5B31m"), 422, "format"),
        (format!("{plan}/provenance?activity=%E2%80%AEevil"), 422, "activity"),
        (format!("{projector}/v1/plans/%FF%FE/summary"), 400, ""),
        (format!("{projector}/v1/plans/{long}/summary"), 422, "plan"),
        (format!("{projector}/v1/plans/jonk%00oping/report"), 422, "plan"),
        (format!("{ledger}/v1/events?after=-1"), 422, ""),
        (format!("{ledger}/v1/events?after=18446744073709551616"), 422, ""),
        (format!("{ledger}/v1/events?limit=1e3"), 422, ""),
        (format!("{ledger}/v1/events/%FF"), 400, ""),
        (format!("{ledger}/v1/events/{long}"), 422, "id"),
        (format!("{notifier}/v1/tick?now=2024-02-30T08:00:00Z"), 422, "now"),
        (format!("{notifier}/v1/tick?now=%FF"), 422, "now"),
    ];
    let client = reqwest::Client::new();
    for (url, status, field) in rows {
        let req = if url.starts_with(notifier) { client.post(&url) } else { client.get(&url) };
        let resp = req.bearer_auth(token).send().await.unwrap();
        let shown = &url[..url.len().min(120)];
        assert_eq!(resp.status().as_u16(), status, "{shown}");
        assert_eq!(resp.headers()["content-type"], "application/problem+json", "{shown}");
        let p: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(p["field"].as_str().unwrap_or(""), field, "{shown}: {p}");
        assert!(p["detail"].as_str().unwrap().len() < 2_000, "{shown}: the answer echoes the input");
    }
}

async fn verify(ledger: &str, token: &str) -> serde_json::Value {
    let resp = reqwest::Client::new().get(format!("{ledger}/v1/verify")).bearer_auth(token).send().await.unwrap();
    resp.json().await.unwrap()
}

/// The ledger's last seq and head hash.
async fn head(ledger: &str, token: &str) -> serde_json::Value {
    let v = verify(ledger, token).await;
    serde_json::json!([v["head_seq"], v["head_hash"]])
}

/// "Test cases:\n  502 generated, …" → 502.
fn cases_generated(text: &str) -> u64 {
    text.lines()
        .skip_while(|l| !l.starts_with("Test cases:"))
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
