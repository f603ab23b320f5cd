//! `lofte-web`: load settings, set up logging, serve until Ctrl-C or SIGTERM.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context;
use clap::Parser;
use lofte_web::{App, Settings};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Lofte's web application: sign-in by mailed link, "Att göra" and the forms, in Swedish.
#[derive(Debug, Parser)]
#[command(name = "lofte-web", version, about, long_about = None)]
struct Cli {
    /// Address to listen on (default 127.0.0.1:7440).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Directory of its sessions and sign-in links (default var/web).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// TOML config file; its [web] table is read. LOFTE__WEB__<KEY> overrides it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Where people reach it (links in mails point here; https makes cookies Secure).
    #[arg(long)]
    public_url: Option<String>,
    /// The ledger (default http://127.0.0.1:7410).
    #[arg(long)]
    ledger_url: Option<String>,
    /// The projector (default http://127.0.0.1:7420).
    #[arg(long)]
    projector_url: Option<String>,
    /// Where sign-in mails are written when no SMTP host is set (default var/mail).
    #[arg(long)]
    mail_dir: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    lofte_service::runtime::init_tracing();
    let mut s = Settings::load(cli.config.as_deref())?;
    s.listen = cli.listen.unwrap_or(s.listen);
    s.data_dir = cli.data_dir.unwrap_or(s.data_dir);
    s.public_url = cli.public_url.unwrap_or(s.public_url);
    s.ledger_url = cli.ledger_url.unwrap_or(s.ledger_url);
    s.projector_url = cli.projector_url.unwrap_or(s.projector_url);
    s.mail_dir = cli.mail_dir.unwrap_or(s.mail_dir);
    let app = App::build(s).await.context("the web application could not start")?;
    println!("lofte-web listening on http://{}", app.addr());
    let shutdown = lofte_service::runtime::shutdown_on_signal();
    Ok(app.run(shutdown).await?)
}
