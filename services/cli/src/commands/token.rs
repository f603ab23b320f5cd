//! `lofte token create|list|revoke`: the services' tokens file. Whoever may write that file (the
//! operator of the machine the services run on) manages the tokens; the services re-read it
//! within a second of a change. A token is printed once; only its SHA-256 is kept.

use std::{io::Write, path::Path};

use anyhow::{anyhow, Context};
use lofte_proto::{
    auth::{new_token, Role, TokenFile},
    ids::OrgId,
};
use rand::RngCore;
use serde_json::json;

use crate::{
    cli::{GlobalArgs, TokenCommand},
    profile::Profile,
};

pub fn run(cmd: &TokenCommand, global: &GlobalArgs) -> anyhow::Result<()> {
    let as_json = global.json;
    match cmd {
        TokenCommand::Create { role, org, name, delegate, tokens_file } => {
            // The profile is checked before the token is made: a refusal writes nothing.
            let saved = match &global.profile {
                Some(p) => Some((p, profile_file(global)?)),
                None => None,
            };
            if let Some((p, path)) = &saved {
                crate::profile::check_free(path, p)?;
            }
            let token = create_with(tokens_file, role, org.as_deref(), name.clone(), *delegate)?;
            if let Some((p, path)) = &saved {
                let profile = Profile {
                    ledger: global.ledger.clone(),
                    projector: global.projector.clone(),
                    token: Some(token.0.clone()),
                };
                crate::profile::save(path, p, profile)?;
                eprintln!("saved as profile {p} in {}: lofte --profile {p} …", path.display());
            }
            if as_json {
                println!("{}", serde_json::to_string_pretty(&json!({"id": &token.1, "token": token.0}))?);
            } else {
                println!("{}", token.0);
                eprintln!("token {} written to {}; it is shown only now.", token.1, tokens_file.display());
            }
            Ok(())
        }
        TokenCommand::List { tokens_file } => {
            let f = read(tokens_file)?;
            if as_json {
                let rows: Vec<_> = f
                    .tokens
                    .iter()
                    .map(|t| json!({"id": t.id, "role": t.role, "org": t.org, "name": t.name, "created": t.created}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                println!("{:<12}  {:<11}  {:<20}  {:<25}  name", "id", "role", "org", "created");
                for t in &f.tokens {
                    let org = t.org.as_ref().map_or("-", |o| o.as_str());
                    println!(
                        "{:<12}  {:<11}  {org:<20}  {:<25}  {}",
                        t.id,
                        t.role,
                        t.created,
                        t.name.as_deref().unwrap_or("")
                    );
                }
            }
            Ok(())
        }
        TokenCommand::Revoke { id, tokens_file } => {
            let mut f = read(tokens_file)?;
            let before = f.tokens.len();
            f.tokens.retain(|t| t.id != *id);
            if f.tokens.len() == before {
                return Err(anyhow!("no token {id} in {}", tokens_file.display()));
            }
            write(tokens_file, &f)?;
            println!("revoked {id}");
            Ok(())
        }
    }
}

/// Adds a new token to `file` (created if missing); returns the token and its id.
pub fn create(file: &Path, role: &str, org: Option<&str>, name: Option<String>) -> anyhow::Result<(String, String)> {
    create_with(file, role, org, name, false)
}

/// As [`create`]; `delegate`: a service token that records on behalf of people (ADR 0019).
pub fn create_with(
    file: &Path,
    role: &str,
    org: Option<&str>,
    name: Option<String>,
    delegate: bool,
) -> anyhow::Result<(String, String)> {
    let role: Role = role.parse().map_err(|e: lofte_proto::auth::UnknownRole| anyhow!("--role: {e}"))?;
    if delegate && role != Role::Service {
        return Err(anyhow!("--delegate: only a service token records on behalf of people"));
    }
    let org = org.map(|o| OrgId::new(o).map_err(|e| anyhow!("--org {o:?}: {e}"))).transpose()?;
    if (role == Role::Reporter) != org.is_some() {
        return Err(anyhow!("--org: a reporter token needs --org ORG, and only a reporter token takes one"));
    }
    let mut f = if file.exists() { read(file)? } else { TokenFile::default() };
    let mut random = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let created = jiff::Timestamp::now().to_string();
    let (token, mut entry) = new_token(random, role, org, name, created);
    entry.delegate = delegate;
    let id = entry.id.clone();
    f.tokens.push(entry);
    write(file, &f)?;
    Ok((token, id))
}

fn read(file: &Path) -> anyhow::Result<TokenFile> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    TokenFile::parse(&text).map_err(|e| anyhow!("{}: {e}", file.display()))
}

/// Replaces the file in one step (a reader never sees half of it), readable by its owner only.
fn write(file: &Path, f: &TokenFile) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let tmp = file.with_extension("toml.tmp");
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    out.write_all(f.render().as_bytes())?;
    out.sync_all()?;
    std::fs::rename(&tmp, file).with_context(|| format!("cannot replace {}", file.display()))
}

/// The config file a new profile goes into: `--config`, `LOFTE_CONFIG`, or the default.
fn profile_file(global: &GlobalArgs) -> anyhow::Result<std::path::PathBuf> {
    global
        .config
        .clone()
        .or_else(crate::profile::default_path)
        .ok_or_else(|| anyhow!("--profile: no config file to keep it in; give --config FILE"))
}
