//! A Lofte service binary run as a real child process. It is started with `--listen
//! 127.0.0.1:0`, prints `… listening on http://ADDR` on its first stdout line, and is killed
//! (SIGKILL) and reaped when dropped.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

/// Why a service did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{bin} not found: build it first (cargo build --workspace)")]
    Missing { bin: String },
    #[error("cannot start {bin}: {source}")]
    Spawn { bin: String, source: std::io::Error },
    #[error("{bin} did not print its address within {timeout:?}; exit: {status}")]
    NoAddress { bin: String, status: String, timeout: Duration },
}

/// A running service.
#[derive(Debug)]
pub struct ServiceProcess {
    child: Child,
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    bin: PathBuf,
}

impl ServiceProcess {
    /// Starts `bin` with `args` (which should include `--listen 127.0.0.1:0`) and waits up to
    /// 30 s for its address line.
    pub fn start(bin: &Path, args: &[&str]) -> Result<ServiceProcess, StartError> {
        Self::spawn(bin, args, &[], Stdio::inherit())
    }

    /// Like [`start`](Self::start), with extra environment variables (`RUST_LOG` among them, if
    /// wanted) and its log (stderr) written to `log`, for tests that read what it logged.
    pub fn start_logged(
        bin: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        log: &Path,
    ) -> Result<ServiceProcess, StartError> {
        let file = std::fs::File::create(log)
            .map_err(|source| StartError::Spawn { bin: log.display().to_string(), source })?;
        Self::spawn(bin, args, env, Stdio::from(file))
    }

    fn spawn(bin: &Path, args: &[&str], env: &[(&str, &str)], stderr: Stdio) -> Result<ServiceProcess, StartError> {
        let name = bin.display().to_string();
        if !bin.exists() {
            return Err(StartError::Missing { bin: name });
        }
        let mut child = Command::new(bin)
            .args(args)
            .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
            // Without authentication unless the test passes a tokens file (--tokens-file), which
            // then takes precedence: these tests are about crashes, not about who may write.
            .env("LOFTE__LEDGER__AUTH__OPEN", "true")
            .env("LOFTE__PROJECTOR__AUTH__OPEN", "true")
            .env("LOFTE__NOTIFIER__AUTH__OPEN", "true")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|source| StartError::Spawn { bin: name.clone(), source })?;
        let stdout = child.stdout.take();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let Some(out) = stdout else { return };
            let mut lines = BufReader::new(out).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            // Keep draining so the child never blocks on a full pipe.
            for _ in lines {}
        });
        let timeout = Duration::from_secs(30);
        let url = rx
            .recv_timeout(timeout)
            .ok()
            .and_then(|line| line.split_whitespace().find(|w| w.starts_with("http://")).map(str::to_owned));
        match url {
            Some(url) => Ok(ServiceProcess { child, url, bin: bin.to_owned() }),
            None => {
                let _ = child.kill();
                let status = child.wait().map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
                Err(StartError::NoAddress { bin: name, status, timeout })
            }
        }
    }

    /// Kills the process with SIGKILL, as a crash would, and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops the process as an operator would (SIGTERM), waits for it to exit, and says how it
    /// ended.
    pub fn stop(&mut self) -> std::io::Result<std::process::ExitStatus> {
        let term = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status()?;
        if !term.success() {
            return Err(std::io::Error::other(format!("kill -TERM {} failed: {term}", self.child.id())));
        }
        self.child.wait()
    }

    /// The OS process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The binary this runs.
    pub fn bin(&self) -> &Path {
        &self.bin
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
