//! The stack a web test runs against, and a browser-less client that keeps its cookies.

use std::{collections::BTreeMap, time::Duration};

use lofte_ledger::{settings::NatsSettings, App as Ledger, Settings as LedgerSettings};
use lofte_mail::Tls;
use lofte_proto::{command::new_event, ids::OrgId, planfile};
use lofte_service::nats::NatsConnection;
use lofte_test_support::{poll_until, NatsServer, SmtpServer};
use lofte_web::{App, Settings};
use reqwest::{header, redirect::Policy, StatusCode};
use tokio_util::sync::CancellationToken;

/// An auditor of the stack (the plan's people are its reporters and coordinators).
pub const AUDITOR: &str = "granskare@jonkoping.example";

const JONKOPING: &str = include_str!("../../../../deploy/plans/jonkoping-2022.toml");

pub struct Stack {
    pub web: String,
    pub ledger: String,
    pub projector: String,
    pub smtp: SmtpServer,
    pub plan: planfile::PlanFile,
    _nats: NatsServer,
    _dirs: Vec<tempfile::TempDir>,
    cancel: CancellationToken,
    web_cancel: CancellationToken,
    web_task: Option<tokio::task::JoinHandle<Result<(), lofte_web::AppError>>>,
    settings: Settings,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

pub async fn stack() -> Stack {
    let nats = NatsServer::start().await.unwrap();
    let smtp = SmtpServer::start().await.unwrap();
    let cancel = CancellationToken::new();
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let ledger = Ledger::build(LedgerSettings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dirs[0].path().to_owned(),
        nats: NatsSettings { connection: NatsConnection::new(nats.url()), ..NatsSettings::default() },
        ..LedgerSettings::default()
    })
    .await
    .unwrap();
    let lurl = format!("http://{}", ledger.addr());
    tokio::spawn(ledger.run(cancel.clone()));
    let projector = lofte_projector::App::build(lofte_projector::Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dirs[1].path().to_owned(),
        nats: NatsConnection::new(nats.url()),
        ledgers: BTreeMap::from([("local".to_owned(), lurl.clone())]),
        ..lofte_projector::Settings::default()
    })
    .await
    .unwrap();
    let purl = format!("http://{}", projector.addr());
    tokio::spawn(projector.run(cancel.clone()));
    let plan = planfile::parse(JONKOPING).unwrap();
    let kommunen = OrgId::new("kommunen").unwrap();
    let http = reqwest::Client::new();
    for e in plan.events() {
        let body = new_event(plan.plan_id(), &kommunen, &e);
        poll_until("the ledger to take appends", Duration::from_secs(20), || async {
            let r = http.post(format!("{lurl}/v1/events")).json(&body).send().await.unwrap();
            match r.status() {
                StatusCode::SERVICE_UNAVAILABLE => Err(r.text().await.unwrap()),
                s if s.is_success() => Ok(Some(())),
                s => panic!("{s}: {}", r.text().await.unwrap()),
            }
        })
        .await
        .unwrap();
    }
    for p in plan.people() {
        let r = http.post(format!("{lurl}/v1/people")).json(p).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }
    let auditor =
        serde_json::json!({"role": "auditor", "orgs": ["kommunen"], "name": "Greta Granskare", "email": AUDITOR});
    let r = http.post(format!("{lurl}/v1/people")).json(&auditor).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    poll_until("the projector to hold the plan", Duration::from_secs(20), || async {
        let r = http.get(format!("{purl}/v1/plans/jonkoping-2022/summary")).send().await.unwrap();
        Ok::<_, String>(r.status().is_success().then_some(()))
    })
    .await
    .unwrap();
    // The links in mails point at the public URL: a port known before the web application binds.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let nurl = notifier(&nats, &lurl, &purl, &smtp, &format!("http://127.0.0.1:{port}"), dirs[3].path(), &cancel).await;
    let mut settings = Settings {
        listen: format!("127.0.0.1:{port}").parse().unwrap(),
        public_url: format!("http://127.0.0.1:{port}"),
        data_dir: dirs[2].path().join("web"),
        ledger_url: lurl.clone(),
        projector_url: purl.clone(),
        notifier_url: nurl,
        mail_dir: dirs[2].path().join("mail"),
        ..Settings::default()
    };
    settings.smtp.host = Some("127.0.0.1".into());
    settings.smtp.port = smtp.port();
    settings.smtp.tls = Tls::None;
    let app = App::build(settings.clone()).await.unwrap();
    let web = format!("http://{}", app.addr());
    let web_cancel = cancel.child_token();
    let web_task = Some(tokio::spawn(app.run(web_cancel.clone())));
    Stack {
        web,
        ledger: lurl,
        projector: purl,
        smtp,
        plan,
        _nats: nats,
        _dirs: dirs,
        cancel,
        web_cancel,
        web_task,
        settings,
    }
}

/// Starts a notifier on the stack (its mails to `smtp`, links to `web`) and waits until it holds
/// every event of the ledger.
async fn notifier(
    nats: &NatsServer,
    ledger: &str,
    projector: &str,
    smtp: &SmtpServer,
    web: &str,
    dir: &std::path::Path,
    cancel: &CancellationToken,
) -> String {
    let mut s = lofte_notifier::settings::Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.to_owned(),
        nats: NatsConnection::new(nats.url()),
        ledgers: BTreeMap::from([("local".to_owned(), ledger.to_owned())]),
        ledger_url: ledger.to_owned(),
        projector_url: projector.to_owned(),
        web_url: Some(web.to_owned()),
        mail_dir: dir.join("mail"),
        from: "Lofte <lofte@jonkoping.example>".into(),
        tick_secs: 3600,
        ..lofte_notifier::settings::Settings::default()
    };
    s.smtp.host = Some("127.0.0.1".into());
    s.smtp.port = smtp.port();
    s.smtp.tls = Tls::None;
    let app = lofte_notifier::App::build(s, None).await.unwrap();
    let url = format!("http://{}", app.addr());
    tokio::spawn(app.run(cancel.clone()));
    let head: serde_json::Value = reqwest::get(format!("{ledger}/readyz")).await.unwrap().json().await.unwrap();
    let head = head["head_seq"].as_u64().unwrap_or(0);
    poll_until("the notifier to hold the plan", Duration::from_secs(20), || async {
        let v: serde_json::Value = reqwest::get(format!("{url}/readyz"))
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((v["status"] == "ready" && v["applied"].as_u64().unwrap_or(0) >= head).then_some(()))
    })
    .await
    .unwrap();
    url
}

impl Stack {
    /// Stops `lofte-web` and starts it again on the same data directory and port.
    pub async fn restart_web(&mut self) {
        self.web_cancel.cancel();
        if let Some(t) = self.web_task.take() {
            t.await.unwrap().unwrap();
        }
        let app = App::build(self.settings.clone()).await.unwrap();
        self.web_cancel = self.cancel.child_token();
        self.web_task = Some(tokio::spawn(app.run(self.web_cancel.clone())));
    }
}

/// A client that keeps cookies as a browser would and does not follow redirects.
#[derive(Debug, Default)]
pub struct Browser {
    http: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

/// An answer: status, headers, body.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: String,
}

impl Page {
    /// The value of the hidden `_csrf` input.
    pub fn csrf(&self) -> String {
        self.hidden("_csrf")
    }

    /// The value of the hidden input `name`.
    pub fn hidden(&self, name: &str) -> String {
        let pat = format!("name=\"{name}\" value=\"");
        let at = self.body.find(&pat).unwrap_or_else(|| panic!("no {name} in {}", self.body)) + pat.len();
        self.body[at..].split('"').next().unwrap().to_owned()
    }

    pub fn title(&self) -> String {
        let at = self.body.find("<title>").unwrap() + 7;
        self.body[at..].split("</title>").next().unwrap().to_owned()
    }
}

impl Browser {
    /// Another client with the same cookies (a poll's closure cannot borrow this one mutably).
    pub fn twin(&self) -> Browser {
        Browser { cookies: self.cookies.clone(), ..Browser::new() }
    }

    pub fn new() -> Browser {
        Browser { http: reqwest::Client::builder().redirect(Policy::none()).build().unwrap(), cookies: BTreeMap::new() }
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let cookie: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let resp = req.header(header::COOKIE, cookie.join("; ")).send().await.unwrap();
        for c in resp.headers().get_all(header::SET_COOKIE) {
            let (kv, _) = c.to_str().unwrap().split_once(';').unwrap();
            let (k, v) = kv.split_once('=').unwrap();
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        Page { status: resp.status(), headers: resp.headers().clone(), body: resp.text().await.unwrap() }
    }

    pub async fn get(&mut self, url: &str) -> Page {
        let req = self.http.get(url);
        self.send(req).await
    }

    /// Posts a `multipart/form-data` body of `fields` and one file `(field, file name, content)`,
    /// as a browser sends a form with a file input.
    pub async fn post_multipart(&mut self, url: &str, fields: &[(&str, &str)], file: (&str, &str, &str)) -> Page {
        let boundary = "lofte-test-boundary-7f3a";
        let mut body = String::new();
        for (k, v) in fields {
            body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
        }
        let (field, name, content) = file;
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/toml\r\n\r\n{content}\r\n--{boundary}--\r\n"
        ));
        let req = self
            .http
            .post(url)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        self.send(req).await
    }

    pub async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Page {
        let req = self.http.post(url).form(form);
        self.send(req).await
    }
}

/// A browser signed in as the person with `email`, through the mailed link.
pub async fn signed_in(s: &Stack, email: &str) -> Browser {
    let mut b = Browser::new();
    let form = b.get(&format!("{}/logga-in", s.web)).await;
    let csrf = form.csrf();
    let sent = b.post(&format!("{}/logga-in", s.web), &[("_csrf", &csrf), ("epost", email)]).await;
    assert_eq!(sent.status, StatusCode::OK);
    let mail = poll_until("the sign-in mail", Duration::from_secs(20), || async {
        Ok::<_, String>(s.smtp.messages().into_iter().find(|m| m.header("To").as_deref() == Some(email)))
    })
    .await
    .unwrap();
    let body = mail.raw.replace("=\r\n", "").replace("=\n", "");
    let at = body.find(&format!("{}/logga-in/", s.web)).unwrap();
    let link: String = body[at..].chars().take_while(|c| !c.is_whitespace()).collect();
    let confirm = b.get(&link).await;
    let token = confirm.csrf();
    assert_eq!(b.post(&link, &[("_csrf", &token)]).await.status, StatusCode::SEE_OTHER);
    b
}

/// The ledger's whole log.
pub async fn log(s: &Stack) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        reqwest::get(format!("{}/v1/events?after=0&limit=1000", s.ledger)).await.unwrap().json().await.unwrap();
    v["events"].as_array().unwrap().clone()
}
