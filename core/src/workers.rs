//! Which executor worker threads ran a scenario's tasks: the report's
//! `workers_observed`, measured instead of copied from `--threads`.
//!
//! Each runtime crate wraps the tasks it spawns with [`noted`] (and a pool job
//! calls [`note`] first); every poll of a wrapped task notes the OS thread that
//! polled it into the run's [`WorkerSet`]. The set is found on the spawning
//! thread: the runtime's entry point [`adopt`]s it on the calling thread, and a
//! polled task enters it on its worker, so tasks spawned by tasks inherit it.
//! Blocking-pool jobs, manual and scoped threads are not wrapped, so they do
//! not count. A thread is numbered by a counter of our own on first use.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

static NEXT_THREAD: AtomicU64 = AtomicU64::new(1);
static NEXT_SET: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static THREAD_NUMBER: u64 = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
    /// The set a task spawned on this thread joins.
    static CURRENT: RefCell<Option<Arc<WorkerSet>>> = const { RefCell::new(None) };
    /// The id of the last set this thread was noted in, so a poll costs one compare.
    static LAST_NOTED: Cell<u64> = const { Cell::new(0) };
}

/// This thread's number: unique in the process, never reused, from 1 up.
///
/// ```
/// let here = demos_core::workers::thread_number();
/// assert_eq!(here, demos_core::workers::thread_number());
/// let there = std::thread::spawn(demos_core::workers::thread_number).join().unwrap();
/// assert_ne!(here, there);
/// ```
pub fn thread_number() -> u64 {
    THREAD_NUMBER.with(|n| *n)
}

/// The distinct threads that polled one run's tasks.
#[derive(Debug)]
pub struct WorkerSet {
    id: u64,
    seen: Mutex<BTreeSet<u64>>,
}

impl Default for WorkerSet {
    fn default() -> Self {
        Self { id: NEXT_SET.fetch_add(1, Ordering::Relaxed), seen: Mutex::new(BTreeSet::new()) }
    }
}

impl WorkerSet {
    /// Note the current thread as one that ran this run's work.
    pub fn note(&self) {
        LAST_NOTED.with(|last| {
            if last.get() != self.id {
                last.set(self.id);
                self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(thread_number());
            }
        });
    }

    /// How many distinct threads were noted.
    pub fn count(&self) -> u64 {
        self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len() as u64
    }
}

/// Make `set` the one tasks spawned on this thread join: a runtime's entry
/// point calls it on the thread that starts the run (the next run replaces it).
pub fn adopt(set: &Arc<WorkerSet>) {
    CURRENT.with(|c| *c.borrow_mut() = Some(set.clone()));
    LAST_NOTED.with(|last| last.set(0)); // noted again by the next poll, under the new set
}

fn current() -> Option<Arc<WorkerSet>> {
    CURRENT.with(|c| c.borrow().clone())
}

pin_project_lite::pin_project! {
    /// A task that notes the thread of every poll (see [`noted`]).
    #[derive(Debug)]
    pub struct Noted<F> {
        set: Option<Arc<WorkerSet>>,
        #[pin]
        task: F,
    }
}

/// Wrap a task before spawning it, so the threads that poll it are noted in
/// the set entered on this thread (if none is, the task runs unchanged).
///
/// ```
/// use std::sync::Arc;
/// use demos_core::workers::{WorkerSet, adopt, noted};
/// let set = Arc::new(WorkerSet::default());
/// adopt(&set);
/// assert_eq!(futures::executor::block_on(noted(async { 2 + 2 })), 4);
/// assert_eq!(set.count(), 1);
/// ```
pub fn noted<F: Future>(task: F) -> Noted<F> {
    Noted { set: current(), task }
}

impl<F: Future> Future for Noted<F> {
    type Output = F::Output;
    // Inlined into the executor's poll of the task, as the task's own poll would
    // be without the wrapper: else the wrapper's poll, with the task's body inlined
    // into it, saves and restores registers on every poll (~17 instructions, 1% of
    // a queue item on tokio).
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        // A steady poll costs one compare: this thread last noted this very set,
        // and every way of noting one leaves it the thread's current set too
        // (a poll here sets both; `note()` notes the current one; `adopt` resets).
        if let Some(set) = this.set.as_ref().filter(|set| LAST_NOTED.with(Cell::get) != set.id) {
            set.note();
            // Tasks this task spawns join the same set.
            CURRENT.with(|c| *c.borrow_mut() = Some(set.clone()));
        }
        this.task.poll(cx)
    }
}

/// Note the current thread in the set it has adopted, if any: what a pool
/// job calls first (a thread pool adopts its run's set on each of its threads).
pub fn note() {
    CURRENT.with(|c| {
        if let Some(set) = c.borrow().as_ref() {
            set.note();
        }
    });
}
