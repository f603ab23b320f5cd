//! A real browser for tests: Debian's headless Chromium driven over W3C WebDriver by a
//! `chromedriver` child process on a free port (in its own process group, killed with the
//! Chromium it started when dropped), with a throwaway profile. The protocol is JSON over HTTP,
//! spoken here with the workspace's reqwest (no WebDriver crate: fantoccini brings in Mozilla's
//! MPL-2.0 `webdriver`, which deny.toml does not allow; thirtyfour a second reqwest and
//! serde_json's `preserve_order`). Keyboard input goes to whatever has focus, as a person's would.
//! [`Browser::axe`] runs axe-core (from `.tools/axe`, installed by `deploy/dev/tools.sh`) in the
//! page for the WCAG 2.1 A and AA rules. Missing chromium, chromedriver or axe-core: an error with
//! the install hint, never a skip.
//!
//! Scripts sent with Execute Script are evaluated by ChromeDriver through the DevTools protocol,
//! which the page's Content-Security-Policy does not govern: axe runs under a strict
//! `script-src 'self'` without loosening it.

use std::{
    fmt,
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use base64::Engine as _;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::time::{sleep, Instant};

const HINT: &str = "run deploy/dev/tools.sh (as root it installs chromium, chromium-driver and axe-core)";
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
/// The key of an element reference in WebDriver's JSON.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// Headless; no sandbox (tests run as root, where it cannot start); /tmp rather than a small
/// /dev/shm; one CSS pixel a pixel; overlay scrollbars as on a phone, so the layout gets the whole
/// width; Swedish, as the pages are.
const FLAGS: &str = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --force-device-scale-factor=1 --hide-scrollbars --lang=sv-SE";
/// The axe-core rule tags checked: WCAG 2.0 and 2.1, levels A and AA.
pub const WCAG_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// Why the browser could not be had, or a command failed.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("{what} not found at {path}; {HINT}")]
    Missing { what: &'static str, path: String },
    #[error("cannot run {path}: {source}")]
    Spawn { path: String, source: std::io::Error },
    #[error("chromedriver or Chromium did not start within {waited:?}: {log}")]
    NotReady { waited: Duration, log: String },
    #[error("WebDriver {command}: {detail}")]
    Command { command: String, detail: String },
    #[error("axe-core: {0}")]
    Axe(String),
    #[error("test setup: {0}")]
    Io(#[from] std::io::Error),
}

/// Keys beyond text, as WebDriver codes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Tab,
    Enter,
    Control,
}

impl Key {
    fn code(self) -> char {
        match self {
            Key::Tab => '\u{E004}',
            Key::Enter => '\u{E007}',
            Key::Control => '\u{E009}',
        }
    }
}

/// An element of the current page (the same element, the same reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element(String);

impl Element {
    fn of(v: &Value) -> Element {
        Element(v[ELEMENT].as_str().unwrap_or_default().to_owned())
    }
}

/// One failed axe-core rule, with the elements failing it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    #[serde(rename = "helpUrl")]
    pub help_url: String,
    /// Per failing element: its CSS selector and what is wrong with it.
    pub nodes: Vec<(String, String)>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let impact = self.impact.as_deref().unwrap_or("?");
        writeln!(f, "{} ({impact}): {} <{}>", self.id, self.help, self.help_url)?;
        for (target, why) in &self.nodes {
            writeln!(f, "  {target}: {}", why.replace('\n', " "))?;
        }
        Ok(())
    }
}

/// How wide the page is against its window: sideways scrolling when `scroll_width` exceeds
/// `inner_width`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub struct Widths {
    pub scroll_width: u32,
    pub client_width: u32,
    pub inner_width: u32,
}

/// A headless Chromium session and the chromedriver serving it.
#[derive(Debug)]
pub struct Browser {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT/session/ID`.
    session: String,
    driver: Child,
    profile: tempfile::TempDir,
}

fn binary(what: &'static str, env: &str, default: &str) -> Result<PathBuf, BrowserError> {
    let path = std::env::var_os(env).map_or_else(|| PathBuf::from(default), PathBuf::from);
    match path.is_file() {
        true => Ok(path),
        false => Err(BrowserError::Missing { what, path: path.display().to_string() }),
    }
}

/// The repository's `target/web-screenshots/`, made if missing.
pub fn screenshot_dir() -> Result<PathBuf, BrowserError> {
    let dir = Path::new(ROOT).join("target/web-screenshots");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

impl Browser {
    /// Starts chromedriver (`LOFTE_CHROMEDRIVER`, else `/usr/bin/chromedriver`) and a headless
    /// Chromium (`LOFTE_CHROMIUM`, else `/usr/bin/chromium`) with a `width`×`height` viewport.
    pub async fn start(width: u32, height: u32) -> Result<Browser, BrowserError> {
        let driver = binary("chromedriver", "LOFTE_CHROMEDRIVER", "/usr/bin/chromedriver")?;
        let chromium = binary("chromium", "LOFTE_CHROMIUM", "/usr/bin/chromium")?;
        let profile = tempfile::tempdir()?;
        let log_path = profile.path().join("chromedriver.log");
        let log = std::fs::File::create(&log_path)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            // Its own process group, so that dropping it takes Chromium's processes along.
            .process_group(0)
            .spawn()
            .map_err(|source| BrowserError::Spawn { path: driver.display().to_string(), source })?;
        let base = format!("http://127.0.0.1:{port}");
        let mut b = Browser { http: reqwest::Client::new(), session: base.clone(), driver: child, profile };
        let start = Instant::now();
        while b.cmd(Method::GET, "/status", None).await.map_or(true, |v| v["ready"] != true) {
            let exited = b.driver.try_wait().ok().flatten().is_some();
            if exited || start.elapsed() > Duration::from_secs(20) {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                return Err(BrowserError::NotReady { waited: start.elapsed(), log });
            }
            sleep(Duration::from_millis(25)).await;
        }
        let mut args: Vec<String> = FLAGS.split_whitespace().map(str::to_owned).collect();
        args.push(format!("--window-size={width},{height}"));
        args.push(format!("--user-data-dir={}", b.profile.path().join("chromium").display()));
        let options = json!({"binary": chromium, "args": args});
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}});
        let v = b.cmd(Method::POST, "/session", Some(caps)).await.map_err(|e| BrowserError::NotReady {
            waited: start.elapsed(),
            log: format!("{e}\n{}", std::fs::read_to_string(&log_path).unwrap_or_default()),
        })?;
        b.session = format!("{base}/session/{}", v["sessionId"].as_str().unwrap_or_default());
        // The window is the viewport plus what headless Chromium keeps for its (invisible) frame.
        let frame = b.eval("return [outerWidth - innerWidth, outerHeight - innerHeight];", json!([])).await?;
        let (fw, fh) = (frame[0].as_u64().unwrap_or(0), frame[1].as_u64().unwrap_or(0));
        let rect = json!({"width": u64::from(width) + fw, "height": u64::from(height) + fh});
        b.cmd(Method::POST, "/window/rect", Some(rect)).await?;
        Ok(b)
    }

    /// A WebDriver command on the session (or on the driver, before there is one): its `value`.
    pub async fn cmd(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, BrowserError> {
        let command = format!("{method} {path}");
        let err = |detail: String| BrowserError::Command { command: command.clone(), detail };
        let mut req = self.http.request(method.clone(), format!("{}{path}", self.session));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(|e| err(e.to_string()))?;
        let ok = resp.status().is_success();
        let v: Value = resp.json().await.map_err(|e| err(e.to_string()))?;
        match ok {
            true => Ok(v["value"].clone()),
            false => Err(err(format!("{}: {}", v["value"]["error"], v["value"]["message"]))),
        }
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) -> Result<(), BrowserError> {
        self.cmd(Method::POST, "/url", Some(json!({ "url": url }))).await.map(drop)
    }

    pub async fn title(&self) -> Result<String, BrowserError> {
        Ok(self.cmd(Method::GET, "/title", None).await?.as_str().unwrap_or_default().to_owned())
    }

    pub async fn current_url(&self) -> Result<String, BrowserError> {
        Ok(self.cmd(Method::GET, "/url", None).await?.as_str().unwrap_or_default().to_owned())
    }

    /// The first element matching the CSS selector.
    pub async fn find(&self, css: &str) -> Result<Element, BrowserError> {
        let v = self.cmd(Method::POST, "/element", Some(json!({"using": "css selector", "value": css}))).await?;
        Ok(Element::of(&v))
    }

    /// Every element matching the CSS selector.
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>, BrowserError> {
        let v = self.cmd(Method::POST, "/elements", Some(json!({"using": "css selector", "value": css}))).await?;
        Ok(v.as_array().into_iter().flatten().map(Element::of).collect())
    }

    /// The element that has focus.
    pub async fn focused(&self) -> Result<Element, BrowserError> {
        Ok(Element::of(&self.cmd(Method::GET, "/element/active", None).await?))
    }

    /// An element's DOM property (`id`, `value`, `href`, `tagName`…); `null` when it has none.
    pub async fn prop(&self, e: &Element, name: &str) -> Result<Value, BrowserError> {
        self.cmd(Method::GET, &format!("/element/{}/property/{name}", e.0), None).await
    }

    /// An element's rendered text.
    pub async fn text(&self, e: &Element) -> Result<String, BrowserError> {
        Ok(self.cmd(Method::GET, &format!("/element/{}/text", e.0), None).await?.as_str().unwrap_or("").to_owned())
    }

    /// Presses and releases each of `keys` in turn, on whatever has focus.
    pub async fn press(&self, keys: &[Key]) -> Result<(), BrowserError> {
        self.keys(keys.iter().map(|k| vec![k.code()])).await
    }

    /// Sends `text` to the element as keys (WebDriver's Element Send Keys): into a file input,
    /// an absolute path chooses that file.
    pub async fn send_keys(&self, e: &Element, text: &str) -> Result<(), BrowserError> {
        self.cmd(Method::POST, &format!("/element/{}/value", e.0), Some(json!({ "text": text }))).await.map(drop)
    }

    /// Types `text` on the keyboard, into whatever has focus.
    pub async fn type_text(&self, text: &str) -> Result<(), BrowserError> {
        self.keys(text.chars().map(|c| vec![c])).await
    }

    /// Holds `modifier` down while pressing `key` (Control and `a`: select all).
    pub async fn chord(&self, modifier: Key, key: char) -> Result<(), BrowserError> {
        self.keys(std::iter::once(vec![modifier.code(), key])).await
    }

    /// Each group pressed down in order, then released in reverse.
    async fn keys(&self, groups: impl Iterator<Item = Vec<char>>) -> Result<(), BrowserError> {
        let mut actions = vec![];
        for g in groups {
            actions.extend(g.iter().map(|c| json!({"type": "keyDown", "value": c.to_string()})));
            actions.extend(g.iter().rev().map(|c| json!({"type": "keyUp", "value": c.to_string()})));
        }
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        self.cmd(Method::POST, "/actions", Some(body)).await.map(drop)
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page: what it returns.
    pub async fn eval(&self, script: &str, args: Value) -> Result<Value, BrowserError> {
        self.cmd(Method::POST, "/execute/sync", Some(json!({"script": script, "args": args}))).await
    }

    /// The document's width against the window's.
    pub async fn widths(&self) -> Result<Widths, BrowserError> {
        let script = "const d = document.documentElement; \
            return {scroll_width: d.scrollWidth, client_width: d.clientWidth, inner_width: window.innerWidth};";
        let v = self.eval(script, json!([])).await?;
        serde_json::from_value(v).map_err(|e| BrowserError::Command { command: "widths".into(), detail: e.to_string() })
    }

    /// Saves a PNG of the whole page (beyond the window, at its width) to `path`.
    pub async fn screenshot(&self, path: &Path) -> Result<(), BrowserError> {
        let script = "const d = document.documentElement; return [d.scrollWidth, d.scrollHeight];";
        let size = self.eval(script, json!([])).await?;
        let clip = json!({"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1});
        let params = json!({"format": "png", "captureBeyondViewport": true, "clip": clip});
        let body = json!({"cmd": "Page.captureScreenshot", "params": params});
        let shot = self.cmd(Method::POST, "/goog/cdp/execute", Some(body)).await?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap_or_default())
            .map_err(|e| BrowserError::Command { command: "screenshot".into(), detail: e.to_string() })?;
        Ok(std::fs::write(path, png)?)
    }

    /// Runs axe-core in the page for [`WCAG_TAGS`]: the rules it finds broken.
    pub async fn axe(&self) -> Result<Vec<Violation>, BrowserError> {
        let path = Path::new(ROOT).join(".tools/axe/node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&path)
            .map_err(|_| BrowserError::Missing { what: "axe-core", path: path.display().to_string() })?;
        let loaded = self.eval(&format!("{source}\n;return typeof window.axe;"), json!([])).await?;
        if loaded != "object" {
            return Err(BrowserError::Axe(format!("not loaded into the page (typeof axe: {loaded})")));
        }
        let run = "const [tags, done] = arguments; \
            axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}) \
              .then(r => done({ok: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, \
                  helpUrl: v.helpUrl, nodes: v.nodes.map(n => [n.target.join(' '), n.failureSummary || ''])}))})) \
              .catch(e => done({error: String(e)}));";
        let body = json!({"script": run, "args": [WCAG_TAGS]});
        let out = self.cmd(Method::POST, "/execute/async", Some(body)).await?;
        match (out.get("ok"), out.get("error")) {
            (Some(ok), _) => serde_json::from_value(ok.clone()).map_err(|e| BrowserError::Axe(e.to_string())),
            (None, e) => Err(BrowserError::Axe(e.map_or_else(|| out.to_string(), Value::to_string))),
        }
    }

    /// Ends the session cleanly (Chromium quits), then chromedriver.
    pub async fn close(self) -> Result<(), BrowserError> {
        self.cmd(Method::DELETE, "", None).await.map(drop)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group: chromedriver and the Chromium processes it started.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
