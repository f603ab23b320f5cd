//! Catching a panic of a library without printing it: sled 0.34 panics instead of returning an
//! error on some kinds of damage to its files, and the ledger turns that into one clear message
//! naming the data directory and the recovery (a panic's text would only confuse an operator).

use std::{
    cell::Cell,
    panic::{self, AssertUnwindSafe},
    sync::Once,
};

thread_local! {
    /// Set while this thread runs `catch`: its panics are not printed.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Runs `f`; a panic in it becomes `Err` with the panic's message, and is not printed. Panics of
/// other threads are printed as before.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    r.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::catch;

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(catch(|| 7), Ok(7));
        let r: Result<(), String> = catch(|| panic!("tried to serialize {}", "Uninitialized"));
        assert_eq!(r, Err("tried to serialize Uninitialized".to_owned()));
    }
}
