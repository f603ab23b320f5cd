//! Sending with lettre: SMTP (STARTTLS, TLS, or plain for a local relay) with credentials and a
//! timeout, or lettre's file transport when no SMTP host is configured.

use std::time::Duration;

use lettre::{
    transport::smtp::authentication::Credentials, AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message,
    Tokio1Executor,
};

use crate::settings::{Smtp, Tls};

/// A configured way to send.
#[derive(Debug, Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
}

impl Mailer {
    /// From the settings; `mail_dir` is used when no SMTP host is set.
    pub fn new(smtp: &Smtp, mail_dir: &std::path::Path) -> Result<Mailer, String> {
        let Some(host) = &smtp.host else {
            std::fs::create_dir_all(mail_dir).map_err(|e| format!("cannot create {}: {e}", mail_dir.display()))?;
            return Ok(Mailer::File(AsyncFileTransport::new(mail_dir)));
        };
        let builder = match smtp.tls {
            Tls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            Tls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(|e| e.to_string())?,
            Tls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| e.to_string())?,
        };
        let mut builder = builder.port(smtp.port).timeout(Some(Duration::from_secs(smtp.timeout_secs.max(1))));
        if let (Some(user), Some(pass)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.0.clone()));
        }
        Ok(Mailer::Smtp(builder.build()))
    }

    /// Sends one message. The error never contains credentials.
    pub async fn send(&self, m: Message) -> Result<(), String> {
        match self {
            Mailer::Smtp(t) => t.send(m).await.map(|_| ()).map_err(|e| format!("SMTP: {e}")),
            Mailer::File(t) => t.send(m).await.map(|_| ()).map_err(|e| format!("file transport: {e}")),
        }
    }
}
