//! A full disk, on a real small filesystem: a tmpfs mounted for the test (root is needed; without
//! it the test fails saying so). A real `lofte-ledger` writes its log there; a filler file takes
//! the remaining space, and appends go on until the writer fails. From then on appends get `503`
//! saying the ledger must be restarted, and `/healthz` fails, so that a supervisor restarts it:
//! sled keeps its first I/O error for as long as the database is open, so freeing space does not
//! bring the writer back (ADR 0001). The test then frees the space and acts as the supervisor; the
//! restarted ledger has every acknowledged event at its seq, verifies, and takes appends again.

use std::{
    collections::BTreeMap,
    io::Write,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use lofte_test_support::{poll_until, ServiceProcess};
use reqwest::{header::HeaderMap, StatusCode};
use serde_json::Value;

use super::common::{patrol, plan_commands};

const CLIENTS: usize = 4;
/// Appends each client tries before deciding the disk never filled.
const MAX_TRIES: usize = 5_000;

/// A tmpfs of `size` mounted on a fresh temporary directory; unmounted on drop (also when the
/// test panics). Drop the processes using it first.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(o) if o.status.success() => Tmpfs { dir },
            Ok(o) => panic!(
                "cannot mount a {size} tmpfs on {}: {}\nThis test fills a small filesystem of its own and needs \
                 root (or CAP_SYS_ADMIN) to mount it: run the tests as root, e.g. sudo -E cargo test -p \
                 lofte-ledger --test it disk_full",
                dir.path().display(),
                String::from_utf8_lossy(&o.stderr).trim()
            ),
            Err(e) => panic!("cannot run mount(8) to mount a tmpfs for the test: {e}; install util-linux's mount"),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let umount = |lazy: bool| {
            let mut c = Command::new("umount");
            if lazy {
                c.arg("-l");
            }
            c.arg(self.dir.path()).status().is_ok_and(|s| s.success())
        };
        if !umount(false) && !umount(true) {
            eprintln!("could not unmount the test's tmpfs at {}", self.dir.path().display());
        }
    }
}

/// Writes `path` until the filesystem is full; returns the bytes written.
fn fill(path: &Path) -> u64 {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0xa5u8; 64 * 1024];
    let mut written = 0;
    loop {
        match f.write(&chunk) {
            Ok(0) => panic!("the filler stopped growing without ENOSPC"),
            Ok(n) => written += n as u64,
            Err(e) if e.kind() == std::io::ErrorKind::StorageFull => return written,
            Err(e) => panic!("writing the filler: {e}"),
        }
    }
}

fn start(data: &Path) -> ServiceProcess {
    let bin = Path::new(env!("CARGO_BIN_EXE_lofte-ledger"));
    ServiceProcess::start(bin, &["--listen", "127.0.0.1:0", "--data-dir", data.to_str().unwrap()])
        .expect("ledger starts")
}

/// POSTs `body` as an event, with an `Idempotency-Key` if given.
async fn append(
    client: &reqwest::Client,
    url: &str,
    body: &Value,
    key: Option<&str>,
) -> (StatusCode, HeaderMap, Value) {
    let mut req = client.post(format!("{url}/v1/events")).json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let resp = req.send().await.expect("the ledger answers");
    let (status, headers) = (resp.status(), resp.headers().clone());
    let text = resp.text().await.unwrap();
    (status, headers, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn get(client: &reqwest::Client, url: &str, path: &str) -> (StatusCode, HeaderMap, Value) {
    let resp = client.get(format!("{url}{path}")).send().await.expect("the ledger answers");
    let (status, headers) = (resp.status(), resp.headers().clone());
    let text = resp.text().await.unwrap();
    (status, headers, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn is_problem(h: &HeaderMap) -> bool {
    h.get("content-type").is_some_and(|v| v == "application/problem+json")
}

/// What the test saw acknowledged (id → seq) and refused (key → body).
#[derive(Default)]
struct Seen {
    acked: BTreeMap<String, u64>,
    refused: Vec<(String, Value, StatusCode, HeaderMap, Value)>,
}

/// One client appending with keys until its first answer other than `201`.
async fn until_refused(client: reqwest::Client, url: String, c: usize) -> Seen {
    let mut seen = Seen::default();
    for i in 0..MAX_TRIES {
        let body = patrol(&format!("2022-{:02}-{:02}", c % 12 + 1, i % 28 + 1), Value::from(i % 50));
        let key = format!("full-c{c}-i{i}");
        let (status, headers, v) = append(&client, &url, &body, Some(&key)).await;
        if status != StatusCode::CREATED {
            seen.refused.push((key, body, status, headers, v));
            return seen;
        }
        seen.acked.insert(v["id"].as_str().unwrap().to_owned(), v["seq"].as_u64().unwrap());
    }
    panic!("client {c}: {MAX_TRIES} appends were acknowledged on a full filesystem; did the filler not fill it?")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_fails_healthz_and_a_restart_after_freeing_space_loses_nothing() {
    // Declared first, dropped last: the ledger is killed before the filesystem is unmounted.
    let fs = Tmpfs::mount("16m");
    let data: PathBuf = fs.path().join("ledger");
    let filler = fs.path().join("filler");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let mut ledger = start(&data);
    let url = ledger.url.clone();

    let mut seen = Seen::default();
    for c in plan_commands() {
        let (s, _, v) = append(&client, &url, &c, None).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        seen.acked.insert(v["id"].as_str().unwrap().to_owned(), v["seq"].as_u64().unwrap());
    }
    for i in 0..40 {
        let (s, _, v) =
            append(&client, &url, &patrol("2022-03-14", Value::from(i)), Some(&format!("before-{i}"))).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        seen.acked.insert(v["id"].as_str().unwrap().to_owned(), v["seq"].as_u64().unwrap());
    }

    // The disk fills up; appends go on until the writer fails.
    let filled = fill(&filler);
    assert!(filled > 0, "the tmpfs had no room for a filler");
    let clients: Vec<_> = (0..CLIENTS).map(|c| tokio::spawn(until_refused(client.clone(), url.clone(), c))).collect();
    for c in clients {
        let s = c.await.unwrap();
        seen.acked.extend(s.acked);
        seen.refused.extend(s.refused);
    }
    for (key, _, status, headers, v) in &seen.refused {
        assert_eq!(*status, StatusCode::SERVICE_UNAVAILABLE, "{key}: {v}");
        assert!(is_problem(headers), "{key}: {headers:?}");
    }

    // What a supervisor looks at: the process is alive but cannot write, so it is not healthy.
    let (s, h, v) = get(&client, &url, "/healthz").await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "/healthz must fail once the writer has failed: {v}");
    assert!(is_problem(&h), "{h:?}");
    let detail = v["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("full") && detail.contains("restart"), "/healthz should say why and what to do: {v}");
    let (s, h, v) = get(&client, &url, "/readyz").await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert!(is_problem(&h), "{h:?}");

    // An append is refused honestly: it names the restart, and Retry-After is the supervisor's time.
    let late = patrol("2022-05-02", Value::from(7));
    let (s, h, v) = append(&client, &url, &late, Some("after-full")).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert!(is_problem(&h), "{h:?}");
    assert_eq!(v["type"], "urn:lofte:problem:writer-stopped", "{v}");
    let detail = v["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("restarted") && detail.contains("Idempotency-Key"), "{v}");
    assert_eq!(h.get("retry-after").and_then(|r| r.to_str().ok()), Some("30"), "{h:?}");
    seen.refused.push(("after-full".into(), late, s, h, v));

    // Space is freed. The same process still cannot write (sled keeps its error), and still says so.
    std::fs::remove_file(&filler).unwrap();
    let (s, _, v) = get(&client, &url, "/healthz").await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "/healthz must keep failing until a restart: {v}");

    // The supervisor: /healthz fails, so it restarts the ledger.
    ledger.kill();
    ledger = start(&data);
    let url = ledger.url.clone();
    let verify: Value = poll_until("the restarted ledger to answer", Duration::from_secs(30), || {
        let (client, url) = (client.clone(), url.clone());
        async move { client.get(format!("{url}/v1/verify")).send().await?.json::<Value>().await.map(Some) }
    })
    .await
    .unwrap();
    assert_eq!(verify["ok"], true, "{verify}");
    let (s, _, v) = get(&client, &url, "/healthz").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, _, doc) = get(&client, &url, "/openapi.json").await;
    let failing = &doc["paths"]["/healthz"]["get"]["responses"]["503"]["content"]["application/problem+json"];
    assert!(failing.is_object(), "the OpenAPI document should declare /healthz's 503: {}", doc["paths"]["/healthz"]);
    let (s, _, v) = get(&client, &url, "/readyz").await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Every acknowledged event is there at its seq, and the log has no gap.
    let events = all_events(&client, &url).await;
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>(), "seq has a gap");
    assert_eq!(verify["head_seq"].as_u64(), seqs.last().copied());
    let stored: BTreeMap<&str, u64> =
        events.iter().map(|e| (e["id"].as_str().unwrap(), e["seq"].as_u64().unwrap())).collect();
    for (id, seq) in &seen.acked {
        assert_eq!(stored.get(id.as_str()), Some(seq), "acknowledged event {id} (seq {seq}) lost");
    }

    // What was refused is retried with its key, as the 503 said: recorded now (or found, if it was).
    let mut head = seqs.len() as u64;
    for (key, body, ..) in &seen.refused {
        let (s, _, v) = append(&client, &url, body, Some(key)).await;
        match s {
            StatusCode::CREATED => head += 1,
            StatusCode::OK => {}
            _ => panic!("{key}: {s} {v}"),
        }
        assert!(v["seq"].as_u64().is_some_and(|seq| seq <= head), "{key}: {v}");
    }
    let (s, _, v) = append(&client, &url, &patrol("2022-05-03", Value::from(1)), Some("after-restart")).await;
    assert_eq!((s, v["seq"].as_u64()), (StatusCode::CREATED, Some(head + 1)), "{v}");
    let (_, _, verify) = get(&client, &url, "/v1/verify").await;
    assert_eq!((verify["ok"].as_bool(), verify["head_seq"].as_u64()), (Some(true), Some(head + 1)), "{verify}");
    drop(ledger);
}

async fn all_events(client: &reqwest::Client, url: &str) -> Vec<Value> {
    let mut out = vec![];
    let mut after = 0;
    loop {
        let (_, _, page) = get(client, url, &format!("/v1/events?after={after}&limit=1000")).await;
        let events = page["events"].as_array().unwrap();
        if events.is_empty() {
            return out;
        }
        after = page["next_after"].as_u64().unwrap();
        out.extend(events.iter().cloned());
    }
}
