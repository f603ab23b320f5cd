//! `lofte-ledger`: load settings, set up logging, run until Ctrl-C or SIGTERM.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context;
use clap::Parser;
use lofte_ledger::{App, Settings};
use lofte_proto::ids::LedgerId;

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
    /// The bearer tokens, as hashes (`lofte token create` writes it). Without one the ledger
    /// refuses to start unless LOFTE__LEDGER__AUTH__OPEN=true.
    #[arg(long)]
    tokens_file: Option<PathBuf>,
    /// Restore an empty (or lost) data directory from the JetStream stream's copy of this
    /// ledger's log: same events, seqs, hashes, idempotency keys and stream versions. Without it,
    /// a ledger whose directory is empty while the stream holds its events refuses appends, so
    /// that a mistyped --data-dir never starts a new, empty ledger. Needs a NATS URL.
    #[arg(long)]
    restore_from_stream: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    lofte_service::runtime::init_tracing();
    let mut settings = Settings::load(cli.config.as_deref())?;
    settings.listen = cli.listen.unwrap_or(settings.listen);
    settings.data_dir = cli.data_dir.unwrap_or(settings.data_dir);
    settings.ledger_id = cli.ledger_id.unwrap_or(settings.ledger_id);
    settings.nats.connection.url = cli.nats_url.or(settings.nats.connection.url);
    settings.restore_from_stream = cli.restore_from_stream;
    settings.auth.from_flag_for_service(cli.tokens_file, "ledger")?;
    let app = App::build(settings).await.context("the ledger could not start")?;
    println!("lofte-ledger listening on http://{}", app.addr());
    let shutdown = lofte_service::runtime::shutdown_on_signal();
    app.run(shutdown).await?;
    Ok(())
}
