//! Where the CLI's settings come from: a flag, then an environment variable, then the chosen
//! profile of the config file, then the built-in default.
//!
//! The config file is `--config FILE`, `LOFTE_CONFIG`, or `~/.config/lofte/config.toml`
//! (`$XDG_CONFIG_HOME/lofte/config.toml`); a missing default file is no error. The profile is
//! `--profile NAME`, `LOFTE_PROFILE`, or the file's `default`:
//!
//! ```toml
//! default = "demo"
//!
//! [profiles.demo]
//! ledger = "http://127.0.0.1:7410"
//! projector = "http://127.0.0.1:7420"
//! token = "…"            # sent as a bearer token; keep the file private (chmod 600)
//! ```

use std::{collections::BTreeMap, path::PathBuf};

use anyhow::{anyhow, Context};
use serde::Deserialize;

/// The built-in service addresses (the services' own default ports).
pub const DEFAULT_LEDGER: &str = "http://127.0.0.1:7410";
pub const DEFAULT_PROJECTOR: &str = "http://127.0.0.1:7420";

/// A config file: named profiles and which one to use when none is named.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile: where the services are and who you are.
#[derive(Default, Deserialize, serde::Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("ledger", &self.ledger)
            .field("projector", &self.projector)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// What the command line and the environment asked for.
#[derive(Debug, Default)]
pub struct Asked {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
}

/// The default config path: `$XDG_CONFIG_HOME/lofte/config.toml` or `~/.config/lofte/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("lofte").join("config.toml"))
}

/// Parses a config file's text; errors name the file.
pub fn parse(text: &str, path: &std::path::Path) -> anyhow::Result<ConfigFile> {
    toml::from_str(text).map_err(|e| anyhow!("{}: {}", path.display(), e.message()))
}

/// The chosen profile (empty when there is no config file and none was asked for).
pub fn load(asked: &Asked) -> anyhow::Result<(Profile, Option<String>)> {
    let (path, explicit) = match &asked.config {
        Some(p) => (Some(p.clone()), true),
        None => (default_path(), false),
    };
    let file = match &path {
        Some(p) if p.is_file() => {
            let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
            parse(&text, p)?
        }
        Some(p) if explicit => return Err(anyhow!("config file {} not found", p.display())),
        _ => ConfigFile::default(),
    };
    choose(file, asked.profile.as_deref(), path.as_deref())
}

/// Picks the asked-for profile, or the file's default; naming a profile the file lacks is an error.
pub fn choose(
    mut file: ConfigFile,
    asked: Option<&str>,
    path: Option<&std::path::Path>,
) -> anyhow::Result<(Profile, Option<String>)> {
    let name = asked.map(str::to_owned).or(file.default.clone());
    match name {
        None => Ok((Profile::default(), None)),
        Some(n) => match file.profiles.remove(&n) {
            Some(p) => Ok((p, Some(n))),
            None => {
                let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
                let place = path.map_or_else(|| "the config file".to_owned(), |p| p.display().to_string());
                Err(anyhow!(
                    "no profile {n:?} in {place} (profiles there: {})",
                    if known.is_empty() { "none".to_owned() } else { known.join(", ") }
                ))
            }
        },
    }
}

/// Adds profile `name` to the config file at `path` (made, owner only, if missing); an existing
/// profile of that name is not overwritten.
pub fn save(path: &std::path::Path, name: &str, profile: Profile) -> anyhow::Result<()> {
    let mut file = check_free(path, name)?;
    file.profiles.insert(name.to_owned(), profile);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    write_private(path, &toml::to_string(&file)?)
}

/// The config file at `path` (empty if missing), if it has no profile `name` yet.
pub fn check_free(path: &std::path::Path, name: &str) -> anyhow::Result<ConfigFile> {
    let file = match path.is_file() {
        true => {
            parse(&std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?, path)?
        }
        false => ConfigFile::default(),
    };
    if file.profiles.contains_key(name) {
        return Err(anyhow!("--profile: {name:?} is already a profile in {}; choose another name", path.display()));
    }
    Ok(file)
}

/// Writes `text` to `path`, readable by its owner only (it holds tokens).
pub fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> ConfigFile {
        parse(text, std::path::Path::new("c.toml")).unwrap()
    }

    const TEXT: &str = r#"
default = "demo"
[profiles.demo]
ledger = "http://127.0.0.1:1"
token = "secret-token"
[profiles.prod]
ledger = "https://ledger.example"
"#;

    #[test]
    fn the_default_profile_is_used_unless_another_is_named() {
        let (p, n) = choose(file(TEXT), None, None).unwrap();
        assert_eq!((p.ledger.as_deref(), n.as_deref()), (Some("http://127.0.0.1:1"), Some("demo")));
        let (p, _) = choose(file(TEXT), Some("prod"), None).unwrap();
        assert_eq!(p.ledger.as_deref(), Some("https://ledger.example"));
    }

    #[test]
    fn an_unknown_profile_names_the_known_ones() {
        let e = choose(file(TEXT), Some("test"), None).unwrap_err().to_string();
        assert!(e.contains("\"test\"") && e.contains("demo, prod"), "{e}");
    }

    #[test]
    fn unknown_keys_are_refused_with_the_file_named() {
        let e = parse("[profiles.x]\nledgr = \"u\"\n", std::path::Path::new("c.toml")).unwrap_err().to_string();
        assert!(e.starts_with("c.toml: ") && e.contains("ledgr"), "{e}");
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let (p, _) = choose(file(TEXT), None, None).unwrap();
        assert!(!format!("{p:?}").contains("secret-token"));
    }
}
