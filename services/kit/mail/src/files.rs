//! The file transport, exactly once: each mail is the file `<Message-ID>.eml` in the mail
//! directory (the Message-ID made safe as a file name), written atomically — into a temporary file
//! in the same directory, synced, renamed into place, the directory synced — and never written
//! again once it is there. A mail resent after a crash (the notifier died after writing it and
//! before keeping it in its state) finds its file and leaves it alone; a crash mid-write leaves
//! only a temporary file, removed at the next start.
//!
//! Because Message-IDs are derived from recipient, occasion, plan and tertial, the file name is
//! the mail's identity: a directory holds each mail at most once.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use sha2::{Digest, Sha256};

/// What temporary files start and end with: hidden, and never taken for a mail (`.eml`).
const TEMP_PREFIX: &str = ".tmp-";
const TEMP_SUFFIX: &str = ".tmp";
/// Keeps a name well under the usual 255-byte limit.
const MAX_STEM: usize = 160;

/// Why a mail could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FileMailError {
    #[error("the mail has no Message-ID, so it cannot be written exactly once")]
    NoMessageId,
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("the writing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Whether a mail was written now or was already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    New,
    AlreadyThere,
}

/// The file name for a Message-ID: without its angle brackets, with every character other than
/// ASCII letters, digits and `. _ - + @ =` replaced by `_`. If anything was replaced, the name
/// was cut short, or it would start with a dot, a hash of the whole Message-ID is added, so two
/// different Message-IDs never share a file.
pub fn file_name(message_id: &str) -> String {
    let bare = message_id.trim().trim_start_matches('<').trim_end_matches('>');
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '@' | '=');
    let mut stem: String = bare.chars().map(|c| if safe(c) { c } else { '_' }).take(MAX_STEM).collect();
    let exact = stem == bare && !stem.is_empty() && !stem.starts_with('.');
    if !exact {
        let h = Sha256::digest(message_id.as_bytes());
        stem = format!("{}~{}", stem.trim_start_matches('.'), &hex::encode(h)[..16]);
    }
    format!("{stem}.eml")
}

/// The mail directory.
#[derive(Debug, Clone)]
pub struct MailFiles {
    dir: PathBuf,
}

impl MailFiles {
    /// Creates `dir` if needed and removes temporary files a crash left behind.
    pub fn open(dir: &Path) -> Result<MailFiles, FileMailError> {
        let io = |source| FileMailError::Io { path: dir.to_owned(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
                std::fs::remove_file(entry.path()).map_err(io)?;
            }
        }
        Ok(MailFiles { dir: dir.to_owned() })
    }

    /// Writes `m` as its own file, unless a mail with its Message-ID is already there.
    pub async fn send(&self, m: &lettre::Message) -> Result<Written, FileMailError> {
        let id = m.headers().get_raw("Message-ID").ok_or(FileMailError::NoMessageId)?;
        let path = self.dir.join(file_name(id));
        let bytes = m.formatted();
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || write_once(&dir, &path, &bytes)).await?
    }
}

/// Writes `bytes` to `path` atomically, unless `path` exists.
fn write_once(dir: &Path, path: &Path, bytes: &[u8]) -> Result<Written, FileMailError> {
    let io = |p: &Path| {
        let p = p.to_owned();
        move |source| FileMailError::Io { path: p, source }
    };
    if path.try_exists().map_err(io(path))? {
        return Ok(Written::AlreadyThere);
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!("{TEMP_PREFIX}{}-{name}{TEMP_SUFFIX}", std::process::id()));
    let mut f = std::fs::File::create(&temp).map_err(io(&temp))?;
    f.write_all(bytes).map_err(io(&temp))?;
    f.sync_all().map_err(io(&temp))?;
    drop(f);
    std::fs::rename(&temp, path).map_err(io(path))?;
    // The rename itself is durable only once the directory is synced.
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))?;
    Ok(Written::New)
}
