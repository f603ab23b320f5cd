//! The documented defaults are the real ones, and the layers override in order.

use std::path::Path;

use lofte_ledger::Settings;

fn documented() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/config/lofte.toml"))
}

#[test]
fn the_documented_defaults_are_the_defaults() {
    figment::Jail::expect_with(|_| {
        assert_eq!(Settings::load(Some(documented())).unwrap(), Settings::default());
        Ok(())
    });
}

#[test]
fn file_then_environment_override() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("lofte.toml", "[ledger]\nmax_page = 50\nledger_id = \"eksjo\"\n")?;
        let s = Settings::load(Some(Path::new("lofte.toml"))).unwrap();
        assert_eq!((s.max_page, s.ledger_id.as_str()), (50, "eksjo"));
        jail.set_env("LOFTE__LEDGER__MAX_PAGE", "70");
        jail.set_env("LOFTE__LEDGER__LISTEN", "127.0.0.1:9999");
        let s = Settings::load(Some(Path::new("lofte.toml"))).unwrap();
        assert_eq!((s.max_page, s.listen.port()), (70, 9999));
        Ok(())
    });
}

#[test]
fn bad_settings_are_refused_clearly() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("bad.toml", "[ledger]\nmax_pages = 50\n")?;
        let e = Settings::load(Some(Path::new("bad.toml"))).unwrap_err().to_string();
        assert!(e.contains("max_pages"), "{e}");
        jail.create_file("bad2.toml", "[ledger]\nledger_id = \"Jönköping\"\n")?;
        assert!(Settings::load(Some(Path::new("bad2.toml"))).is_err());
        assert!(Settings::load(Some(Path::new("missing.toml"))).unwrap_err().to_string().contains("does not exist"));
        Ok(())
    });
}

#[test]
fn nats_credentials_and_tls_come_from_the_nats_table_and_the_environment() {
    figment::Jail::expect_with(|jail| {
        let toml = "[ledger.nats]\nurl = \"nats://n1:4222,nats://n2:4222\"\nuser = \"lofte\"\nreplicas = 3\n\
                    [ledger.nats.tls]\nca_file = \"/etc/lofte/nats-ca.pem\"\n";
        jail.create_file("lofte.toml", toml)?;
        jail.set_env("LOFTE__LEDGER__NATS__PASSWORD", "miljö-hemlis");
        jail.set_env("LOFTE__LEDGER__NATS__TLS__REQUIRED", "true");
        let s = Settings::load(Some(Path::new("lofte.toml"))).unwrap();
        let c = &s.nats.connection;
        assert_eq!((c.servers().len(), c.user.as_deref(), s.nats.replicas), (2, Some("lofte"), 3));
        assert_eq!(c.password.as_ref().map(|p| p.expose()), Some("miljö-hemlis"));
        assert!(c.tls.required && c.tls.ca_file.is_some());
        assert!(!format!("{s:?}").contains("hemlis"), "the password is not in Debug output");
        // A password that reads as a number would lose its text: refused unless quoted.
        jail.set_env("LOFTE__LEDGER__NATS__PASSWORD", "0012345");
        let e = Settings::load(Some(Path::new("lofte.toml"))).unwrap_err().to_string();
        assert!(e.contains("quoted") && !e.contains("12345"), "{e}");
        jail.set_env("LOFTE__LEDGER__NATS__PASSWORD", "\"0012345\"");
        let s = Settings::load(Some(Path::new("lofte.toml"))).unwrap();
        assert_eq!(s.nats.connection.password.map(|p| p.0), Some("0012345".to_owned()));
        Ok(())
    });
}

#[test]
fn a_misspelt_nats_key_is_refused() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("bad.toml", "[ledger.nats]\nurl = \"nats://n1:4222\"\npasword = \"x\"\n")?;
        let e = Settings::load(Some(Path::new("bad.toml"))).unwrap_err().to_string();
        assert!(e.contains("pasword"), "{e}");
        Ok(())
    });
}
