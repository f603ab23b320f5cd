//! `lofte profile show`: the settings in use and where each came from.

use serde_json::json;

use crate::{cli::GlobalArgs, global::Global, profile};

pub fn show(g: &Global, args: &GlobalArgs) -> anyhow::Result<()> {
    let config = args.config.clone().or_else(profile::default_path);
    let config = config.map(|p| p.display().to_string());
    let token = g.token_source.map_or_else(|| "none (anonymous)".to_owned(), |s| format!("set, from {s}"));
    if g.json {
        let v = json!({
            "ledger": g.ledger,
            "projector": g.projector,
            "profile": g.profile,
            "config": config,
            "token": g.token_source,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!("ledger     {}", g.ledger);
        println!("projector  {}", g.projector);
        println!("profile    {}", g.profile.as_deref().unwrap_or("none"));
        println!("config     {}", config.as_deref().unwrap_or("none"));
        println!("token      {token}");
    }
    Ok(())
}
