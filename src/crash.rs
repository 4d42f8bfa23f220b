//! Panics as error values. A bug in briefing or in a library it uses (the
//! Typst PDF writer has panicked on odd but valid input) must end the build
//! with a message that names what was being built — never exit status 101 and
//! a backtrace with no file in it.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    /// The last panic on this thread, with where it happened, recorded by [`quiet_hook`].
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `work`; a panic inside it comes back as its message.
pub fn catch<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    LAST.with(|last| last.borrow_mut().take());
    panic::catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let recorded = LAST.with(|last| last.borrow_mut().take());
        recorded.unwrap_or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string())
        })
    })
}

/// Replaces the default panic report (which prints a backtrace hint to the
/// terminal) with one that records the message for [`catch`] to turn into an
/// error. `BRIEFING_BACKTRACE=1` keeps the default report, for developers.
pub fn quiet_hook() {
    if std::env::var_os("BRIEFING_BACKTRACE").is_some() {
        return;
    }
    panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        let at = info.location().map(|l| format!(" (at {}:{})", l.file(), l.line())).unwrap_or_default();
        LAST.with(|last| *last.borrow_mut() = Some(format!("{message}{at}")));
    }));
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_its_message() {
        let result: Result<(), String> = super::catch(|| panic!("the index is out of range"));
        assert!(result.unwrap_err().contains("the index is out of range"));
        assert_eq!(super::catch(|| 7), Ok(7));
    }
}
