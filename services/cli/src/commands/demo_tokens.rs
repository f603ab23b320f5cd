//! `lofte up`'s demo tokens: on the first run, one coordinator, one auditor, one service token
//! and a reporter token for every organisation of the sample plans, written (hashed) into
//! `DATA/tokens.toml` for the services and, in the clear, as profiles of `DATA/cli.toml` (owner
//! only) for the CLI. Later runs keep them. And the demo's people besides the plans' own.

use std::{collections::BTreeMap, path::Path};

use anyhow::{anyhow, Context};
use lofte_proto::{auth::Role, planfile, Kind};

use crate::profile::{write_private, ConfigFile, Profile};

/// Profile name → token.
#[derive(Debug, Default)]
pub struct DemoTokens {
    pub tokens: BTreeMap<String, String>,
}

impl DemoTokens {
    /// The token a sample event of `kind` recorded for `actor` is sent with.
    pub fn for_event(&self, kind: &str, actor: &str) -> Option<&str> {
        let coordinator = kind.parse::<Kind>().is_ok_and(|k| Role::Coordinator.may_record(k));
        let profile = if coordinator { "coordinator".to_owned() } else { format!("reporter-{actor}") };
        self.tokens.get(&profile).map(String::as_str)
    }

    pub fn get(&self, profile: &str) -> Option<&str> {
        self.tokens.get(profile).map(String::as_str)
    }
}

/// Reads the demo tokens kept in `DATA/demo-tokens.toml`, or creates them.
pub fn ensure(data: &Path, plans: &[std::path::PathBuf]) -> anyhow::Result<DemoTokens> {
    let kept = data.join("demo-tokens.toml");
    if kept.is_file() {
        let text = std::fs::read_to_string(&kept)?;
        let tokens: BTreeMap<String, String> = toml::from_str(&text).map_err(|e| anyhow!("{}: {e}", kept.display()))?;
        return Ok(DemoTokens { tokens });
    }
    let file = data.join("tokens.toml");
    let mut tokens = BTreeMap::new();
    for (profile, role, org) in
        [("coordinator", "coordinator", None), ("auditor", "auditor", None), ("service", "service", None)]
    {
        let (t, _) = super::token::create(&file, role, org, Some(format!("lofte up: {profile}")))?;
        tokens.insert(profile.to_owned(), t);
    }
    let mut orgs = std::collections::BTreeSet::new();
    for p in plans {
        let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
        let plan = planfile::parse(&text).map_err(|e| anyhow!("{}: {e}", p.display()))?;
        orgs.extend(plan.adopted().actors.iter().map(|a| a.id.to_string()));
    }
    let mut demo = DemoTokens { tokens };
    add_reporters(data, &mut demo, orgs)?;
    write_private(&kept, &toml::to_string(&demo.tokens)?)?;
    Ok(demo)
}

/// Adds a reporter token for each of `orgs` that has none yet (organisations of plans imported
/// after the first start: Brottsofferjouren joins, a new plan names the county board); keeps them
/// in `DATA/demo-tokens.toml`. Returns the organisations added.
pub fn add_reporters(
    data: &Path,
    demo: &mut DemoTokens,
    orgs: impl IntoIterator<Item = String>,
) -> anyhow::Result<Vec<String>> {
    let file = data.join("tokens.toml");
    let mut added = vec![];
    for org in orgs {
        let profile = format!("reporter-{org}");
        if demo.tokens.contains_key(&profile) {
            continue;
        }
        let (t, _) =
            super::token::create(&file, "reporter", Some(&org), Some(format!("lofte up: reporter for {org}")))?;
        demo.tokens.insert(profile, t);
        added.push(org);
    }
    if !added.is_empty() {
        write_private(&data.join("demo-tokens.toml"), &toml::to_string(&demo.tokens)?)?;
    }
    Ok(added)
}

/// Adds the web application's token (a delegate service token, ADR 0019) if there is none yet
/// (a data directory from before the web application); keeps it in `DATA/demo-tokens.toml`.
pub fn add_web(data: &Path, demo: &mut DemoTokens) -> anyhow::Result<()> {
    if demo.tokens.contains_key("web") {
        return Ok(());
    }
    let file = data.join("tokens.toml");
    let (t, _) = super::token::create_with(&file, "service", None, Some("lofte up: the web application".into()), true)?;
    demo.tokens.insert("web".into(), t);
    write_private(&data.join("demo-tokens.toml"), &toml::to_string(&demo.tokens)?)?;
    Ok(())
}

/// Writes `DATA/cli.toml`: a profile per demo token, `coordinator` by default.
pub fn write_profiles(data: &Path, ledger: &str, projector: &str, demo: &DemoTokens) -> anyhow::Result<String> {
    let path = std::path::absolute(data.join("cli.toml")).context("cannot name the data directory")?;
    let mut file = ConfigFile { default: Some("coordinator".into()), profiles: BTreeMap::new() };
    let at = |token: Option<String>| Profile { ledger: Some(ledger.into()), projector: Some(projector.into()), token };
    file.profiles.insert("public".into(), at(None));
    for (name, token) in demo.tokens.iter().filter(|(n, _)| *n != "web") {
        file.profiles.insert(name.clone(), at(Some(token.clone())));
    }
    let text = format!(
        "# Written by lofte up: the CLI's profiles for this stack, with its demo tokens (keep private).\n\
         # export LOFTE_CONFIG={}   then   lofte --profile reporter-polisen log …\n\n{}",
        path.display(),
        toml::to_string(&file)?
    );
    write_private(&path, &text)?;
    Ok(path.display().to_string())
}

/// The demo's people besides the plans' own: an auditor (the web application's Händelsehistorik)
/// and a coordinator for every plan (the plans' own coordinators are limited to their plan, so
/// they cannot import another).
const DEMO_PEOPLE: [&str; 2] = [
    r#"{"role":"auditor","orgs":["kommunen"],"name":"Greta Granskare","email":"granskare@jonkoping.example"}"#,
    r#"{"role":"coordinator","orgs":["kommunen"],"name":"Sam Samordnare","email":"samordnare@jonkoping.example"}"#,
];

/// Puts [`DEMO_PEOPLE`] into the directory (again: no change).
pub async fn add_people(here: &crate::global::Global) -> anyhow::Result<()> {
    let directory = crate::client::Ledger::new(here);
    for p in DEMO_PEOPLE {
        let p = lofte_proto::people::NewPerson::parse(p.as_bytes()).map_err(|e| anyhow!("{}", e.message))?;
        directory.client().add_person(&p).await.map_err(|e| anyhow!("{e}"))?;
    }
    Ok(())
}
