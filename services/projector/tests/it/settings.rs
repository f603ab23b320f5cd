//! The documented defaults are the real ones.

use std::path::Path;

use lofte_projector::Settings;

#[test]
fn the_documented_defaults_are_the_defaults() {
    let file = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/config/lofte.toml"));
    assert_eq!(Settings::load(Some(file)).unwrap(), Settings::default());
}
