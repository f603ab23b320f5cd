//! Sending with lettre: SMTP (STARTTLS required, TLS from the start, or plain for a local relay)
//! with credentials, a timeout and optionally a private CA to trust, or, when no SMTP host is
//! configured, `.eml` files written exactly once ([`crate::mail_files`]).

use std::time::Duration;

use lettre::{
    transport::smtp::{
        authentication::Credentials,
        client::{Certificate, Tls as SmtpTls, TlsParameters},
    },
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use crate::{
    mail_files::MailFiles,
    settings::{Smtp, Tls},
};

/// A configured way to send.
#[derive(Debug, Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(MailFiles),
}

impl Mailer {
    /// From the settings; `mail_dir` is used when no SMTP host is set.
    pub fn new(smtp: &Smtp, mail_dir: &std::path::Path) -> Result<Mailer, String> {
        let Some(host) = &smtp.host else {
            return MailFiles::open(mail_dir).map(Mailer::File).map_err(|e| e.to_string());
        };
        let params = || -> Result<TlsParameters, String> {
            let mut b = TlsParameters::builder(host.clone());
            if let Some(ca) = &smtp.ca_file {
                let pem = std::fs::read(ca).map_err(|e| format!("cannot read smtp.ca_file {}: {e}", ca.display()))?;
                b = b.add_root_certificate(Certificate::from_pem(&pem).map_err(|e| format!("smtp.ca_file: {e}"))?);
            }
            b.build().map_err(|e| format!("TLS: {e}"))
        };
        let tls = match smtp.tls {
            Tls::None => SmtpTls::None,
            Tls::Starttls => SmtpTls::Required(params()?),
            Tls::Tls => SmtpTls::Wrapper(params()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(smtp.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(smtp.timeout_secs.max(1))));
        if let (Some(user), Some(pass)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.0.clone()));
        }
        Ok(Mailer::Smtp(builder.build()))
    }

    /// Sends one message. The error never contains credentials. A file already written for its
    /// Message-ID counts as sent.
    pub async fn send(&self, m: Message) -> Result<(), String> {
        match self {
            Mailer::Smtp(t) => t.send(m).await.map(|_| ()).map_err(|e| format!("SMTP: {e}")),
            Mailer::File(f) => f.send(&m).await.map(|_| ()).map_err(|e| format!("file transport: {e}")),
        }
    }
}
