//! The documented defaults are the real ones; a password never shows in debug output.

use std::path::Path;

use lofte_notifier::settings::{Secret, Settings};

#[test]
fn the_documented_defaults_are_the_defaults() {
    let file = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/config/lofte.toml"));
    assert_eq!(Settings::load(Some(file)).unwrap(), Settings::default());
}

#[test]
fn passwords_are_not_printed() {
    let mut s = Settings::default();
    s.smtp.password = Some(Secret("hemligt-lösenord".into()));
    s.nats = s.nats.with_user("lofte", "hemligt-nats-lösen");
    assert!(!format!("{s:?}").contains("hemligt"));
}
