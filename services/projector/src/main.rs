//! `lofte-projector`: load settings, set up logging, run until Ctrl-C or SIGTERM.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context;
use clap::Parser;
use lofte_projector::{App, Settings};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Lofte's projector: tertial summaries, reports and provenance, from the event stream.
#[derive(Debug, Parser)]
#[command(name = "lofte-projector", version, about, long_about = None)]
struct Cli {
    /// Address to listen on (default 127.0.0.1:7420; port 0 picks a free one).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Directory of the sled views (default var/projector).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// TOML config file; its [projector] table is read. LOFTE__PROJECTOR__<KEY> overrides it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// NATS server (default nats://127.0.0.1:4222).
    #[arg(long)]
    nats_url: Option<String>,
    /// A ledger to back-fill gaps from, as ID=URL (repeatable; default local=http://127.0.0.1:7410).
    #[arg(long = "ledger", value_name = "ID=URL")]
    ledgers: Vec<String>,
    /// The bearer tokens, as hashes (`lofte token create` writes it). Without one the projector
    /// refuses to start unless LOFTE__PROJECTOR__AUTH__OPEN=true.
    #[arg(long)]
    tokens_file: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    lofte_service::runtime::init_tracing();
    let mut settings = Settings::load(cli.config.as_deref())?;
    settings.listen = cli.listen.unwrap_or(settings.listen);
    settings.data_dir = cli.data_dir.unwrap_or(settings.data_dir);
    settings.nats.url = cli.nats_url.or(settings.nats.url);
    if !cli.ledgers.is_empty() {
        settings.ledgers.clear();
        for l in &cli.ledgers {
            let (id, url) = l.split_once('=').with_context(|| format!("--ledger {l:?}: expected ID=URL"))?;
            settings.ledgers.insert(id.to_owned(), url.to_owned());
        }
    }
    settings.auth.from_flag_for_service(cli.tokens_file, "projector")?;
    let app = App::build(settings).await.context("the projector could not start")?;
    println!("lofte-projector listening on http://{}", app.addr());
    let shutdown = lofte_service::runtime::shutdown_on_signal();
    app.run(shutdown).await?;
    Ok(())
}
