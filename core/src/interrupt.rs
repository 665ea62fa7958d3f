//! Ctrl-C. The first one asks the running scenario to stop where it can:
//! every sleep in a scenario ends at once, every CPU loop and spinning step
//! stops, tasks not yet started skip their work, and the queue's producers stop
//! producing while its consumers drain what was sent. So each scenario reaches
//! its end within a moment and prints a partial summary of what was done; the
//! process then exits 130. A second Ctrl-C leaves at once.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use futures::future::{Either, select};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// The exit status after an interrupt: 128 + SIGINT, as shells report it.
pub const EXIT_STATUS: u8 = 130;

/// How often a sleeping scenario looks at the flag: what a stop can lag by.
pub const POLL: Duration = Duration::from_millis(50);

/// Install the handler, once per process. If it cannot be installed the
/// default applies (Ctrl-C ends the process), which loses only the summary.
pub fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if REQUESTED.swap(true, Ordering::SeqCst) {
                remove_all();
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

/// Whether Ctrl-C was pressed: scenarios that can run long check it (inlined:
/// the queue's producers ask once per item).
#[inline]
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// `std::thread::sleep(duration)`, ended early by Ctrl-C (it wakes every
/// [`POLL`] to look). Returns whether it slept the whole time.
pub fn sleep(duration: Duration) -> bool {
    let deadline = Instant::now() + duration;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return true;
        }
        if requested() {
            return false;
        }
        std::thread::sleep(left.min(POLL));
    }
}

/// Await `work` — a runtime's sleep, typically — unless Ctrl-C comes first.
/// `timer` is the same runtime's sleep, with which a watcher looks at the flag
/// every [`POLL`], so no other executor's timer is involved. Returns `work`'s
/// output, or `None` when it was cut short.
///
/// ```
/// use std::time::Duration;
/// let slept = futures::executor::block_on(demos_core::interrupt::stoppable(async { 7 }, |d| async move {
///     std::thread::sleep(d)
/// }));
/// assert_eq!(slept, Some(7));
/// ```
pub async fn stoppable<W: Future, T: Future>(work: W, timer: impl Fn(Duration) -> T) -> Option<W::Output> {
    if requested() {
        return None;
    }
    let watch = async {
        while !requested() {
            timer(POLL).await;
        }
    };
    match select(std::pin::pin!(work), std::pin::pin!(watch)).await {
        Either::Left((out, _)) => Some(out),
        Either::Right(_) => None,
    }
}

/// The items of `items` up to the first Ctrl-C: a spawning loop written
/// `for task in until_stopped(0..n)` spawns no more once it is pressed.
///
/// ```
/// let all: Vec<u32> = demos_core::interrupt::until_stopped(0..3).collect();
/// assert_eq!(all, [0, 1, 2]);
/// ```
pub fn until_stopped<I: IntoIterator>(items: I) -> impl Iterator<Item = I::Item> {
    items.into_iter().take_while(|_| !requested())
}

/// Directories a running scenario made (the files scenario's temp dir),
/// removed by the second Ctrl-C before it leaves: its exit runs no `Drop`.
static TO_REMOVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Remove `dir` if the process leaves at a second Ctrl-C. The scenario
/// removes it itself otherwise, and then calls [`removed`].
pub fn remove_on_exit(dir: &Path) {
    TO_REMOVE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(dir.to_path_buf());
}

/// `dir` was removed: the second Ctrl-C need not.
pub fn removed(dir: &Path) {
    TO_REMOVE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).retain(|d| d != dir);
}

fn remove_all() {
    // try_lock: the handler must not wait on a lock a stopped thread might hold.
    if let Ok(dirs) = TO_REMOVE.try_lock() {
        for dir in dirs.iter() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
