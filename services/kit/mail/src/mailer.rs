//! Sending with lettre: SMTP (STARTTLS required, TLS from the start, or plain for a local relay)
//! with credentials, a timeout and optionally a private CA to trust, or, when no SMTP host is
//! configured, `.eml` files written exactly once ([`crate::files`]). A failed send is tried
//! again a few times at once ([`Mailer::send_with_retries`]); later ticks try again after that.

use std::{path::PathBuf, time::Duration};

use lettre::{
    transport::smtp::{
        authentication::Credentials,
        client::{Certificate, Tls as SmtpTls, TlsParameters},
    },
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use crate::{
    files::{FileMailError, MailFiles},
    settings::{Smtp, Tls},
};

/// Why the mailer could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("cannot read smtp.ca_file {path}: {source}")]
    CaFile { path: PathBuf, source: std::io::Error },
    #[error("smtp.ca_file {path}: {source}")]
    Certificate { path: PathBuf, source: lettre::transport::smtp::Error },
    #[error("TLS: {0}")]
    Tls(lettre::transport::smtp::Error),
    #[error(transparent)]
    Files(#[from] FileMailError),
}

/// Why a mail was not sent. It never contains credentials.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("file transport: {0}")]
    File(#[from] FileMailError),
}

/// A configured way to send.
#[derive(Debug, Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(MailFiles),
}

impl Mailer {
    /// From the settings; `mail_dir` is used when no SMTP host is set.
    pub fn new(smtp: &Smtp, mail_dir: &std::path::Path) -> Result<Mailer, MailerError> {
        let Some(host) = &smtp.host else {
            return Ok(Mailer::File(MailFiles::open(mail_dir)?));
        };
        let params = || -> Result<TlsParameters, MailerError> {
            let mut b = TlsParameters::builder(host.clone());
            if let Some(ca) = &smtp.ca_file {
                let pem = std::fs::read(ca).map_err(|source| MailerError::CaFile { path: ca.clone(), source })?;
                let cert = Certificate::from_pem(&pem)
                    .map_err(|source| MailerError::Certificate { path: ca.clone(), source })?;
                b = b.add_root_certificate(cert);
            }
            b.build().map_err(MailerError::Tls)
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

    /// Sends one message. A file already written for its Message-ID counts as sent.
    pub async fn send(&self, m: Message) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(t) => {
                t.send(m).await?;
            }
            Mailer::File(f) => {
                f.send(&m).await?;
            }
        }
        Ok(())
    }

    /// Sends `m`, trying up to `tries` times with a short, capped backoff between; the last
    /// error if none got through.
    pub async fn send_with_retries(&self, m: &Message, tries: u32) -> Result<(), SendError> {
        let mut backoff = lofte_service::retry::Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        let mut tried = 1;
        loop {
            match self.send(m.clone()).await {
                Err(e) if tried < tries => {
                    tracing::debug!(error = %e, tried, "mail not sent; trying again");
                    tried += 1;
                    tokio::time::sleep(backoff.pause()).await;
                }
                done => return done,
            }
        }
    }
}
