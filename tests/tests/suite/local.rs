//! local: tasks sharing an `Rc<RefCell<u64>>` on a local executor take turns at
//! their awaits, all on one thread, and the counter comes out exact with no
//! lock — at every `--threads` (a local executor ignores it); tokio's
//! `spawn_local` outside a `LocalSet` panics, caught. That the same code with
//! the multi-threaded spawn does not compile is each runtime crate's
//! `compile_fail` doc test.

use demos_core::scenario::{self, local::LocalScenario};
use demos_core::{Env, LocalConfig};
use demos_tests::THREADS;

demos_tests::per_runtime! {
    #[test]
    fn tasks_take_turns_on_one_thread_and_the_counter_is_exact_without_a_lock() {
        for threads in THREADS {
            for (tasks, steps) in [(1, 1), (1, 7), (2, 2), (4, 5), (50, 20)] {
                let cfg = LocalConfig { tasks, steps };
                let (report, seen) = scenario::run::<LocalScenario>(rt(), &cfg, &Env::quiet(threads, 0));
                let m = &seen.metrics;
                let at = format!("{cfg:?} with --threads {threads}: {m:?}");
                assert_eq!((m.counter, m.expected), ((tasks * steps) as u64, (tasks * steps) as u64), "{at}");
                assert_eq!(m.threads_seen, 1, "{at}");
                if tasks > 1 && steps > 1 {
                    assert!(m.switches > 0, "a yield lets the other tasks in: {at}");
                } else {
                    assert_eq!(m.switches, 0, "one task, or one step each, has nothing to switch to: {at}");
                }
                assert_eq!(report.workers_observed, 1, "{at}");
                assert!(report.passed(), "{at}");
            }
        }
    }

    #[test]
    fn only_tokio_probes_spawn_local_outside_its_local_set_and_it_panics() {
        let m = rt().local(&LocalConfig::default(), &Env::quiet(2, 0)).metrics;
        let expected = if rt().name() == "tokio" { Some(true) } else { None };
        assert_eq!(m.spawn_local_outside_panicked, expected, "{m:?}");
    }
}
