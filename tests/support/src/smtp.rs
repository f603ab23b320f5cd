//! A real SMTP server for tests: PyPI's aiosmtpd on a free port, delivering every message into a
//! Maildir in a temporary directory, stoppable (an SMTP outage) and restartable on the same port
//! and Maildir. Its Python comes from `LOFTE_SMTPD_PYTHON`, else `.tools/venv/bin/python`
//! (installed by `deploy/dev/tools.sh`). Missing: an error with an install hint, never a skip.

use std::{
    fs::File,
    io::{BufRead, BufReader},
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use tokio::time::{sleep, Instant};

const HINT: &str = "run deploy/dev/tools.sh (installs aiosmtpd into .tools/venv), or set LOFTE_SMTPD_PYTHON";

/// Why the SMTP server could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("no Python with aiosmtpd at {looked}; {HINT}")]
    NotFound { looked: String },
    #[error("cannot run {path}: {source}")]
    Spawn { path: String, source: std::io::Error },
    #[error("the SMTP server did not answer within {waited:?}; its log:\n{log}")]
    NotReady { waited: Duration, log: String },
    #[error("test setup: {0}")]
    Io(#[from] std::io::Error),
}

/// One delivered message, as stored in the Maildir.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The whole message: headers and body.
    pub raw: String,
}

impl Mail {
    /// The first value of header `name` (case-insensitive), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\n\n").next().unwrap_or("").replace("\r\n", "\n");
        let mut value: Option<String> = None;
        for line in head.lines() {
            if let Some(v) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    v.push(' ');
                    v.push_str(line.trim());
                    continue;
                }
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case(name) {
                    value = Some(v.trim().to_owned());
                }
            }
        }
        value
    }
}

/// A running (or stopped) SMTP server.
#[derive(Debug)]
pub struct SmtpServer {
    python: PathBuf,
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
    /// Extra arguments, e.g. a STARTTLS certificate.
    extra: Vec<String>,
}

fn python() -> Result<PathBuf, SmtpError> {
    let candidates: Vec<PathBuf> = std::env::var_os("LOFTE_SMTPD_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/venv/bin/python")])
        .collect();
    for c in &candidates {
        let ok = Command::new(c).args(["-c", "import aiosmtpd"]).stdout(Stdio::null()).stderr(Stdio::null()).status();
        if ok.is_ok_and(|s| s.success()) {
            return Ok(c.clone());
        }
    }
    Err(SmtpError::NotFound {
        looked: candidates.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(", "),
    })
}

impl SmtpServer {
    /// Starts a server on a free port and waits for its greeting.
    pub async fn start() -> Result<SmtpServer, SmtpError> {
        Self::start_with(vec![]).await
    }

    /// Starts a server that requires STARTTLS with this certificate and key (PEM files).
    pub async fn start_starttls(cert: &Path, key: &Path) -> Result<SmtpServer, SmtpError> {
        let arg = |p: &Path| p.display().to_string();
        Self::start_with(vec!["--tlscert".into(), arg(cert), "--tlskey".into(), arg(key)]).await
    }

    /// Starts a server speaking TLS from the first byte (SMTPS) with this certificate and key.
    pub async fn start_smtps(cert: &Path, key: &Path) -> Result<SmtpServer, SmtpError> {
        let arg = |p: &Path| p.display().to_string();
        Self::start_with(vec!["--smtpscert".into(), arg(cert), "--smtpskey".into(), arg(key)]).await
    }

    async fn start_with(extra: Vec<String>) -> Result<SmtpServer, SmtpError> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut s = SmtpServer { python: python()?, child: None, port, dir: tempfile::tempdir()?, extra };
        s.launch().await?;
        Ok(s)
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    async fn launch(&mut self) -> Result<(), SmtpError> {
        let log_path = self.dir.path().join("smtpd.log");
        let log = File::options().create(true).append(true).open(&log_path)?;
        let child = Command::new(&self.python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{}", self.port)])
            // Options before -c: everything after the handler class is the handler's.
            .args(&self.extra)
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir())
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .map_err(|source| SmtpError::Spawn { path: self.python.display().to_string(), source })?;
        self.child = Some(child);
        let start = Instant::now();
        loop {
            let smtps = self.extra.iter().any(|a| a == "--smtpscert");
            if smtps && TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            if let Ok(s) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let mut greeting = String::new();
                if BufReader::new(s).read_line(&mut greeting).is_ok() && greeting.starts_with("220") {
                    return Ok(());
                }
            }
            let exited = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()).is_some();
            if exited || start.elapsed() > Duration::from_secs(20) {
                self.stop();
                return Err(SmtpError::NotReady {
                    waited: start.elapsed(),
                    log: std::fs::read_to_string(&log_path).unwrap_or_default(),
                });
            }
            sleep(Duration::from_millis(25)).await;
        }
    }

    /// The port, on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server (an outage); what it delivered stays.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same port and Maildir.
    pub async fn restart(&mut self) -> Result<(), SmtpError> {
        self.stop();
        self.launch().await
    }

    /// Every message delivered so far, oldest first (Maildir names begin with the time).
    pub fn messages(&self) -> Vec<Mail> {
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .filter_map(|d| std::fs::read_dir(self.maildir().join(d)).ok())
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        files.iter().filter_map(|f| std::fs::read_to_string(f).ok()).map(|raw| Mail { raw }).collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
