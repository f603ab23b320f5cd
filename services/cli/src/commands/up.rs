//! `lofte up`: the whole stack on this machine — nats-server (from `.tools/bin` or `PATH`), the
//! ledger, the projector and the notifier as child processes, the sample plans imported — until
//! Ctrl-C or SIGTERM stops them all. Run again on the same data directory, it resumes.

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use anyhow::{anyhow, Context};

use crate::{
    cli::{ImportArgs, Up},
    global::Global,
};

/// A child process that is stopped with SIGTERM (then SIGKILL) when dropped.
struct Service {
    name: &'static str,
    child: Child,
}

impl Service {
    fn stop(&mut self) {
        // A Ctrl-C in a terminal reaches the children too; they may already be stopping.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        for _ in 0..100 {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}

fn port(preferred: u16) -> anyhow::Result<u16> {
    if TcpListener::bind(("127.0.0.1", preferred)).is_ok() {
        return Ok(preferred);
    }
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn nats_server() -> anyhow::Result<PathBuf> {
    let local = PathBuf::from(".tools/bin/nats-server");
    if local.is_file() {
        return Ok(local);
    }
    std::env::var_os("PATH")
        .and_then(|p| std::env::split_paths(&p).map(|d| d.join("nats-server")).find(|c| c.is_file()))
        .ok_or_else(|| {
            anyhow!("nats-server not found in .tools/bin or on PATH: run deploy/dev/tools.sh from the repository root")
        })
}

fn sibling(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let p = exe.parent().map(|d| d.join(name)).ok_or_else(|| anyhow!("cannot locate {name}"))?;
    if p.is_file() {
        Ok(p)
    } else {
        Err(anyhow!("{} not found: build the services first (cargo build --workspace)", p.display()))
    }
}

/// Starts `bin` and waits for its `… listening on http://ADDR` line.
fn start(name: &'static str, bin: &Path, args: &[String], logs: &Path) -> anyhow::Result<(Service, String)> {
    let log = std::fs::File::create(logs.join(format!("{name}.log")))?;
    let mut child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .with_context(|| format!("cannot start {}", bin.display()))?;
    let out = child.stdout.take().ok_or_else(|| anyhow!("no stdout from {name}"))?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(out).lines();
        if let Some(Ok(l)) = lines.next() {
            let _ = tx.send(l);
        }
        for _ in lines {}
    });
    let svc = Service { name, child };
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .map_err(|_| anyhow!("{name} did not start; see {}", logs.join(format!("{name}.log")).display()))?;
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("{name}: {line}"))?;
    Ok((svc, url))
}

/// Records a file of sample events (one `POST /v1/events` body per line; `#` comments), each with
/// a content-derived idempotency key, so loading it again records nothing twice.
async fn load_events(here: &Global, demo: &super::demo_tokens::DemoTokens, file: &Path) -> anyhow::Result<()> {
    use lofte_proto::{chain::canonical, Hash, NewEvent};
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut clients = std::collections::HashMap::new();
    let (mut created, mut existing) = (0, 0);
    let bar = crate::progress::bar("sample events", text.lines().count() as u64);
    for (i, line) in text.lines().enumerate() {
        bar.inc(1);
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("{}:{}", file.display(), i + 1);
        let body: NewEvent = serde_json::from_str(line).map_err(|e| anyhow!("{}: {e}", at()))?;
        let key = format!("sample:{}", &Hash::of(&canonical(&serde_json::to_value(&body)?)).to_string()[..32]);
        let token = demo.for_event(&body.kind, body.actor.as_str());
        let client = match clients.entry(token.map(str::to_owned)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(crate::client::Ledger::new(&Global::at(&here.ledger, &here.projector, token)?))
            }
        };
        match client.append(&body, &key).await? {
            Ok(crate::client::Outcome::Created(_)) => created += 1,
            Ok(crate::client::Outcome::Existing(_)) => existing += 1,
            Err(r) => return Err(anyhow!("{}: refused by the ledger: {r}", at())),
        }
    }
    bar.finish_and_clear();
    println!("events {}: {} ({created} recorded now, {existing} already there)", file.display(), created + existing);
    Ok(())
}

/// Every organisation of every plan in the ledger's log.
async fn organisations(here: &Global) -> anyhow::Result<std::collections::BTreeSet<String>> {
    let up = lofte_proto::upcast::Upcasters::standard();
    let mut orgs = std::collections::BTreeSet::new();
    for (_, bytes) in super::audit::records(here, &None).await? {
        let e = lofte_proto::Envelope::decode(&bytes, &up).map_err(|e| anyhow!("an event does not decode: {e}"))?;
        if let lofte_proto::Event::PlanAdopted(p) = &e.event {
            orgs.extend(p.actors.iter().map(|a| a.id.to_string()));
        }
    }
    Ok(orgs)
}

async fn wait_nats(monitor: u16) -> anyhow::Result<()> {
    let url = format!("http://127.0.0.1:{monitor}/healthz?js-enabled-only=true");
    for _ in 0..200 {
        if reqwest::get(&url).await.is_ok_and(|r| r.status().is_success()) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(anyhow!("nats-server did not become ready"))
}

/// The demo NATS login for this data directory: the user "lofte" with a password made on the
/// first run and kept in `nats/credentials` (readable by its owner only; `. DIR/nats/credentials`
/// sets LOFTE_NATS_USER and LOFTE_NATS_PASSWORD for `lofte audit verify --nats`), and the server
/// config that asks for it. Returns the password and the config's path.
fn nats_login(dir: &Path) -> anyhow::Result<(String, PathBuf)> {
    use std::{io::Read, os::unix::fs::OpenOptionsExt};
    let creds = dir.join("credentials");
    let known = std::fs::read_to_string(&creds)
        .ok()
        .and_then(|t| t.lines().find_map(|l| l.strip_prefix("LOFTE_NATS_PASSWORD=")).map(str::to_owned));
    let password = match known {
        Some(p) if !p.is_empty() => p,
        _ => {
            // Letters only: the services read it from LOFTE__…__PASSWORD, where digits could be
            // taken for a number.
            let mut bytes = [0u8; 32];
            std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
            let p: String = bytes.iter().map(|b| char::from(b'a' + b % 26)).collect();
            let text = format!(
                "# lofte up's NATS login for this data directory.\nLOFTE_NATS_USER=lofte\nLOFTE_NATS_PASSWORD={p}\n"
            );
            let mut f = std::fs::File::options().create(true).write(true).truncate(true).mode(0o600).open(&creds)?;
            std::io::Write::write_all(&mut f, text.as_bytes())
                .with_context(|| format!("cannot write {}", creds.display()))?;
            p
        }
    };
    let conf = dir.join("lofte-up.conf");
    let text = "# Written by lofte up: clients log in with nats/credentials.\n\
                authorization { users: [ { user: lofte, password: $LOFTE_NATS_PASSWORD } ] }\n";
    std::fs::write(&conf, text)?;
    Ok((password, conf))
}

pub async fn up(g: &Global, u: &Up) -> anyhow::Result<()> {
    let plans_dir = u.plans.clone();
    if !plans_dir.is_dir() {
        return Err(anyhow!(
            "{} not found: run lofte up from the repository root, or pass --plans DIR",
            plans_dir.display()
        ));
    }
    let data = &u.data_dir;
    let logs = data.join("logs");
    for d in ["nats", "ledger", "projector", "notifier", "web", "mail", "logs"] {
        std::fs::create_dir_all(data.join(d)).with_context(|| format!("cannot create {}", data.join(d).display()))?;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&plans_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut demo = super::demo_tokens::ensure(data, &files)?;
    super::demo_tokens::add_web(data, &mut demo)?;
    let tokens_file = data.join("tokens.toml").display().to_string();
    let service_token = demo.get("service").unwrap_or_default().to_owned();
    let (np, mp) = (port(4222)?, port(8222)?);
    let nats_url = format!("nats://127.0.0.1:{np}");
    let (nats_password, nats_conf) = nats_login(&data.join("nats"))?;
    let s = |p: &Path| p.display().to_string();
    let nats_log = std::fs::File::create(logs.join("nats.log"))?;
    let nats = Service {
        name: "nats",
        child: Command::new(nats_server()?)
            .arg("-c")
            .arg(&nats_conf)
            .env("LOFTE_NATS_PASSWORD", &nats_password)
            .args([
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                &np.to_string(),
                "-m",
                &mp.to_string(),
                "-sd",
                &s(&data.join("nats")),
            ])
            .stdin(Stdio::null())
            .stdout(nats_log.try_clone()?)
            .stderr(nats_log)
            .spawn()
            .context("cannot start nats-server")?,
    };
    wait_nats(mp).await?;
    for service in ["LEDGER", "PROJECTOR", "NOTIFIER"] {
        std::env::set_var(format!("LOFTE__{service}__NATS__USER"), "lofte");
        std::env::set_var(format!("LOFTE__{service}__NATS__PASSWORD"), &nats_password);
    }
    let listen = |p: u16| format!("127.0.0.1:{p}");
    let (lp, pp, op) = (port(7410)?, port(7420)?, port(7430)?);
    let (ledger, lurl) = start(
        "ledger",
        &sibling("lofte-ledger")?,
        &[
            "--listen".into(),
            listen(lp),
            "--data-dir".into(),
            s(&data.join("ledger")),
            "--nats-url".into(),
            nats_url.clone(),
            "--tokens-file".into(),
            tokens_file.clone(),
        ],
        &logs,
    )?;
    std::env::set_var("LOFTE__PROJECTOR__LEDGER_TOKEN", &service_token);
    let (projector, purl) = start(
        "projector",
        &sibling("lofte-projector")?,
        &[
            "--listen".into(),
            listen(pp),
            "--data-dir".into(),
            s(&data.join("projector")),
            "--nats-url".into(),
            nats_url.clone(),
            "--ledger".into(),
            format!("local={lurl}"),
            "--tokens-file".into(),
            tokens_file.clone(),
        ],
        &logs,
    )?;
    let wp = port(7440)?;
    let wurl_public = format!("http://127.0.0.1:{wp}");
    std::env::set_var("LOFTE__NOTIFIER__WEB_URL", &wurl_public);
    std::env::set_var("LOFTE__NOTIFIER__MAIL_DIR", data.join("mail"));
    std::env::set_var("LOFTE__NOTIFIER__PROJECTOR_URL", &purl);
    std::env::set_var("LOFTE__NOTIFIER__LEDGER_TOKEN", &service_token);
    let (notifier, ourl) = start(
        "notifier",
        &sibling("lofte-notifier")?,
        &[
            "--listen".into(),
            listen(op),
            "--data-dir".into(),
            s(&data.join("notifier")),
            "--nats-url".into(),
            nats_url.clone(),
            "--ledger-url".into(),
            lurl.clone(),
            "--tokens-file".into(),
            tokens_file.clone(),
        ],
        &logs,
    )?;
    std::env::set_var("LOFTE__WEB__TOKEN", demo.get("web").unwrap_or_default());
    // "Påminn nu" asks the notifier (ADR 0021).
    std::env::set_var("LOFTE__WEB__NOTIFIER_URL", &ourl);
    let (web, wurl) = start(
        "web",
        &sibling("lofte-web")?,
        &[
            "--listen".into(),
            listen(wp),
            "--data-dir".into(),
            s(&data.join("web")),
            "--public-url".into(),
            wurl_public,
            "--ledger-url".into(),
            lurl.clone(),
            "--projector-url".into(),
            purl.clone(),
            "--mail-dir".into(),
            s(&data.join("mail")),
        ],
        &logs,
    )?;
    let here = Global::at(&lurl, &purl, demo.get("coordinator"))?;
    for f in files {
        super::plan::import(&here, &ImportArgs { file: f, actor: None, dry_run: false }).await.map_err(|e| {
            // A data directory made before plans kept their people in the directory (ADR 0017)
            // holds a plan_adopted that the same plan file no longer makes.
            match e.downcast_ref::<super::plan::PlanExists>() {
                Some(_) => {
                    anyhow!("{e:#}. If {} was made by an earlier Lofte, move it aside and start again", data.display())
                }
                None => e,
            }
        })?;
    }
    if u.events.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&u.events)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect();
        files.sort();
        for f in files {
            load_events(&here, &demo, &f).await?;
        }
    }
    super::demo_tokens::add_people(&here).await?;
    // Organisations of plans imported since the first start get their reporter profiles too.
    let added = super::demo_tokens::add_reporters(data, &mut demo, organisations(&here).await?)?;
    if !added.is_empty() {
        println!("reporter tokens and profiles for {}", added.join(", "));
    }
    println!(
        "\nWeb: {wurl}  — not signed in: the published reports. Sign in with kommunpolis.jonkoping@polisen.example\n     (Polisen) or trygghet@jonkoping.example (Kommunen) — each a reporter and a coordinator of the plan —,\n     samordnare@jonkoping.example (a coordinator of every plan) or granskare@jonkoping.example (an auditor);\n     the sign-in link is mailed as a file into {} (open the newest .eml there and follow the link).",
        s(&data.join("mail"))
    );
    println!(
        "\nledger    {lurl}        (log in {})\nprojector {purl}        (views in {})\nnotifier  {ourl}        (mails in {})\nnats      {nats_url}   (logs in {})\n",
        s(&data.join("ledger")),
        s(&data.join("projector")),
        s(&data.join("mail")),
        s(&logs)
    );
    // Listen for Ctrl-C and SIGTERM before saying so.
    use tokio::signal::unix::{signal, SignalKind};
    let (mut int, mut term) = (signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?);
    let profile = super::demo_tokens::write_profiles(data, &lurl, &purl, &demo)?;
    println!("Demo tokens (profiles in {profile}): coordinator (the default), auditor, public (none),\nreporter-ORG for every organisation, e.g. reporter-polisen; the hashes are in {tokens_file}.\n");
    let demo_file = s(&data.join("demo-tokens.toml"));
    println!("Try:\n  export LOFTE_CONFIG={profile}\n  lofte --profile reporter-polisen log measure --plan jonkoping-2022 --activity fotpatrullering --actor polisen --date 2022-05-03 --metric fotpatrullering --count 4 --area raslatt\n  lofte plan show jonkoping-2022\n  lofte pending --plan jonkoping-2022 --tertial 2022-T1\n  lofte report --plan jonkoping-2022 --tertial 2022-T1\n  curl -X POST -H \"Authorization: Bearer $(sed -n 's/^coordinator = \"\\(.*\\)\"/\\1/p' {demo_file})\" '{ourl}/v1/tick?now=2022-05-02T08:00:00Z'\n\nCtrl-C stops.");
    let _ = g;
    tokio::select! { _ = int.recv() => {}, _ = term.recv() => {} }
    // Stop in reverse order: the writers first, NATS last.
    for mut svc in [web, notifier, projector, ledger, nats] {
        svc.stop();
        eprintln!("stopped {}", svc.name);
    }
    println!("stopped.");
    Ok(())
}
