//! files: on every worker count and several seeds, every file is read
//! exactly once in each phase and every byte read is what was written; the
//! temp directory is gone after a run, after a stopped one (Ctrl-C) too, and
//! nothing is written outside it. The lesson in threads: tokio, smol and
//! async-std start blocking-pool threads for the reads, compio on io_uring
//! none, std-threads a thread per read in flight; with the pool limited to
//! fewer threads than reads in flight, the reads share exactly that many
//! (compio on io_uring still none).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use demos_core::scenario::{self, files::FilesScenario};
use demos_core::{Env, FilesConfig};
use demos_tests::watchdog::{RUN, Running};

/// A directory of the test's own, given to a run as its `TMPDIR`.
fn private_tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("demos-tests-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the test's temp dir");
    dir
}

/// What a run left in `dir`.
fn left_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned())).collect())
        .unwrap_or_default()
}

demos_tests::per_runtime! {
    #[test]
    fn every_file_is_read_once_per_phase_with_every_byte_as_written() {
        for (threads, seed, concurrency) in [(1, 0, 1), (2, 1, 3), (4, 2, 8)] {
            let cfg = FilesConfig { files: 12, min_kib: 1, max_kib: 8, concurrency, pool_limit: 2 };
            let (report, seen) = scenario::run::<FilesScenario>(rt(), &cfg, &Env::quiet(threads, seed));
            let m = &seen.metrics;
            let at = format!("threads {threads} seed {seed}: {m:?}");
            assert!(report.passed(), "{at}");
            // Warm always; cold and the limited pool's unless Ctrl-C (never here).
            assert!(m.cold_p50_us.is_some() && m.limited_p50_us.is_some(), "{at}");
            let phases = 3;
            assert_eq!((m.reads, m.files_not_read_once, m.corrupt_reads), (12 * phases, 0, 0), "{at}");
            assert_eq!(m.bytes_read, m.bytes_written * phases, "{at}");
            assert!(m.os_threads_peak >= m.os_threads_before, "{at}");
            assert_eq!(m.blocking_threads_peak.is_some(), rt().name() != "std-threads", "{at}");
            // The workers seen are the first two phases' executor's (std-threads': its pool of a
            // thread per read in flight); a runtime or pool the last phase built is counted apart.
            let built = if rt().name() == "std-threads" { concurrency } else { threads } as u64;
            assert!(report.workers_observed <= built, "{} workers seen: {at}", report.workers_observed);
            match (rt().name(), m.limited_workers) {
                // The same executor reads the last phase too.
                ("smol" | "async-std", None) => {}
                // A current_thread runtime: one thread.
                ("tokio", Some(1)) => {}
                // compio's runtimes built anew, one a core; std-threads' pool of --pool-limit.
                ("compio", Some(n)) if (1..=threads as u64).contains(&n) => {}
                ("std-threads", Some(n)) if (1..=2).contains(&n) => {}
                (name, seen) => panic!("{name}: the last phase's readers on {seen:?} threads: {at}"),
            }
        }
    }

    #[test]
    fn a_blocking_pool_starts_threads_for_the_reads_and_io_uring_none() {
        let cfg = FilesConfig { files: 32, min_kib: 4, max_kib: 16, concurrency: 8, pool_limit: 2 };
        let (_, seen) = scenario::run::<FilesScenario>(rt(), &cfg, &Env::quiet(2, 42));
        let m = &seen.metrics;
        match rt().name() {
            // At least one pool thread; how many depends on how the reads overlapped.
            "tokio" | "smol" | "async-std" => assert!(m.threads_started >= 1, "{m:?}"),
            // The ring's reads need no thread of the process's.
            "compio" => assert_eq!(m.threads_started, 0, "{m:?}"),
            // The rayon pool: a thread per read in flight.
            "std-threads" => assert_eq!(m.threads_started, 8, "{m:?}"),
            other => panic!("no expectation for {other}"),
        }
    }

    #[test]
    fn reads_on_a_limited_pool_share_its_threads_and_io_uring_reads_need_none() {
        // 16 reads in flight, a pool of 2: a blocking pool fills to its limit and no further,
        // where the unlimited phases had started more; three seeds, three runs.
        for seed in [3, 4, 5] {
            let cfg = FilesConfig { files: 48, min_kib: 4, max_kib: 16, concurrency: 16, pool_limit: 2 };
            let (report, seen) = scenario::run::<FilesScenario>(rt(), &cfg, &Env::quiet(2, seed));
            let m = &seen.metrics;
            assert!(report.passed(), "seed {seed}: {m:?}");
            let pool = m.limited_pool_threads.expect("the limited phase ran");
            match rt().name() {
                "tokio" | "smol" | "async-std" => {
                    assert_eq!(pool, 2, "seed {seed}: filled to its limit: {m:?}");
                    assert!(m.threads_started > pool, "seed {seed}: the limit lowered the threads: {m:?}");
                }
                // io_uring: the limited pool is never asked for a thread.
                "compio" => assert_eq!(pool, 0, "seed {seed}: {m:?}"),
                // A rayon pool of two threads for the sixteen readers.
                "std-threads" => assert_eq!((pool, m.threads_started), (2, 16), "seed {seed}: {m:?}"),
                other => panic!("no expectation for {other}"),
            }
        }
    }

    #[test]
    fn the_temp_dir_is_gone_after_a_run_and_after_ctrl_c() {
        let tmp = private_tmp(&format!("{}-run", rt().name()));
        let out = demos_tests::watchdog::output(
            {
                let mut c = Command::new(BIN);
                c.args(["files", "--files", "5", "--max-kib", "4", "--quiet"]).env("TMPDIR", &tmp);
                c
            },
            RUN,
        );
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(left_in(&tmp), Vec::<String>::new(), "a finished run left files");

        let tmp_stopped = private_tmp(&format!("{}-stopped", rt().name()));
        let mut running = Running::start(
            Command::new(BIN)
                .args(["files", "--files", "4096", "--min-kib", "16", "--max-kib", "16"])
                .env("TMPDIR", &tmp_stopped)
                .env("NO_COLOR", "1"),
        );
        running.line_within(RUN, |_| true);
        std::thread::sleep(Duration::from_millis(300));
        running.interrupt();
        let code = running.end_within(Duration::from_secs(5), "after Ctrl-C").code();
        assert_eq!(code, Some(130), "stopped mid-run");
        assert_eq!(left_in(&tmp_stopped), Vec::<String>::new(), "a stopped run left files");
        let _ = std::fs::remove_dir_all(&tmp);
        let _ = std::fs::remove_dir_all(&tmp_stopped);
    }

    #[test]
    fn a_directory_over_its_bound_is_refused_naming_the_bound() {
        let out = demos_tests::watchdog::output(
            {
                let mut c = Command::new(BIN);
                c.args(["files", "--files", "4096", "--max-kib", "1024"]);
                c
            },
            RUN,
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("64 MiB") && out.stdout.is_empty(), "{stderr}");
    }
}
