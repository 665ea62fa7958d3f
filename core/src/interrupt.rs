//! Ctrl-C. The first one asks the running scenario to stop where it can (the
//! queue's producers stop producing; consumers drain what was sent), so the
//! partial summary still accounts for every item; the process then exits 130.
//! A second Ctrl-C leaves at once.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// The exit status after an interrupt: 128 + SIGINT, as shells report it.
pub const EXIT_STATUS: u8 = 130;

/// Install the handler, once per process. If it cannot be installed the
/// default applies (Ctrl-C ends the process), which loses only the summary.
pub fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if REQUESTED.swap(true, Ordering::SeqCst) {
                std::process::exit(i32::from(EXIT_STATUS)); // the second Ctrl-C: leave now
            }
        });
    });
}

/// Ask the running scenario to stop, as the first Ctrl-C does (a child worker
/// calls this when its parent closes its stdin).
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Whether Ctrl-C was pressed: scenarios that can run long check it.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}
