//! `lofte-notifier`: load settings, set up logging, run until Ctrl-C or SIGTERM.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context;
use clap::Parser;
use jiff::Timestamp;
use lofte_notifier::{
    app::App,
    settings::{Settings, Tls},
};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Lofte's notifier: deadline reminders and escalations by e-mail, each sent once and recorded.
#[derive(Debug, Parser)]
#[command(name = "lofte-notifier", version, about, long_about = None)]
struct Cli {
    /// Address to listen on (default 127.0.0.1:7430).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Directory of its state (default var/notifier).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// TOML config file; its [notifier] table is read. LOFTE__NOTIFIER__<KEY> overrides it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// NATS server (default nats://127.0.0.1:4222).
    #[arg(long)]
    nats_url: Option<String>,
    /// The ledger that records reminder_sent (default http://127.0.0.1:7410).
    #[arg(long)]
    ledger_url: Option<String>,
    /// Start a simulated clock at this moment (RFC 3339); POST /v1/tick?now= moves it.
    #[arg(long)]
    now: Option<Timestamp>,
    /// SMTP host (default: none, mails are written to var/mail).
    #[arg(long)]
    smtp_host: Option<String>,
    /// SMTP port.
    #[arg(long)]
    smtp_port: Option<u16>,
    /// SMTP security: starttls (default), tls, or none (a local relay or test server only).
    #[arg(long, value_enum)]
    smtp_tls: Option<Tls>,
    /// The bearer tokens, as hashes (`lofte token create` writes it). Without one the notifier
    /// refuses to start unless LOFTE__NOTIFIER__AUTH__OPEN=true.
    #[arg(long)]
    tokens_file: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    lofte_service::runtime::init_tracing();
    let mut s = Settings::load(cli.config.as_deref())?;
    s.listen = cli.listen.unwrap_or(s.listen);
    s.data_dir = cli.data_dir.unwrap_or(s.data_dir);
    s.nats.url = cli.nats_url.or(s.nats.url);
    if let Some(l) = cli.ledger_url {
        s.ledgers = [("local".to_owned(), l.clone())].into();
        s.ledger_url = l;
    }
    s.smtp.host = cli.smtp_host.or(s.smtp.host);
    s.smtp.port = cli.smtp_port.unwrap_or(s.smtp.port);
    s.smtp.tls = cli.smtp_tls.unwrap_or(s.smtp.tls);
    s.auth.from_flag_for_service(cli.tokens_file, "notifier")?;
    let app = App::build(s, cli.now).await.context("the notifier could not start")?;
    println!("lofte-notifier listening on http://{}", app.addr());
    Ok(app.run(lofte_service::runtime::shutdown_on_signal()).await?)
}
