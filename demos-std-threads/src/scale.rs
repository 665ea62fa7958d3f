// claim: C-crossbeam-mpmc-disconnect
//! scale on plain threads: N OS threads, each blocked in `recv()` on one
//! `crossbeam_channel` that nothing is ever sent on; dropping the only
//! `Sender` disconnects it and wakes them all. Each thread is started by
// claim: C-std-default-stack
//! `std::thread::Builder` with Rust's default stack, which it reserves whole
//! when it starts — the cost tasks do not pay. The machine bounds how many
//! can start (see `demos_core::usage::os_thread_limit`); a larger `--tasks` is
//! refused before the run.
//!
//! Run it: `cargo run --release -p demos-std-threads -- scale --tasks 5000`

use std::thread;
use std::time::Instant;

use crossbeam_channel::{Receiver, bounded};
use demos_core::interrupt::until_stopped;
use demos_core::scenario::scale::{Held, POLL, ScaleRun, Waiting};
use demos_core::usage::default_stack_bytes;
use demos_core::{Env, Observed, Scale, ScaleConfig, ScaleMetrics};

impl Scale for crate::StdThreads {
    fn scale(&self, cfg: &ScaleConfig, _: &Env) -> Observed<ScaleMetrics> {
        let started = Instant::now();
        let mut run = ScaleRun::new(cfg);
        let (wake, woken) = bounded::<()>(0); // one notification, a receiver per thread
        let start = Instant::now();
        let mut handles = Vec::with_capacity(cfg.tasks);
        let mut refused = None;
        for i in until_stopped(0..cfg.tasks) {
            let task = waiter(i, woken.clone(), run.waiting());
            run.note(&task);
            match thread::Builder::new().name(format!("waiter-{i}")).spawn(task) {
                Ok(handle) => handles.push(handle),
                Err(e) => {
                    refused = Some(e); // the OS said no: stop here, the checks show how far it got
                    break;
                }
            }
        }
        run.spawned(handles.len(), start.elapsed());
        while !run.all_waiting() {
            thread::sleep(POLL);
        }
        run.at_peak();
        let start = Instant::now();
        drop(wake); // the channel disconnects: every recv() returns Err, all wake
        let returned: Vec<u64> = handles.into_iter().filter_map(|h| h.join().ok()).collect();
        let metrics = run.finish(&returned, start.elapsed(), Some(default_stack_bytes()));
        let mut flavor = format!("std::thread, one OS thread per task ({} started)", returned.len());
        if let Some(e) = refused {
            flavor.push_str(&format!("; the OS refused the next one: {e}"));
        }
        Observed::new(flavor, started.elapsed(), metrics)
    }
}

fn waiter(i: usize, woken: Receiver<()>, waiting: Waiting) -> impl FnOnce() -> u64 + Send + 'static {
    move || {
        let held = Held::new(i); // state kept across the wait, on this thread's stack
        waiting.arrive();
        let _disconnected = woken.recv();
        held.done()
    }
}
