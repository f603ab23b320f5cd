//! `lofte-ledger`: load settings, set up logging, run until Ctrl-C or SIGTERM.

use std::{io::IsTerminal, net::SocketAddr, path::PathBuf};

use anyhow::Context;
use clap::Parser;
use lofte_ledger::{App, Settings};
use lofte_proto::ids::LedgerId;
use tokio_util::sync::CancellationToken;

// sled's I/O threads and the request workers allocate concurrently; glibc's malloc serialises
// them on arena locks (measured: ~12 % of the ledger's CPU). See docs/benchmarks.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Lofte's ledger: the hash-chained event log, served over HTTP.
#[derive(Debug, Parser)]
#[command(name = "lofte-ledger", version, about, long_about = None)]
struct Cli {
    /// Address to listen on (default 127.0.0.1:7410; port 0 picks a free one).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Directory of the sled database (default var/ledger).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// TOML config file; its [ledger] table is read. LOFTE__LEDGER__<KEY> variables override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// This ledger's id (default "local").
    #[arg(long)]
    ledger_id: Option<LedgerId>,
    /// NATS server to publish the log to, e.g. nats://127.0.0.1:4222 (default: none).
    #[arg(long)]
    nats_url: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,async_nats=warn".into());
    if std::io::stderr().is_terminal() {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    } else {
        tracing_subscriber::fmt().json().with_env_filter(filter).with_writer(std::io::stderr).init();
    }
    let mut settings = Settings::load(cli.config.as_deref())?;
    settings.listen = cli.listen.unwrap_or(settings.listen);
    settings.data_dir = cli.data_dir.unwrap_or(settings.data_dir);
    settings.ledger_id = cli.ledger_id.unwrap_or(settings.ledger_id);
    settings.nats.url = cli.nats_url.or(settings.nats.url);
    let app = App::build(settings).await.context("the ledger could not start")?;
    println!("lofte-ledger listening on http://{}", app.addr());
    let shutdown = CancellationToken::new();
    let on_signal = shutdown.clone();
    tokio::spawn(async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let term = async move {
            match term.as_mut() {
                Some(t) => t.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = term => {} }
        on_signal.cancel();
    });
    app.run(shutdown).await?;
    Ok(())
}
