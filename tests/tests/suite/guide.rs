//! guide: each row's advice is a pure function of its figures, pinned here over
//! tables of figure sets that cover every branch — no timing involved — and the
//! guide run on every runtime, at small sizes, prints every row with its
//! checks passing and its advice worded from the very figures beside it.

use std::process::Command;

use demos_core::guide::balance::{BalanceFigures, BalanceVerdict};
use demos_core::guide::blocking::{BlockingFigures, BlockingVerdict};
use demos_core::guide::contention::{ContentionFigures, ContentionVerdict, Hammered};
use demos_core::guide::cpu::{CpuFigures, CpuVerdict};
use demos_core::guide::io::{self, EchoSide, FileReads, IoFigures, IoVerdict};
use demos_core::guide::{self, GuideConfig, Row};
use demos_core::{Check, EchoConfig, EchoMetrics, Env, Report};
use demos_tests::watchdog::Watched;

fn io_figures(tasks: (f64, f64, u64), threads: (f64, f64, u64)) -> IoFigures {
    let side = |(round_trips_per_s, p99_ms, os_threads)| EchoSide { round_trips_per_s, p99_ms, os_threads };
    IoFigures {
        runtime: "tokio".into(),
        flavor: "multi_thread, 2 workers".into(),
        tasks_hold_threads: false,
        connections: 200,
        round_trips: 20,
        tasks: side(tasks),
        threads: side(threads),
        files: FileReads { in_flight: 16, threads_started: 17, blocking_pool: true, p50_ms: 0.9 },
    }
}

#[test]
fn io_advice_names_which_side_led_on_what() {
    use IoVerdict::*;
    let cases: [(_, _, _, &[&str]); 5] = [
        (
            (50_000.0, 2.0, 5),
            (30_000.0, 4.0, 401),
            Tasks,
            &["async tasks", "round trips/s (50000 against 30000)", "p99 latency (2.0 against 4.0 ms)"],
        ),
        // The case that advised tasks outright: threads had the better p99.
        (
            (52_000.0, 8.5, 5),
            (36_000.0, 6.7, 401),
            Split,
            &[
                "a thread per connection end on p99 latency (6.7 against 8.5 ms)",
                "threads if tail latency does",
            ],
        ),
        ((40_000.0, 5.0, 5), (41_000.0, 3.0, 401), Split, &["even on round trips/s (40000 and 41000)"]),
        (
            (30_000.0, 9.0, 400),
            (50_000.0, 4.0, 401),
            Threads,
            &["a thread per connection end: ", "tasks on nothing"],
        ),
        ((40_000.0, 5.0, 400), (41_000.0, 5.2, 401), Even, &["neither led"]),
    ];
    for (tasks, threads, verdict, words) in cases {
        let advice = io_figures(tasks, threads).advice();
        assert_eq!(advice.verdict, verdict, "{tasks:?} {threads:?}: {}", advice.text);
        for w in words {
            assert!(advice.text.contains(w), "{w:?} missing: {}", advice.text);
        }
        // Tasks are advised outright only when threads led on nothing.
        assert_eq!(advice.text.starts_with("async tasks"), verdict == Tasks, "{}", advice.text);
    }
    let either = IoFigures {
        runtime: "std-threads".into(),
        tasks_hold_threads: true,
        ..io_figures((1.0, 1.0, 404), (1.0, 1.0, 401))
    };
    let advice = either.advice();
    assert_eq!(advice.verdict, ThreadsEitherWay);
    assert!(advice.text.contains("404 OS threads") && advice.text.contains("401"), "{}", advice.text);
}

#[test]
fn io_advice_says_what_file_reads_took() {
    let with = |threads_started, blocking_pool| IoFigures {
        files: FileReads { in_flight: 16, threads_started, blocking_pool, p50_ms: 0.9 },
        ..io_figures((50_000.0, 2.0, 5), (30_000.0, 4.0, 401))
    };
    let cases: [(u64, bool, &str); 3] = [
        (17, true, "Files differ: 16 file reads in flight started 17 blocking-pool threads"),
        (0, true, "Files too: 16 file reads in flight started no thread"),
        (16, false, "Files likewise: 16 file reads in flight took 16 pool threads"),
    ];
    for (started, pool, words) in cases {
        let advice = with(started, pool).advice();
        // The sockets' verdict stands; the files' sentence follows it.
        assert_eq!(advice.verdict, IoVerdict::Tasks, "{}", advice.text);
        assert!(advice.text.starts_with("async tasks"), "{}", advice.text);
        assert!(advice.text.contains(words), "{words:?} missing: {}", advice.text);
    }
}

fn cpu(threads: u64, speedup: f64) -> CpuFigures {
    CpuFigures { jobs: threads, threads, cores: 2, sequential_ms: 80.0, parallel_ms: 80.0 / speedup, speedup }
}

#[test]
fn cpu_advice_recommends_a_pool_only_when_it_paid() {
    use CpuVerdict::*;
    let cases: [(_, _, &[&str]); 9] = [
        (cpu(2, 1.98), Scaled, &["one job per core on a pool", "×1.98 faster, of the ×2 possible"]),
        (cpu(2, 1.6), Scaled, &["×1.60"]),
        (cpu(2, 1.21), PartlyScaled, &["only part", "×1.21 of ×2", "different speeds"]),
        (cpu(2, 1.04), NoGain, &["no faster (×1.04)", "bought nothing"]),
        (cpu(2, 0.74), NoGain, &["slower (×0.74)"]),
        (cpu(2, 2.49), NotAResult, &["none drawn", "above the ×2 possible"]),
        (cpu(1, 0.98), NothingSideBySide, &["one worker thread", "as expected", "--threads 2"]),
        (cpu(1, 1.12), NothingSideBySide, &["×1.12", "noise"]),
        (CpuFigures { cores: 1, ..cpu(2, 0.7) }, NothingSideBySide, &["one core", "×0.70", "noise"]),
    ];
    for (figures, verdict, words) in cases {
        let advice = figures.advice();
        assert_eq!(advice.verdict, verdict, "{figures:?}: {}", advice.text);
        for w in words {
            assert!(advice.text.contains(w), "{w:?} missing: {}", advice.text);
        }
    }
    // Over every speedup on two workers: a pool is recommended when it came close to ×2
    // (from ×1.6, 80 % of it), and never below that or above what is possible (×2.3 with noise).
    for hundredths in 50..260 {
        let figures = cpu(2, f64::from(hundredths) / 100.0);
        let advised = figures.advice().text.starts_with("one job per core");
        if advised {
            assert!(figures.speedup > 1.59 && figures.speedup < 2.31, "{figures:?}");
        }
        if figures.speedup > 1.61 && figures.speedup < 2.29 {
            assert!(advised, "{figures:?}");
        }
    }
}

fn blocking(workers: u64, offloaded: f64, inline: f64, one: Option<f64>) -> BlockingFigures {
    BlockingFigures {
        workers,
        jobs: 2,
        job_ms: 50,
        tick_ms: 5,
        gap_offloaded_ms: offloaded,
        gap_inline_ms: inline,
        gap_one_blocked_ms: one,
    }
}

#[test]
fn blocking_advice_follows_the_heartbeat_gaps() {
    use BlockingVerdict::*;
    let cases: [(_, _, &[&str]); 6] = [
        (
            blocking(2, 5.1, 100.0, Some(5.0)),
            Offload,
            &["froze every task for 100 ms", "longest gap was 5.1 ms", "moved to another"],
        ),
        (blocking(2, 5.1, 100.0, Some(100.0)), Offload, &["stalled too (100 ms)"]),
        (blocking(1, 8.0, 100.0, None), Offload, &["on the one worker"]),
        (blocking(4, 8.0, 100.0, Some(6.0)), Offload, &["on all 4 workers", "1 of 4 workers"]),
        (blocking(2, 5.0, 20.0, Some(5.0)), NoStall, &["none drawn", "under one 50 ms call"]),
        (blocking(2, 60.0, 100.0, Some(5.0)), NotAResult, &["none drawn", "even offloaded"]),
    ];
    for (figures, verdict, words) in cases {
        let advice = figures.advice();
        assert_eq!(advice.verdict, verdict, "{figures:?}: {}", advice.text);
        assert_eq!(advice.text.starts_with("offload them"), verdict == Offload, "{}", advice.text);
        for w in words {
            assert!(advice.text.contains(w), "{w:?} missing: {}", advice.text);
        }
    }
}

fn round(ms: f64, overlap: f64, cpu_wait: Option<f64>) -> Hammered {
    Hammered { ms, overlap, cpu_wait, counted: 200_000, tries: 1 }
}

fn contention(threads: u64, lock: Hammered, atomic: Hammered) -> ContentionFigures {
    let per_thread = 200_000 / threads;
    let counted = |h: Hammered| Hammered { counted: threads * per_thread, ..h };
    ContentionFigures {
        threads,
        cores: 2,
        increments: per_thread,
        lock: counted(lock),
        atomic: counted(atomic),
    }
}

#[test]
fn contention_advice_only_from_loops_that_overlapped() {
    use ContentionVerdict::*;
    let busy = Some(0.02);
    let cases: [(_, _, &[&str]); 8] = [
        (contention(1, round(5.0, 0.0, busy), round(2.0, 0.0, busy)), OneThread, &["nothing contends"]),
        // The case that flipped between runs: the lock's loops never overlapped.
        (
            contention(2, round(0.9, 0.0, busy), round(1.5, 0.97, busy)),
            DidNotContend,
            &["none drawn", "the lock's loops overlapped only 0 %"],
        ),
        (
            contention(2, round(40.0, 0.9, Some(0.6)), round(10.0, 0.9, busy)),
            DidNotContend,
            &["waiting for a CPU"],
        ),
        (contention(2, round(17.0, 0.95, busy), round(2.3, 0.97, busy)), AtomicFaster, &["×7.4 faster"]),
        (contention(2, round(2.0, 0.95, busy), round(4.0, 0.97, busy)), LockFaster, &["the lock was faster"]),
        (contention(2, round(3.0, 0.95, busy), round(2.8, 0.97, busy)), Even, &["within ×1.2"]),
        // Four threads on two cores must wait for a CPU half the time: that is not a busy machine.
        (
            contention(4, round(17.0, 0.95, Some(0.6)), round(2.3, 0.97, Some(0.55))),
            AtomicFaster,
            &["faster"],
        ),
        // Off Linux the wait is not known: the overlap decides.
        (contention(2, round(17.0, 0.95, None), round(2.3, 0.97, None)), AtomicFaster, &["faster"]),
    ];
    for (figures, verdict, words) in cases {
        let advice = figures.advice();
        assert_eq!(advice.verdict, verdict, "{figures:?}: {}", advice.text);
        assert_eq!(advice.text.starts_with("an atomic"), verdict == AtomicFaster, "{}", advice.text);
        for w in words {
            assert!(advice.text.contains(w), "{w:?} missing: {}", advice.text);
        }
        assert!(figures.checks().iter().all(|c| c.passed), "{figures:?}");
    }
}

#[test]
fn each_guide_check_fails_when_its_run_goes_wrong() {
    // A lost increment behind the lock, then by the atomic.
    let whole = contention(2, round(17.0, 0.95, None), round(2.3, 0.97, None));
    for (i, broken) in [
        ContentionFigures { lock: Hammered { counted: 199_999, ..whole.lock }, ..whole },
        ContentionFigures { atomic: Hammered { counted: 199_999, ..whole.atomic }, ..whole },
    ]
    .iter()
    .enumerate()
    {
        let failed: Vec<_> = broken.checks().into_iter().filter(|c| !c.passed).collect();
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert_eq!(failed[0].detail, "199999 of 200000");
        assert!(failed[0].name.contains(["behind the lock", "by the atomic"][i]), "{failed:?}");
    }
    // The thread-per-connection baseline: a reply that differed, a connection not closed.
    let cfg = EchoConfig { connections: 2, round_trips: 3, bytes: 4 };
    let whole = EchoMetrics {
        connections: 2,
        round_trips: 6,
        round_trips_per_s: 1000.0,
        p50_us: 50.0,
        p99_us: 90.0,
        max_us: 100.0,
        os_threads: 5,
        rss_bytes: 1 << 20,
        fd_limit: 1024,
        bytes_echoed: 24,
        bytes_sent: 24,
        mismatched: 0,
        closed_cleanly: 2,
    };
    assert!(io::baseline_checks(&cfg, &whole).iter().all(|c| c.passed));
    for broken in
        [EchoMetrics { mismatched: 1, ..whole.clone() }, EchoMetrics { closed_cleanly: 1, ..whole.clone() }]
    {
        let checks = io::baseline_checks(&cfg, &broken);
        assert_eq!(checks.iter().filter(|c| !c.passed).count(), 1, "{checks:?}");
        assert!(checks.iter().all(|c| c.name.starts_with("a thread per connection end: ")), "{checks:?}");
    }
    // A failed check prints as FAIL with its figures.
    let row = Row {
        situation: "high-contention shared state",
        advice: "none".into(),
        scenario: "race",
        measured: "none".into(),
        checks: vec![Check::new("every increment counted behind the lock", false, "199999 of 200000")],
    };
    let text = guide::render("tokio", &[row]).join("\n");
    assert!(text.contains("FAIL every increment counted behind the lock (199999 of 200000)"), "{text}");
}

fn balance(workers: u64, moved: u64, imbalance: f64, placed_imbalance: f64) -> BalanceFigures {
    BalanceFigures { workers, tasks: 16, moved, imbalance, placed_imbalance }
}

#[test]
fn balance_advice_tells_the_code_to_place_tasks_only_where_none_left_the_spawner() {
    use BalanceVerdict::*;
    let cases: [(_, _, &[&str]); 6] = [
        (balance(2, 7, 1.04, 1.15), Stolen, &["spawn from wherever", "took 7 of 16", "×1.04 the ideal"]),
        (balance(2, 3, 1.6, 1.1), StolenUnevenly, &["took 3 of 16", "×1.60", "measure where you deploy"]),
        // Thread-per-core: nothing moved, and placing shared the work.
        (
            balance(2, 0, 2.0, 1.05),
            Place,
            &["place CPU tasks on the cores yourself", "all 16", "×2.00", "×1.05"],
        ),
        (balance(2, 0, 1.9, 1.8), NoGain, &["none drawn", "did no better (×1.80)"]),
        (balance(1, 0, 1.0, 1.0), NothingToShare, &["one worker", "--threads 2"]),
        (BalanceFigures { tasks: 1, ..balance(2, 0, 2.0, 2.0) }, NothingToShare, &["one task"]),
    ];
    for (figures, verdict, words) in cases {
        let advice = figures.advice();
        assert_eq!(advice.verdict, verdict, "{figures:?}: {}", advice.text);
        // Placing by hand is advised only where no task left the spawner's thread.
        assert_eq!(advice.text.starts_with("place CPU tasks"), verdict == Place, "{}", advice.text);
        for w in words {
            assert!(advice.text.contains(w), "{w:?} missing: {}", advice.text);
        }
    }
}

/// Every figure a report carries is a number, a boolean or null.
fn plain(report: &Report) -> bool {
    report
        .metrics
        .as_object()
        .is_some_and(|m| m.values().all(|v| v.is_number() || v.is_boolean() || v.is_null()))
}

demos_tests::per_runtime! {
    #[test]
    fn the_guide_prints_every_row_with_its_checks_and_advice_from_its_figures() {
        for threads in [1, 2] {
            let at = format!("threads {threads}");
            let run = guide::measure(rt(), &Env::quiet(threads, 42), &GuideConfig::small());
            let scenarios: Vec<_> = run.reports.iter().map(|r| r.scenario.as_str()).collect();
            assert_eq!(scenarios, ["echo", "pools", "bridge", "balance", "files", "guide"], "{at}");
            for report in &run.reports {
                let failed: Vec<_> = report.checks.iter().filter(|c| !c.passed).collect();
                assert!(failed.is_empty(), "{at}, {}: {failed:?}", report.scenario);
                assert!(plain(report), "{at}, {}: {}", report.scenario, report.metrics);
            }
            let situations: Vec<_> = run.rows.iter().map(|r| r.situation).collect();
            assert_eq!(
                situations,
                [
                    "I/O-bound, many connections",
                    "CPU-bound",
                    "blocking or legacy sync calls in async code",
                    "high-contention shared state",
                    "uneven CPU work arising in one place"
                ],
                "{at}"
            );
            // Every row is checked, and the guide's report carries every check the table shows.
            assert!(run.rows.iter().all(|r| !r.checks.is_empty()), "{at}: {:?}", run.rows);
            let shown: Vec<_> = run.rows.iter().flat_map(|r| r.checks.clone()).collect();
            assert_eq!(run.reports[5].checks, shown, "{at}");
            // The advice printed is the advice of the figures printed beside it.
            let f = &run.figures;
            let worded = [
                f.io.advice().text,
                f.cpu.advice().text,
                f.blocking.advice().text,
                f.contention.advice().text,
                f.balance.advice().text,
            ];
            let measured =
                [f.io.measured(), f.cpu.measured(), f.blocking.measured(), f.contention.measured(), f.balance.measured()];
            for (i, row) in run.rows.iter().enumerate() {
                assert_eq!(row.advice, worded[i], "{at}");
                assert_eq!(row.measured, measured[i], "{at}");
            }
            assert_eq!(f.contention.expected(), threads as u64 * GuideConfig::small().increments, "{at}");
            if threads == 1 {
                assert_eq!(f.contention.advice().verdict, ContentionVerdict::OneThread, "{at}");
                // One worker: nothing side by side (or a noisy round, which says it is no result).
                let verdict = f.cpu.advice().verdict;
                assert!(matches!(verdict, CpuVerdict::NothingSideBySide | CpuVerdict::NotAResult), "{verdict:?}");
                assert_eq!(f.balance.advice().verdict, BalanceVerdict::NothingToShare, "{at}");
            }
            for line in guide::render(rt().name(), &run.rows).iter().flat_map(|l| l.lines()) {
                assert!(line.chars().count() <= 100, "{at}: {line}");
            }
        }
    }

    #[test]
    fn the_guide_command_prints_its_checks_and_its_json_carries_them() {
        let out = Command::new(BIN).args(["guide", "--threads", "2"]).env("NO_COLOR", "1").watched();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(stdout.matches("    measured   ").count(), 5, "{stdout}");
        assert_eq!(stdout.matches("    checks     ok   ").count(), 5, "{stdout}");
        assert!(!stdout.contains("FAIL") && !stdout.contains("(s)"), "{stdout}");
        assert!(stdout.lines().all(|l| l.chars().count() <= 100), "{stdout}");
        let json = Command::new(BIN).args(["guide", "--threads", "1", "--json"]).watched();
        assert_eq!(json.status.code(), Some(0));
        let reports: Vec<Report> = String::from_utf8_lossy(&json.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a report"))
            .collect();
        let scenarios: Vec<_> = reports.iter().map(|r| r.scenario.as_str()).collect();
        assert_eq!(scenarios, ["echo", "pools", "bridge", "balance", "files", "guide"]);
        let guide = &reports[5];
        assert!(guide.checks.len() >= 5 && guide.passed(), "{:?}", guide.checks);
        assert_eq!(guide.metrics["contention_threads"], 1);
        assert_eq!(guide.metrics["lock_count"], guide.metrics["expected_count"]);
    }
}
