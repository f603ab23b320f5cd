//! What every service binary does around its `App`: logging, and a shutdown token cancelled by
//! Ctrl-C or SIGTERM.

use std::io::IsTerminal;

use tokio_util::sync::CancellationToken;

/// Logs to stderr: readable on a terminal, JSON lines otherwise. `RUST_LOG` overrides the level.
pub fn init_tracing() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,async_nats=warn".into());
    if std::io::stderr().is_terminal() {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    } else {
        tracing_subscriber::fmt().json().with_env_filter(filter).with_writer(std::io::stderr).init();
    }
}

/// A token cancelled at the first Ctrl-C or SIGTERM.
pub fn shutdown_on_signal() -> CancellationToken {
    let token = CancellationToken::new();
    let on_signal = token.clone();
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
    token
}
