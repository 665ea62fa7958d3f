//! Every check a scenario prints, shown failing once.
//!
//! A check that no run could fail is decoration, however green. So each row
//! of [`FAULTS`] names a check exactly as the report prints it and the fault
//! that fails it: a real run on a real runtime, then the one observation a
//! broken implementation of that step would have made instead (a mutex that
//! lets a second task in, a channel that drops an item, a pool that runs past
//! its limit …), then the scenario's own `checks()`. The row passes when that
//! check, and no other, says FAIL.
//!
//! [`every_check_printed_has_a_row`] keeps the table whole, without running
//! anything: every check a scenario can print, on any runtime and with any
//! configuration, is listed by name (`Kind::checks`, core/src/scenario/mod.rs),
//! and each must have a row here, and each row a listed check. The list is
//! held to what runs print twice: a debug build refuses a report whose check
//! it does not list (every suite test runs every runtime), and each row's run
//! here must print only listed checks. The guide's rows print the scenarios'
//! checks under a prefix ("tokio's echo: …", pools' sums, bridge's checks) and
//! two kinds of its own (`guide::own_checks`), which have rows here: the
//! thread-per-connection baseline and the contention row's counts.
//!
//! Faults that take a broken runtime, not a doctored figure, live beside the
//! code they break: `BrokenMutex` (tests/src/lib.rs) fails race's mutex check
//! end to end, scale's unit test loses a task and sees "all tasks waiting at
//! once" fail at its bound, and the queue's three checks each fail end to end
//! over a channel written with one fault (tests/tests/suite/queue.rs, `faults`:
//! one that holds an item past its capacity, delivers one twice, drops one, or
//! alters a value), kept by the same books every runtime keeps.

#![forbid(unsafe_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use demos_core::scenario::balance::BalanceScenario;
use demos_core::scenario::bridge::BridgeScenario;
use demos_core::scenario::cancel::CancelScenario;
use demos_core::scenario::echo::EchoScenario;
use demos_core::scenario::files::FilesScenario;
use demos_core::scenario::futures::FuturesScenario;
use demos_core::scenario::local::LocalScenario;
use demos_core::scenario::mixing::MixingScenario;
use demos_core::scenario::ordering::OrderingScenario;
use demos_core::scenario::pools::PoolsScenario;
use demos_core::scenario::queue::QueueScenario;
use demos_core::scenario::race::RaceScenario;
use demos_core::scenario::scale::ScaleScenario;
use demos_core::scenario::scheduling::SchedulingScenario;
use demos_core::scenario::starvation::StarvationScenario;
use demos_core::scenario::threads::ThreadsScenario;
use demos_core::scenario::timers::TimersScenario;
use demos_core::{Check, EchoConfig, Env, Runtime, Scenario};
use demos_tests::watchdog;
use serde_json::{Value, json};

/// The worker count of every run here.
const THREADS: usize = 2;

/// One check and the fault that fails it.
struct Fault {
    /// The scenario (or "guide").
    scenario: &'static str,
    /// The check, as the report prints it.
    check: &'static str,
    /// What broke.
    fault: &'static str,
    /// A real run with that fault: every check it printed.
    run: fn() -> Vec<Check>,
}

/// Each runtime in the test binary, its pool and fresh-process children run
/// in its own demos binary.
fn tokio() -> &'static dyn Runtime {
    demos_core::child::use_worker_for("tokio", env!("CARGO_BIN_EXE_tokio"));
    &demos_tokio::Tokio
}

fn smol() -> &'static dyn Runtime {
    demos_core::child::use_worker_for("smol", env!("CARGO_BIN_EXE_smol"));
    &demos_smol::Smol
}

/// The metrics of one real run of `S` on `rt` at its defaults changed by
/// `config`; one run per scenario, runtime and configuration, shared by rows.
fn observed<S: Scenario>(rt: &dyn Runtime, config: &Value) -> (S::Config, S::Metrics) {
    static RUNS: Mutex<BTreeMap<String, Value>> = Mutex::new(BTreeMap::new());
    let mut cfg = serde_json::to_value(S::Config::default()).expect("configurations are plain data");
    for (key, value) in config.as_object().expect("a configuration is an object") {
        cfg[key] = value.clone();
    }
    let cfg: S::Config = serde_json::from_value(cfg).expect("a valid configuration");
    let key = format!("{} {} {config}", S::NAME, rt.name());
    let mut runs = RUNS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let metrics = runs
        .entry(key)
        .or_insert_with(|| {
            let metrics = S::observe(rt, &cfg, &Env::quiet(THREADS, 42)).metrics;
            serde_json::to_value(metrics).expect("metrics are plain data")
        })
        .clone();
    (cfg, serde_json::from_value(metrics).expect("the metrics it serialized"))
}

/// The checks of a real run of `S` with `fault` applied to what it observed.
fn faulted<S: Scenario>(rt: &dyn Runtime, config: Value, fault: impl FnOnce(&mut S::Metrics)) -> Vec<Check> {
    let (cfg, mut metrics) = observed::<S>(rt, &config);
    fault(&mut metrics);
    S::checks(&cfg, &metrics)
}

fn race() -> Value {
    json!({ "tasks": 50 })
}
fn ordering() -> Value {
    json!({ "tasks": 6, "max_sleep_ms": 5 })
}
fn futures() -> Value {
    json!({ "tasks": 3, "max_sleep_ms": 2 })
}
fn pools() -> Value {
    json!({ "io_jobs": 2, "io_ms": 5, "cpu_jobs": 2, "cpu_size": 100_000 })
}
fn bridge() -> Value {
    json!({ "jobs": 2, "job_ms": 30, "tick_ms": 5 })
}
fn threads() -> Value {
    json!({ "manual": 2, "io_jobs": 2, "cpu_jobs": 2 })
}
fn scheduling() -> Value {
    json!({ "tasks": 3, "steps": 3, "step_ms": 2 })
}
fn queue() -> Value {
    json!({ "producers": 2, "consumers": 2, "capacity": 2, "items": 20, "delay_ms": 0 })
}
fn scale() -> Value {
    json!({ "tasks": 50 })
}
fn echo() -> Value {
    json!({ "connections": 3, "round_trips": 3, "bytes": 16 })
}
fn local() -> Value {
    json!({ "tasks": 3, "steps": 3 })
}
fn starvation() -> Value {
    json!({ "items": 2000, "tick_ms": 1, "blocking_jobs": 3, "blocking_limit": 2, "job_ms": 20 })
}
fn cancel() -> Value {
    json!({ "frames": 5, "half_ms": 4, "tick_ms": 1, "tasks": 2 })
}
fn mixing() -> Value {
    json!({ "delay_ms": 2 })
}
fn timers() -> Value {
    json!({ "sleep_us": 200, "sleeps": 10 })
}
fn balance() -> Value {
    json!({ "tasks": 6, "max_task_ms": 2 })
}
fn files() -> Value {
    json!({ "files": 8, "min_kib": 1, "max_kib": 4, "concurrency": 3, "pool_limit": 2 })
}

/// The guide's thread-per-connection baseline, with `fault`.
fn baseline(fault: impl FnOnce(&mut demos_core::EchoMetrics)) -> Vec<Check> {
    let cfg = EchoConfig { connections: 3, round_trips: 3, bytes: 16 };
    let mut metrics = demos_core::scenario::echo::threads::run(&cfg).metrics;
    fault(&mut metrics);
    demos_core::guide::io::baseline_checks(&cfg, &metrics)
}

/// The guide's contention row, with `fault`.
fn contention(fault: impl FnOnce(&mut demos_core::guide::contention::ContentionFigures)) -> Vec<Check> {
    let mut figures = demos_core::guide::contention::measure(THREADS, 2_000);
    fault(&mut figures);
    figures.checks()
}

const FAULTS: &[Fault] = &[
    Fault {
        scenario: "race",
        check: "mutex == expected",
        fault: "a mutex that lets a second task in between a load and its store: one update lost",
        run: || faulted::<RaceScenario>(tokio(), race(), |m| m.mutex -= 1),
    },
    Fault {
        scenario: "race",
        check: "atomic == expected",
        fault: "an increment that is not atomic: one update lost",
        run: || faulted::<RaceScenario>(tokio(), race(), |m| m.atomic -= 1),
    },
    Fault {
        scenario: "ordering",
        check: "every task finished exactly once",
        fault: "a task that finished twice, another never",
        run: || faulted::<OrderingScenario>(tokio(), ordering(), |m| m.orders_complete = false),
    },
    Fault {
        scenario: "ordering",
        check: "every fixed index holds its task's result",
        fault: "a result written into its neighbour's slot",
        run: || faulted::<OrderingScenario>(tokio(), ordering(), |m| m.fixed_index_matches -= 1),
    },
    Fault {
        scenario: "futures",
        check: "every handle returned its task's value",
        fault: "a handle that returned another task's value",
        run: || faulted::<FuturesScenario>(tokio(), futures(), |m| m.completed -= 1),
    },
    Fault {
        scenario: "futures",
        check: "every callback ran once",
        fault: "a combinator whose callback never ran",
        run: || faulted::<FuturesScenario>(tokio(), futures(), |m| m.callbacks_run -= 1),
    },
    Fault {
        scenario: "futures",
        check: "every result consumed as it completed",
        fault: "as-completed that lost a result",
        run: || faulted::<FuturesScenario>(tokio(), futures(), |m| m.as_completed -= 1),
    },
    Fault {
        scenario: "futures",
        check: "the one-shot future delivered its value",
        fault: "a one-shot channel that dropped its value",
        run: || faulted::<FuturesScenario>(tokio(), futures(), |m| m.oneshot_delivered = false),
    },
    Fault {
        scenario: "futures",
        check: "the aborted task was cancelled",
        fault: "an abort that let the task run on",
        run: || faulted::<FuturesScenario>(tokio(), futures(), |m| m.cancelled = 0),
    },
    Fault {
        scenario: "futures",
        check: "a task's panic came back at its handle, and the next task ran",
        fault: "a runtime that ran no task after one panicked at its handle",
        run: || faulted::<FuturesScenario>(tokio(), futures(), |m| m.survived_panic = false),
    },
    Fault {
        scenario: "futures",
        check: "the blocking job's panic came back to the task awaiting it",
        fault: "a blocking pool that swallowed its job's panic",
        run: || faulted::<FuturesScenario>(tokio(), futures(), |m| m.blocking_panic_caught = false),
    },
    Fault {
        scenario: "pools",
        check: "every I/O job completed and its callback ran",
        fault: "a pool that dropped a queued job",
        run: || faulted::<PoolsScenario>(tokio(), pools(), |m| m.io_completed -= 1),
    },
    Fault {
        scenario: "pools",
        check: "every parallel sum equals the sequential sum",
        fault: "a job that summed part of its range",
        run: || faulted::<PoolsScenario>(tokio(), pools(), |m| m.results_match = false),
    },
    Fault {
        scenario: "pools",
        check: "every child process's sum equals the sequential sum",
        fault: "a child process that returned a wrong sum",
        run: || faulted::<PoolsScenario>(tokio(), pools(), |m| m.process_results_match = false),
    },
    Fault {
        scenario: "bridge",
        check: "every blocking call completed, offloaded and inline",
        fault: "an offloaded call whose result never came back",
        run: || faulted::<BridgeScenario>(tokio(), bridge(), |m| m.offloaded_completed -= 1),
    },
    Fault {
        scenario: "bridge",
        check: "the heartbeat ticked while the calls were offloaded",
        fault: "an offload that blocked the executor anyway: no tick",
        run: || faulted::<BridgeScenario>(tokio(), bridge(), |m| m.heartbeats_offloaded = 0),
    },
    Fault {
        scenario: "bridge",
        check: "sync code got the async result through block_on",
        fault: "a block_on that returned before its future's value",
        run: || faulted::<BridgeScenario>(tokio(), bridge(), |m| m.block_on_value_ok = false),
    },
    Fault {
        scenario: "threads",
        check: "every job ran once",
        fault: "a pool that dropped a job",
        run: || faulted::<ThreadsScenario>(tokio(), threads(), |m| m.jobs -= 1),
    },
    Fault {
        scenario: "threads",
        check: "no blocking job ran on a worker",
        fault: "a blocking job run on an executor worker",
        run: || faulted::<ThreadsScenario>(tokio(), threads(), |m| m.io_threads_also_workers = 1),
    },
    Fault {
        scenario: "threads",
        check: "CPU jobs ran on at most --threads workers",
        fault: "an executor that ran CPU jobs on more threads than its workers",
        run: || faulted::<ThreadsScenario>(tokio(), threads(), |m| m.cpu_worker_threads = m.workers + 1),
    },
    Fault {
        scenario: "threads",
        check: "--threads workers each ran a job at the same moment",
        fault: "an executor that ran fewer workers than asked",
        run: || faulted::<ThreadsScenario>(tokio(), threads(), |m| m.all_workers_at_once = false),
    },
    Fault {
        scenario: "scheduling",
        check: "every async step of every task ran",
        fault: "a task dropped part-way",
        run: || faulted::<SchedulingScenario>(tokio(), scheduling(), |m| m.steps_recorded -= 1),
    },
    Fault {
        scenario: "scheduling",
        check: "one worker, no yield: tasks ran one after another",
        fault: "a single worker that switched tasks without an await",
        run: || faulted::<SchedulingScenario>(tokio(), scheduling(), |m| m.switches_no_yield += 1),
    },
    Fault {
        scenario: "scheduling",
        check: "one worker, cooperative: tasks took turns, a step each per round",
        fault: "a yield that put the task back first: no turns",
        run: || faulted::<SchedulingScenario>(tokio(), scheduling(), |m| m.cooperative_lockstep = false),
    },
    Fault {
        scenario: "scheduling",
        check: "one CPU: no two threads ran at once",
        fault: "threads pinned to one CPU that ran side by side",
        run: || faulted::<SchedulingScenario>(tokio(), scheduling(), |m| m.preemptive_overlap_ms += 1_000.0),
    },
    Fault {
        scenario: "scheduling",
        check: "never more tasks running at once than workers",
        fault: "an executor that ran three tasks at once on two workers",
        run: || {
            faulted::<SchedulingScenario>(tokio(), scheduling(), |m| {
                m.spread_most_at_once = Some(m.workers + 1)
            })
        },
    },
    Fault {
        scenario: "queue",
        check: "every item consumed exactly once",
        fault: "a channel that delivered an item twice",
        run: || faulted::<QueueScenario>(tokio(), queue(), |m| m.duplicates = 1),
    },
    Fault {
        scenario: "queue",
        check: "depth never above capacity",
        fault: "a channel that took one item past its capacity",
        run: || faulted::<QueueScenario>(tokio(), queue(), |m| m.max_depth = m.capacity + 1),
    },
    Fault {
        scenario: "queue",
        check: "sum of values consumed == sum produced",
        fault: "a channel that corrupted a value in flight",
        run: || faulted::<QueueScenario>(tokio(), queue(), |m| m.sums_match = false),
    },
    Fault {
        scenario: "scale",
        check: "all tasks waiting at once",
        fault: "a spawner that lost a task (scale's unit test does it for real)",
        run: || faulted::<ScaleScenario>(tokio(), scale(), |m| m.waiting_at_once -= 1),
    },
    Fault {
        scenario: "scale",
        check: "every task woke once",
        fault: "a wake that reached all but one task",
        run: || faulted::<ScaleScenario>(tokio(), scale(), |m| m.finished -= 1),
    },
    Fault {
        scenario: "echo",
        check: "every byte echoed once, in order",
        fault: "a server that swapped two bytes of a reply",
        run: || faulted::<EchoScenario>(tokio(), echo(), |m| m.mismatched = 1),
    },
    Fault {
        scenario: "echo",
        check: "every connection closed cleanly",
        fault: "a connection reset instead of closed",
        run: || faulted::<EchoScenario>(tokio(), echo(), |m| m.closed_cleanly -= 1),
    },
    Fault {
        scenario: "local",
        check: "tasks interleaved at their awaits",
        fault: "a yield that did not let the other tasks run",
        run: || faulted::<LocalScenario>(tokio(), local(), |m| m.switches = 0),
    },
    Fault {
        scenario: "starvation",
        check: "every item received",
        fault: "a channel that lost an item under the budget's forced yields",
        run: || faulted::<StarvationScenario>(tokio(), starvation(), |m| m.loop_items -= 1),
    },
    Fault {
        scenario: "starvation",
        check: "blocking pool filled to its limit, never past it",
        fault: "a blocking pool that ran one thread past its limit",
        run: || faulted::<StarvationScenario>(tokio(), starvation(), |m| m.blocking_peak_concurrency += 1),
    },
    Fault {
        scenario: "starvation",
        check: "every blocking job completed",
        fault: "a blocking pool that dropped a queued job",
        run: || faulted::<StarvationScenario>(tokio(), starvation(), |m| m.blocking_completed -= 1),
    },
    Fault {
        scenario: "cancel",
        check: "the cancel-safe loop lost nothing",
        fault: "a recv that dropped the item it had taken when the timer won",
        run: || faulted::<CancelScenario>(tokio(), cancel(), |m| m.lost_cancel_safe = 1),
    },
    Fault {
        scenario: "cancel",
        check: "with both branches ready, a select without a preference split its wins",
        fault: "a select said to have no preference that took the first branch every round",
        run: || faulted::<CancelScenario>(tokio(), cancel(), |m| m.select_first_wins = Some(m.select_rounds)),
    },
    Fault {
        scenario: "cancel",
        check: "with both branches ready, the select preferring the first chose it every round",
        fault: "a biased select that once took the second branch",
        run: || faulted::<CancelScenario>(tokio(), cancel(), |m| m.select_preferring_first_wins -= 1),
    },
    Fault {
        scenario: "mixing",
        check: "async-io's timer and connect completed here",
        fault: "a reactor nobody drove: the timer never fired",
        run: || faulted::<MixingScenario>(tokio(), mixing(), |m| m.portable_worked = false),
    },
    Fault {
        scenario: "mixing",
        check: "the tokio future completed inside Compat",
        fault: "a Compat with no tokio runtime behind it",
        run: || faulted::<MixingScenario>(smol(), mixing(), |m| m.adapter_worked = Some(false)),
    },
    Fault {
        scenario: "timers",
        check: "no sleep returned before its time",
        fault: "a timer that fired a tick early",
        run: || faulted::<TimersScenario>(tokio(), timers(), |m| m.early = 1),
    },
    Fault {
        scenario: "balance",
        check: "every task ran exactly once, in each phase",
        fault: "an executor that lost a placed task: it never ran",
        run: || faulted::<BalanceScenario>(tokio(), balance(), |m| m.placed_ran -= 1),
    },
    Fault {
        scenario: "balance",
        check: "no more threads ran tasks than there are workers",
        fault: "an executor that ran a task on a spare thread beyond its workers",
        run: || faulted::<BalanceScenario>(tokio(), balance(), |m| m.threads_used = m.workers + 1),
    },
    Fault {
        scenario: "files",
        check: "every file read exactly once",
        fault: "a reader that took a file another had taken: one file read twice, one never",
        run: || faulted::<FilesScenario>(tokio(), files(), |m| m.files_not_read_once = 2),
    },
    Fault {
        scenario: "files",
        check: "every byte read equals what was written",
        fault: "a read that returned a flipped byte: its checksum differs",
        run: || faulted::<FilesScenario>(tokio(), files(), |m| m.corrupt_reads = 1),
    },
    Fault {
        scenario: "files",
        check: "the limited pool never ran past its limit",
        fault: "a blocking pool that started a thread past its limit (or, process-wide, had not shrunk to it)",
        run: || {
            faulted::<FilesScenario>(tokio(), files(), |m| m.limited_pool_threads = Some(m.pool_limit + 1))
        },
    },
    Fault {
        scenario: "guide",
        check: "a thread per connection end: every byte echoed once, in order",
        fault: "a baseline server thread that swapped two bytes",
        run: || baseline(|m| m.mismatched = 1),
    },
    Fault {
        scenario: "guide",
        check: "a thread per connection end: every connection closed cleanly",
        fault: "a baseline connection reset instead of closed",
        run: || baseline(|m| m.closed_cleanly -= 1),
    },
    Fault {
        scenario: "guide",
        check: "every increment counted behind the lock",
        fault: "a lock that let two threads in: one increment lost",
        run: || contention(|f| f.lock.counted -= 1),
    },
    Fault {
        scenario: "guide",
        check: "every increment counted by the atomic",
        fault: "an increment that is not atomic: one lost",
        run: || contention(|f| f.atomic.counted -= 1),
    },
];

/// Each row's run: its checks, or why it could not run.
fn run_all() -> Vec<(&'static Fault, Vec<Check>)> {
    FAULTS.iter().map(|f| (f, (f.run)())).collect()
}

/// Every check each scenario, and the guide, can print: `(scenario, check)`.
fn listed() -> BTreeSet<(&'static str, String)> {
    let scenarios = demos_core::scenario::ALL
        .iter()
        .flat_map(|s| s.check_names().iter().map(|check| (s.name(), check.to_string())));
    scenarios.chain(demos_core::guide::own_checks().into_iter().map(|check| ("guide", check))).collect()
}

#[test]
fn every_fault_fails_its_check_and_no_other() {
    watchdog::within("the fault table", std::time::Duration::from_secs(150), || {
        let listed = listed();
        let mut wrong = Vec::new();
        for (fault, checks) in run_all() {
            for check in &checks {
                // A guide row runs its baseline or its contention row alone: the guide's own checks.
                if !listed.contains(&(fault.scenario, check.name.clone())) {
                    wrong.push(format!(
                        "{}: printed '{}', which its list does not hold",
                        fault.scenario, check.name
                    ));
                }
            }
            let failed: Vec<&str> = checks.iter().filter(|c| !c.passed).map(|c| c.name.as_str()).collect();
            if failed != [fault.check] {
                wrong.push(format!(
                    "{}: '{}' with the fault '{}' should fail alone; failed: {failed:?}; printed: {:?}",
                    fault.scenario,
                    fault.check,
                    fault.fault,
                    checks.iter().map(|c| &c.name).collect::<Vec<_>>()
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    });
}

#[test]
fn every_check_printed_has_a_row() {
    let rows: BTreeSet<(&str, String)> = FAULTS.iter().map(|f| (f.scenario, f.check.to_string())).collect();
    assert_eq!(rows.len(), FAULTS.len(), "one row per check");
    let listed = listed();
    let missing: Vec<_> = listed.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&listed).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "checks a scenario can print with no fault that fails them: {missing:?}; rows for checks no \
         scenario lists (renamed or gone?): {stale:?}"
    );
    let scenarios: BTreeSet<&str> = FAULTS.iter().map(|f| f.scenario).collect();
    for s in demos_core::scenario::ALL {
        assert!(scenarios.contains(s.name()), "{} has no row", s.name());
    }
    assert!(scenarios.contains("guide"), "the guide has no row");
}
