//! A real `nats-server` with JetStream for tests: on free ports, its store in a temporary
//! directory, readiness polled with a deadline, killed and cleaned up on drop, and restartable on
//! the same store (to test outages) or on a wiped one (to test disasters).
//!
//! The binary is taken from `LOFTE_NATS_SERVER`, else `.tools/bin/nats-server` (installed by
//! `deploy/dev/tools.sh`), else `PATH`. A missing or too old binary is an error with an install
//! hint: a test that needs NATS fails, it never skips.

use std::{
    fs::File,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use tokio::time::{sleep, Instant};

/// The oldest nats-server these tests accept (async-nats 0.51 silently loses newer settings
/// against older servers).
pub const MIN_VERSION: (u32, u32) = (2, 10);

const HINT: &str = "run deploy/dev/tools.sh (installs nats-server 2.15.1 into .tools/bin), or set LOFTE_NATS_SERVER";

/// Why a nats-server could not be had.
#[derive(Debug, thiserror::Error)]
pub enum NatsError {
    #[error("nats-server not found (looked at {looked}); {HINT}")]
    NotFound { looked: String },
    #[error("nats-server at {path} is {found}; need at least {}.{}; {HINT}", MIN_VERSION.0, MIN_VERSION.1)]
    TooOld { path: String, found: String },
    #[error("cannot run nats-server at {path}: {source}")]
    Spawn { path: String, source: std::io::Error },
    #[error("nats-server did not become ready within {waited:?}; its log:\n{log}")]
    NotReady { waited: Duration, log: String },
    #[error("test setup: {0}")]
    Io(#[from] std::io::Error),
}

/// A running (or stopped) nats-server.
#[derive(Debug)]
pub struct NatsServer {
    bin: PathBuf,
    child: Option<Child>,
    port: u16,
    monitor: u16,
    dir: tempfile::TempDir,
    /// Extra arguments (cluster membership, credentials, TLS).
    extra: Vec<String>,
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// How often a start is tried with fresh ports.
const ATTEMPTS: usize = 5;

/// Runs `start` again, up to `ATTEMPTS` times in all, while it fails because a port it found
/// free was taken before the server bound it (tests start servers in parallel).
async fn retrying<T, F, Fut>(mut start: F) -> Result<T, NatsError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, NatsError>>,
{
    let mut attempt = 1;
    loop {
        match start().await {
            Err(e) if port_taken(&e) && attempt < ATTEMPTS => attempt += 1,
            r => return r,
        }
    }
}

/// A port found free was taken by another process before nats-server bound it (tests run in
/// parallel): the start is tried again with other ports.
fn port_taken(e: &NatsError) -> bool {
    matches!(e, NatsError::NotReady { log, .. } if log.contains("address already in use"))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Finds a usable nats-server binary.
pub fn nats_server_binary() -> Result<PathBuf, NatsError> {
    let mut looked = vec![];
    let mut candidates = vec![];
    if let Ok(p) = std::env::var("LOFTE_NATS_SERVER") {
        candidates.push(PathBuf::from(p));
    }
    candidates.push(workspace_root().join(".tools/bin/nats-server"));
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|d| d.join("nats-server")));
    }
    for c in candidates {
        if c.is_file() {
            return check_version(c);
        }
        looked.push(c.display().to_string());
    }
    Err(NatsError::NotFound { looked: looked.into_iter().take(3).collect::<Vec<_>>().join(", ") + ", PATH" })
}

fn check_version(bin: PathBuf) -> Result<PathBuf, NatsError> {
    let path = bin.display().to_string();
    let out = Command::new(&bin)
        .arg("--version")
        .output()
        .map_err(|source| NatsError::Spawn { path: path.clone(), source })?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    // "nats-server: v2.15.1"
    let version = text.rsplit('v').next().unwrap_or("");
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if (major, minor) < MIN_VERSION {
        return Err(NatsError::TooOld { path, found: text });
    }
    Ok(bin)
}

impl NatsServer {
    /// Starts a fresh server with JetStream and waits until it is ready.
    pub async fn start() -> Result<NatsServer, NatsError> {
        let bin = nats_server_binary()?;
        Self::start_with(bin).await
    }

    /// Starts a fresh server from `bin`.
    pub async fn start_with(bin: PathBuf) -> Result<NatsServer, NatsError> {
        Self::start_with_args(bin, vec![]).await
    }

    /// Starts a fresh server that lets in only `user` with `password` (`--user`/`--pass`).
    pub async fn start_with_auth(user: &str, password: &str) -> Result<NatsServer, NatsError> {
        let args = ["--user", user, "--pass", password].map(str::to_owned).to_vec();
        Self::start_with_args(nats_server_binary()?, args).await
    }

    /// Starts a fresh server with TLS on the client port: `cert` and `key` (PEM) are its own;
    /// with `client_ca`, clients must present a certificate signed by it (`--tlsverify`).
    pub async fn start_with_tls(cert: &Path, key: &Path, client_ca: Option<&Path>) -> Result<NatsServer, NatsError> {
        let path = |p: &Path| p.display().to_string();
        let mut args = vec!["--tls".into(), "--tlscert".into(), path(cert), "--tlskey".into(), path(key)];
        if let Some(ca) = client_ca {
            args.extend(["--tlsverify".into(), "--tlscacert".into(), path(ca)]);
        }
        Self::start_with_args(nats_server_binary()?, args).await
    }

    /// Starts a fresh server from `bin` with extra command-line arguments, kept for restarts.
    pub async fn start_with_args(bin: PathBuf, extra: Vec<String>) -> Result<NatsServer, NatsError> {
        retrying(|| async {
            let mut s = NatsServer::fresh(bin.clone(), extra.clone())?;
            s.launch().await?;
            Ok(s)
        })
        .await
    }

    /// Starts an `n`-node JetStream cluster on this machine (each node its own ports and store),
    /// shaped like `deploy/nats/cluster/`, and waits until every node is ready.
    pub async fn cluster(n: usize) -> Result<Vec<NatsServer>, NatsError> {
        retrying(|| Self::try_cluster(n)).await
    }

    /// A server not started yet, on fresh ports with a store of its own.
    fn fresh(bin: PathBuf, extra: Vec<String>) -> Result<NatsServer, NatsError> {
        Ok(NatsServer { bin, child: None, port: free_port()?, monitor: free_port()?, dir: tempfile::tempdir()?, extra })
    }

    async fn try_cluster(n: usize) -> Result<Vec<NatsServer>, NatsError> {
        let bin = nats_server_binary()?;
        let route_ports: Vec<u16> = (0..n).map(|_| free_port()).collect::<Result<_, _>>()?;
        let routes = route_ports.iter().map(|p| format!("nats://127.0.0.1:{p}")).collect::<Vec<_>>().join(",");
        let mut nodes = Vec::with_capacity(n);
        for (i, rp) in route_ports.iter().enumerate() {
            let mut node = NatsServer::fresh(
                bin.clone(),
                vec![
                    "--name".into(),
                    format!("lofte-nats-{}", i + 1),
                    "--cluster_name".into(),
                    "lofte".into(),
                    "--cluster".into(),
                    format!("nats://127.0.0.1:{rp}"),
                    "--routes".into(),
                    routes.clone(),
                ],
            )?;
            node.spawn()?;
            nodes.push(node);
        }
        for node in &mut nodes {
            node.wait_ready().await?;
        }
        Ok(nodes)
    }

    async fn launch(&mut self) -> Result<(), NatsError> {
        self.spawn()?;
        self.wait_ready().await
    }

    fn spawn(&mut self) -> Result<(), NatsError> {
        let store = self.store_dir();
        std::fs::create_dir_all(&store)?;
        let log_path = self.dir.path().join("nats-server.log");
        let log = File::options().create(true).append(true).open(&log_path)?;
        let child = Command::new(&self.bin)
            .args(["-js", "-a", "127.0.0.1", "-p", &self.port.to_string(), "-m", &self.monitor.to_string()])
            .arg("-sd")
            .arg(&store)
            .args(&self.extra)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .map_err(|source| NatsError::Spawn { path: self.bin.display().to_string(), source })?;
        self.child = Some(child);
        Ok(())
    }

    async fn wait_ready(&mut self) -> Result<(), NatsError> {
        let log_path = self.dir.path().join("nats-server.log");
        let url = format!("http://127.0.0.1:{}/healthz?js-enabled-only=true", self.monitor);
        let http = reqwest::Client::builder().timeout(Duration::from_secs(1)).build().map_err(std::io::Error::other)?;
        let deadline = Duration::from_secs(20);
        let start = Instant::now();
        loop {
            if let Ok(r) = http.get(&url).send().await {
                if r.status().is_success() {
                    return Ok(());
                }
            }
            let exited = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()).is_some();
            if exited || start.elapsed() > deadline {
                self.stop();
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                return Err(NatsError::NotReady { waited: start.elapsed(), log });
            }
            sleep(Duration::from_millis(25)).await;
        }
    }

    /// The client URL, `nats://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// The monitoring URL, `http://127.0.0.1:PORT`.
    pub fn monitor_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.monitor)
    }

    /// Where JetStream keeps its files.
    pub fn store_dir(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    /// The server's process id, while it runs (benchmarks read its CPU time).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Whether the process is running.
    pub fn is_running(&mut self) -> bool {
        self.child.as_mut().is_some_and(|c| c.try_wait().ok().flatten().is_none())
    }

    /// Kills the server (SIGKILL, as an outage would) and reaps it. The store is kept.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same ports and the same store.
    pub async fn restart(&mut self) -> Result<(), NatsError> {
        self.stop();
        self.launch().await
    }

    /// Stops it, deletes its whole store (a disaster), and starts it empty on the same ports.
    pub async fn restart_wiped(&mut self) -> Result<(), NatsError> {
        self.stop();
        std::fs::remove_dir_all(self.store_dir())?;
        self.launch().await
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_port_taken_meanwhile_is_tried_again() {
        let not_ready = |log: &str| NatsError::NotReady { waited: Duration::ZERO, log: log.to_owned() };
        let taken = r#"[FTL] Error listening on port: 127.0.0.1:43509, "listen tcp 127.0.0.1:43509: bind: address already in use""#;
        assert!(port_taken(&not_ready(taken)));
        assert!(!port_taken(&not_ready("[FTL] Can't open store directory")));
    }
}
