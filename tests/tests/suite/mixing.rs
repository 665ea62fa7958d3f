//! mixing: off tokio, a tokio timer and a tokio connect panic with tokio's
//! "no reactor running" message (caught); async-io's timer and connect work on
//! every executor, tokio included, with async-io's own "async-io" thread; and
//! inside `async_compat::Compat` the tokio future completes off tokio, driven
//! by a thread the adapter starts.

use demos_core::scenario::{self, mixing::MixingScenario};
use demos_core::{Env, MixingConfig};
use demos_tests::watchdog::Watched;

demos_tests::per_runtime! {
    #[test]
    fn a_tokio_future_needs_tokio_async_io_works_anywhere_and_compat_adapts() {
        for threads in [1, 2] {
            let (report, seen) = scenario::run::<MixingScenario>(rt(), &MixingConfig { delay_ms: 2 }, &Env::quiet(threads, 0));
            let m = &seen.metrics;
            let at = format!("--threads {threads}: {m:?}");
            assert!(report.passed(), "{at}");
            assert!(m.portable_worked && m.async_io_thread_seen, "{at}");
            if rt().name() == "tokio" {
                assert_eq!((m.foreign_panicked, m.adapter_worked), (None, None), "{at}");
            } else {
                assert_eq!((m.foreign_panicked, m.foreign_connect_panicked), (Some(true), Some(true)), "{at}");
                assert_eq!(m.adapter_worked, Some(true), "{at}");
                assert!(m.adapter_new_threads.is_some_and(|n| n >= 1), "the adapter's own runtime thread: {at}");
            }
            // Only compio's own timer needs its own runtime, as tokio's does.
            let own = rt().name().starts_with("compio").then_some(true);
            assert_eq!(m.own_on_tokio_panicked, own, "{at}");
        }
    }

    #[test]
    fn the_async_io_probe_names_only_the_threads_it_started() {
        // Threads are told apart by id, and the snapshot before the probe is
        // taken once the executor's own workers run: a worker naming itself
        // late, or starting with the runtime, is not the probe's doing.
        for _ in 0..3 {
            let out = std::process::Command::new(BIN).arg("mixing").env("NO_COLOR", "1").watched();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let line = stdout.lines().find(|l| l.contains("async-io's timer and connect")).expect("the probe's line");
            let said = line.split_once(": ").expect("a line names what it saw").1;
            assert!(said == "no new thread" || said == "new thread \"async-io\"", "{line}");
        }
    }
}
