//! Resident memory (issue 18: each ≤ 200 MB at 1,000,000 events) of the projector and the notifier,
//! each run as its own child process (the release binaries), following a real nats-server and a
//! real ledger (in this process) that holds `--plans` copies of Eksjö 2017 (default 10) and, at
//! each size, that many events spread over the plans: `measure_counted` across five activities,
//! months and days, 1% `dialogue_held`. At each size, once both have applied the whole log: every
//! plan's summary and report are read once (each plan's kept fold built), one notifier tick is
//! posted (the simulated clock moved to the next reminder occasion of T1), and after 2 s `VmRSS`
//! and `VmHWM` (peak) of each process are read from `/proc/<pid>/status`. `--cache-mb` sets
//! both sled page caches (default: each service's own, 128 and 64 MiB). Logs: target/tmp/memory-*.log.
//! The children inherit the environment, so `MIMALLOC_ARENA_EAGER_COMMIT=0 cargo bench …` measures
//! them without mimalloc's eagerly committed arena (with transparent huge pages on `madvise`, about
//! 40 MB of each one's RSS at start).
//!
//! cargo build --release -p lofte-notifier
//! cargo bench -p lofte-projector --bench memory [-- --events 100000,1000000 --plans 10 --cache-mb 128]

use std::{
    path::Path,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use lofte_ledger::{settings::NatsSettings, App as Ledger, Settings as LedgerSettings};
use lofte_proto::{command::new_event, ids::OrgId, planfile};
use lofte_service::nats::NatsConnection;
use lofte_test_support::{poll_until, NatsServer, ServiceProcess};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EKSJO: &str = include_str!("../../../deploy/plans/eksjo-2017.toml");

/// The reminder occasions of Eksjö's T1 (due 2017-05-15): one per size, in turn.
const TICKS: [&str; 4] =
    ["2017-05-01T08:00:00Z", "2017-05-12T08:00:00Z", "2017-05-15T08:00:00Z", "2017-05-17T08:00:00Z"];

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn plan_id(p: usize) -> String {
    match p {
        0 => "eksjo-2017".into(),
        _ => format!("eksjo-2017-{}", p + 1),
    }
}

/// The `i`th event: plan `i % plans`; activity, date and count vary with `i / plans`.
fn event(i: usize, plans: usize) -> Value {
    let (plan, j) = (plan_id(i % plans), i / plans);
    let date = format!("2017-{:02}-{:02}", j % 12 + 1, (j / 12) % 28 + 1);
    if j % 100 == 99 {
        // One in a hundred of each plan's events, on a month and day of its own.
        let date = format!("2017-{:02}-{:02}", (j / 100) % 12 + 1, (j / 1200) % 28 + 1);
        return json!({"plan": plan, "actor": "polisen", "kind": "dialogue_held", "data": {"activity": "polisiar-narvaro",
            "date": date, "place": "Torget", "topic": "Trygghet i östra kommundelen", "area": "ostra-kommundelen",
            "participants": format!("ca {}", j % 30 + 5)}});
    }
    let (actor, activity, metric, area) = [
        ("polisen", "trafikkontroller", "trafikkontroller", Some("ostra-kommundelen")),
        ("polisen", "riktade-insatser", "riktade-insatser", None),
        ("polisen", "samverkansmoten", "meetings", None),
        ("kommunen", "fritids-och-kulturaktiviteter", "fritids-och-kulturaktiviteter", None),
        ("kommunen", "trygghetsvandringar", "trygghetsvandringar", Some("ostra-kommundelen")),
    ][j % 5];
    let count = if j % 3 == 0 { json!(format!("ca {}", j % 40)) } else { json!(j % 40) };
    let mut data = json!({"activity": activity, "date": date, "metric": metric, "count": count});
    if let Some(a) = area {
        data["area"] = json!(a);
    }
    json!({"plan": plan, "actor": actor, "kind": "measure_counted", "data": data})
}

/// `VmRSS` and `VmHWM` of `pid`, in MiB.
fn memory_mb(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb = |key: &str| -> f64 {
        let v =
            status.lines().find_map(|l| l.strip_prefix(key)).and_then(|v| v.split_whitespace().next()?.parse().ok());
        v.unwrap_or(0.0) / 1024.0
    };
    (kb("VmRSS:"), kb("VmHWM:"))
}

async fn get_json(http: &reqwest::Client, url: &str) -> Result<Value, String> {
    http.get(url).send().await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())
}

/// Waits until the follower serving `url` has applied the stream through `head`.
async fn wait_applied(http: &reqwest::Client, what: &str, url: &str, head: u64) {
    poll_until(what, Duration::from_secs(3600), || async {
        let v = get_json(http, &format!("{url}/readyz")).await?;
        let seq = v["applied_through_seq"].as_u64().unwrap_or(0);
        Ok::<_, String>((seq >= head && v["caught_up"] == true).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{what}: {e}"));
}

fn main() {
    let sizes: Vec<usize> = arg("--events")
        .unwrap_or_else(|| "100000,1000000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("--events: numbers, e.g. 100000,1000000"))
        .collect();
    let plans: usize = arg("--plans").map(|p| p.parse().expect("--plans: a number")).unwrap_or(10).max(1);
    let cache_mb: Option<u64> = arg("--cache-mb").map(|c| c.parse().expect("--cache-mb: a number of MiB"));
    let (pcache, ncache) = (cache_mb.unwrap_or(128) << 20, cache_mb.unwrap_or(64) << 20);
    let projector_bin = Path::new(env!("CARGO_BIN_EXE_lofte-projector"));
    let notifier_bin = projector_bin.with_file_name("lofte-notifier");
    if !notifier_bin.exists() {
        eprintln!("{} is missing: build it with `cargo build --release -p lofte-notifier`", notifier_bin.display());
        std::process::exit(2);
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async move {
        let nats = NatsServer::start().await.expect("nats-server (run deploy/dev/tools.sh)");
        let dir = tempfile::tempdir().expect("dir");
        let cancel = CancellationToken::new();
        let ledger = Ledger::build(LedgerSettings {
            listen: "127.0.0.1:0".parse().expect("addr"),
            data_dir: dir.path().join("ledger"),
            nats: NatsSettings { connection: NatsConnection::new(nats.url()), ..NatsSettings::default() },
            ..LedgerSettings::default()
        })
        .await
        .expect("ledger");
        let lurl = format!("http://{}", ledger.addr());
        tokio::spawn(ledger.run(cancel.clone()));
        let http = reqwest::Client::new();
        poll_until("the ledger to take appends", Duration::from_secs(20), || async {
            let r = http.get(format!("{lurl}/readyz")).send().await.map_err(|e| e.to_string())?;
            Ok::<_, String>(r.status().is_success().then_some(()))
        })
        .await
        .expect("ledger ready");
        // The plans, each with its people under addresses of its own (so each sends its own mails).
        let kommunen = OrgId::new("kommunen").expect("org");
        for p in 0..plans {
            let text = match p {
                0 => EKSJO.to_owned(),
                _ => EKSJO
                    .replacen("id = \"eksjo-2017\"", &format!("id = \"{}\"", plan_id(p)), 1)
                    .replace(".example\"", &format!("-{}.example\"", p + 1)),
            };
            let pf = planfile::parse(&text).expect("plan");
            for e in pf.events() {
                let r = http.post(format!("{lurl}/v1/events")).json(&new_event(pf.plan_id(), &kommunen, &e)).send().await;
                r.and_then(|r| r.error_for_status()).expect("plan");
            }
            for person in pf.people() {
                let r = http.post(format!("{lurl}/v1/people")).json(person).send().await;
                r.and_then(|r| r.error_for_status()).expect("person");
            }
        }

        let logs = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let (pdata, ndata, mail) = (dir.path().join("projector"), dir.path().join("notifier"), dir.path().join("mail"));
        let (pcache_s, ncache_s, ledger_arg) = (pcache.to_string(), ncache.to_string(), format!("local={lurl}"));
        let projector = ServiceProcess::start_logged(
            projector_bin,
            &["--listen", "127.0.0.1:0", "--data-dir", pdata.to_str().expect("utf-8"), "--nats-url", &nats.url(), "--ledger", &ledger_arg],
            &[("LOFTE__PROJECTOR__CACHE_BYTES", &pcache_s)],
            &logs.join("memory-projector.log"),
        )
        .expect("projector");
        let notifier = ServiceProcess::start_logged(
            &notifier_bin,
            &[
                "--listen", "127.0.0.1:0", "--data-dir", ndata.to_str().expect("utf-8"), "--nats-url", &nats.url(),
                "--ledger-url", &lurl, "--now", "2017-04-03T08:00:00Z",
            ],
            &[
                ("LOFTE__NOTIFIER__CACHE_BYTES", &ncache_s),
                ("LOFTE__NOTIFIER__MAIL_DIR", mail.to_str().expect("utf-8")),
                ("LOFTE__NOTIFIER__PROJECTOR_URL", &projector.url),
            ],
            &logs.join("memory-notifier.log"),
        )
        .expect("notifier");
        let (purl, nurl) = (projector.url.clone(), notifier.url.clone());

        println!("{plans} plans (copies of Eksjö 2017), measure_counted and 1% dialogue_held events, 16 appenders");
        println!("sled cache: projector {} MiB, notifier {} MiB; logs in {}", pcache >> 20, ncache >> 20, logs.display());
        // The children inherit the environment: mimalloc's options change their RSS (see the top).
        let mi: Vec<String> =
            std::env::vars().filter(|(k, _)| k.starts_with("MIMALLOC_")).map(|(k, v)| format!("{k}={v}")).collect();
        println!("allocator: mimalloc, {}", if mi.is_empty() { "its defaults".to_owned() } else { mi.join(" ") });
        println!(
            "{:>8}  {:>8}  {:>8}  {:>11}  {:>11}  {:>11}  {:>11}  {:>5}  {:>8}",
            "events", "log seq", "post s", "proj RSS", "proj peak", "notif RSS", "notif peak", "mails", "tick s"
        );
        let (mut have, posted) = (0usize, Arc::new(AtomicUsize::new(0)));
        for (k, size) in std::iter::once(0).chain(sizes).enumerate() {
            let (from, to) = (have, size.max(have));
            let start = Instant::now();
            let tasks: Vec<_> = (0..16)
                .map(|c| {
                    let (http, lurl, posted) = (http.clone(), lurl.clone(), posted.clone());
                    tokio::spawn(async move {
                        for i in (from + c..to).step_by(16) {
                            let r = http.post(format!("{lurl}/v1/events")).json(&event(i, plans)).send().await;
                            r.and_then(|r| r.error_for_status()).expect("append");
                            let n = posted.fetch_add(1, Ordering::Relaxed) + 1;
                            if n % 100_000 == 0 {
                                eprintln!("  {n} events posted ({:.0} s)", start.elapsed().as_secs_f64());
                            }
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.expect("appends");
            }
            let post_s = start.elapsed().as_secs_f64();
            have = to;
            let head = get_json(&http, &format!("{lurl}/readyz")).await.expect("ledger")["head_seq"].as_u64().expect("head");
            wait_applied(&http, "the projector to catch up", &purl, head).await;
            wait_applied(&http, "the notifier to catch up", &nurl, head).await;
            for p in 0..plans {
                for view in ["summary", "report"] {
                    let r = http.get(format!("{purl}/v1/plans/{}/{view}", plan_id(p))).send().await;
                    r.and_then(|r| r.error_for_status()).expect("read").bytes().await.expect("body");
                }
            }
            let moment = if k == 0 { "2017-04-03T08:00:00Z" } else { TICKS[(k - 1) % TICKS.len()] };
            let tick_start = Instant::now();
            let r = http.post(format!("{nurl}/v1/tick?now={moment}")).send().await;
            let ticked: Value = r.and_then(|r| r.error_for_status()).expect("tick").json().await.expect("tick body");
            let tick_s = tick_start.elapsed().as_secs_f64();
            tokio::time::sleep(Duration::from_secs(2)).await;
            let ((prss, ppeak), (nrss, npeak)) = (memory_mb(projector.pid()), memory_mb(notifier.pid()));
            println!(
                "{have:>8}  {head:>8}  {post_s:>8.1}  {prss:>8.0} MB  {ppeak:>8.0} MB  {nrss:>8.0} MB  {npeak:>8.0} MB  {:>5}  {tick_s:>8.2}",
                ticked["sent"].as_u64().unwrap_or(0)
            );
        }
        drop((projector, notifier));
        cancel.cancel();
    });
}
