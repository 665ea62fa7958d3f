//! cancel: a frame read raced against a faster timer loses the halves it had
//! taken, and only where the timer won; racing the channel's own receive with
//! the half-frame kept outside loses nothing. What shutdown and dropped handles
//! do is each runtime's own, and observed: tokio and smol drop an executor's
//! parked tasks (destructors run), async-std's global executor never goes;
//! tokio's JoinSet, smol's Tasks and the futures RemoteHandles cancel when
//! dropped, async-std's JoinHandles detach. Dropping a tokio runtime waits for a
//! running blocking job; shutdown_timeout does not. With both branches of a
//! select always ready, tokio's `select!`, smol's `race` and `futures::select!`
//! let either win; `biased;`, smol's `or`, async-std's `race` and
//! `select_biased!` always take the first.

use demos_core::scenario::cancel::{BLOCKING_JOB, SELECT_ROUNDS, SHUTDOWN_TIMEOUT};
use demos_core::scenario::{self, Column, cancel::CancelScenario};
use demos_core::{CancelConfig, CancelMetrics, Env, Scenario};
use demos_tests::watchdog::Watched;

demos_tests::per_runtime! {
    #[test]
    fn a_naive_select_drops_half_read_frames_and_the_cancel_safe_one_loses_nothing() {
        for threads in [1, 2] {
            let cfg = CancelConfig { frames: 6, half_ms: 4, tick_ms: 1, tasks: 3 };
            let (report, seen) = scenario::run::<CancelScenario>(rt(), &cfg, &Env::quiet(threads, 0));
            let m = &seen.metrics;
            let at = format!("--threads {threads}: {m:?}");
            assert!(report.passed(), "{at}");
            assert_eq!(m.lost_cancel_safe, 0, "{at}");
            // The timer (1 ms) always wins while the next half is 4 ms away.
            assert!(m.lost_not_cancel_safe > 0 && m.lost_not_cancel_safe <= m.ticks_not_cancel_safe, "{at}");
            let (shutdown, group) = match rt().name() {
                "tokio" | "smol" => (3, 3),
                "compio" => (3, 3), // a dropped Runtime drops its tasks; a dropped JoinHandle cancels
                "async-std" => (0, 0), // the global executor lives on; JoinHandles detach
                _ => (0, 3),           // a dropped ThreadPool leaves parked tasks to their wakers; RemoteHandles cancel
            };
            assert_eq!((m.shutdown_destructors_run, m.group_cancelled), (shutdown, group), "{at}");
            assert_eq!(m.executor_dropped, rt().name() != "async-std", "only a global executor is left running: {at}");
            // Fairness: the preferring select never let the second win; the other let
            // both win (all 1,000 to one side has odds of 2^-999 for a fair coin).
            assert_eq!(m.select_rounds, SELECT_ROUNDS, "{at}");
            assert_eq!(m.select_preferring_first_wins, SELECT_ROUNDS, "{at}");
            match m.select_first_wins {
                Some(wins) => assert!(wins > 0 && wins < SELECT_ROUNDS, "{at}"),
                None => assert_eq!(rt().name(), "async-std", "only async-std has no select without a preference"),
            }
            if rt().name() == "tokio" {
                let (dropped, timeout) = (m.drop_with_blocking_job_ms.unwrap(), m.shutdown_timeout_ms.unwrap());
                assert!(dropped >= 0.9 * BLOCKING_JOB.as_secs_f64() * 1e3, "drop waits for the job: {at}");
                assert!(timeout < dropped, "shutdown_timeout({SHUTDOWN_TIMEOUT:?}) returns first: {at}");
            }
        }
    }
}

#[test]
fn a_timer_no_faster_than_the_halves_is_refused() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tokio"))
        .args(["cancel", "--half-ms", "3", "--tick-ms", "3"])
        .watched();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--tick-ms 3 must be below --half-ms 3"), "{stderr}");
}

fn fairness_checks(first: Option<u64>, preferring: u64) -> Vec<demos_core::Check> {
    let m = CancelMetrics {
        select_rounds: SELECT_ROUNDS,
        select_first_wins: first,
        select_preferring_first_wins: preferring,
        ..CancelMetrics::default()
    };
    let cfg = CancelConfig { frames: 2, half_ms: 4, tick_ms: 1, tasks: 1 };
    CancelScenario::checks(&cfg, &m).into_iter().filter(|c| c.name.contains("both branches ready")).collect()
}

fn fairness_failed(first: Option<u64>, preferring: u64) -> bool {
    fairness_checks(first, preferring).iter().any(|c| !c.passed)
}

#[test]
fn with_no_select_without_a_preference_no_check_speaks_for_one() {
    // async-std has none: nothing split its wins, so no check says one did (nor passes for it).
    let checks = fairness_checks(None, SELECT_ROUNDS);
    let said: Vec<String> = checks.iter().map(|c| format!("{} ({})", c.name, c.detail)).collect();
    assert!(!said.is_empty() && said.iter().all(|s| !s.contains("without a preference")), "{said:?}");
    assert!(fairness_failed(None, SELECT_ROUNDS - 1), "its preferring select is still checked");
    // Where there is one, its check names its wins alone.
    let checks = fairness_checks(Some(503), SELECT_ROUNDS);
    let split = checks.iter().find(|c| c.name.contains("without a preference")).expect("the split check");
    assert_eq!(split.detail, format!("the first won 503 of {SELECT_ROUNDS}"));
}

#[test]
fn the_fairness_check_fails_on_a_biased_select_or_a_preferring_one_that_wavers() {
    assert!(!fairness_failed(Some(503), SELECT_ROUNDS) && !fairness_failed(None, SELECT_ROUNDS));
    assert!(
        fairness_failed(Some(SELECT_ROUNDS), SELECT_ROUNDS),
        "a select without a preference that always takes the first"
    );
    assert!(fairness_failed(Some(700), SELECT_ROUNDS), "one skewed far past chance");
    assert!(fairness_failed(Some(500), SELECT_ROUNDS - 1), "a preferring select that once took the second");
}

#[test]
fn the_conclusion_gives_each_runtimes_wins_and_names_the_one_without_a_random_select() {
    let seen = |first: Option<u64>| CancelMetrics {
        items_sent: 4,
        select_rounds: SELECT_ROUNDS,
        select_first_wins: first,
        select_preferring_first_wins: SELECT_ROUNDS,
        ..CancelMetrics::default()
    };
    let columns = [
        Column { runtime: "tokio", flavor: "", runs: vec![seen(Some(498))] },
        Column { runtime: "smol", flavor: "", runs: vec![seen(Some(1000))] },
        Column { runtime: "async-std", flavor: "", runs: vec![seen(None)] },
    ];
    let said = CancelScenario::conclude(&CancelConfig::default(), &columns);
    assert!(said.contains("without a preference, tokio 498 and smol 1000 (about half on tokio)"), "{said}");
    assert!(
        said.contains("prefers the first, 1000 on every runtime (async-std has only this one)"),
        "{said}"
    );
}
