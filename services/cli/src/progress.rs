//! Progress bars for long work, on stderr, drawn only when stderr is a terminal (so pipes, files
//! and `--json` readers see nothing of them) and not when `LOFTE_NO_PROGRESS` is set.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar over `len` items of `what` (e.g. "events"), or a counter while `len` is unknown (0).
pub fn bar(what: &str, len: u64) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(len), target());
    let style = if len == 0 {
        ProgressStyle::with_template("{spinner} {pos} {msg} ({elapsed})")
    } else {
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg} ({eta} left)")
    };
    if let Ok(style) = style {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_owned());
    pb.enable_steady_tick(Duration::from_millis(200));
    pb
}

fn target() -> ProgressDrawTarget {
    if std::env::var_os("LOFTE_NO_PROGRESS").is_some() {
        ProgressDrawTarget::hidden()
    } else {
        // Hidden by indicatif itself when stderr is not a terminal.
        ProgressDrawTarget::stderr()
    }
}
