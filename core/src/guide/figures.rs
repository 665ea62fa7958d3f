//! The figures every row is worded from, gathered from the runs' metrics, and
//! flattened into the `guide` report's metrics (numbers and booleans only).

use serde_json::{Map, Value, json};

use super::GuideConfig;
use super::balance::BalanceFigures;
use super::blocking::BlockingFigures;
use super::contention::{ContentionFigures, Hammered};
use super::cpu::CpuFigures;
use super::io::IoFigures;
use crate::{BalanceMetrics, BridgeMetrics, EchoMetrics, FilesMetrics, PoolsMetrics, Report, Runtime};

/// The figures of every row.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Many connections: tasks against a thread per connection end.
    pub io: IoFigures,
    /// CPU-bound jobs on the workers.
    pub cpu: CpuFigures,
    /// Blocking calls offloaded and inline.
    pub blocking: BlockingFigures,
    /// A lock against an atomic under contention.
    pub contention: ContentionFigures,
    /// Uneven CPU tasks spawned from one task, then placed.
    pub balance: BalanceFigures,
}

impl Figures {
    /// The rows' figures from the runs: the echo report with its metrics, the
    /// thread-per-connection echo's and the files', the pools and bridge metrics, the
    /// contention row, and the balance metrics.
    pub fn new(
        rt: &dyn Runtime,
        cfg: &GuideConfig,
        (echo, tasks, threads, files): (&Report, &EchoMetrics, &EchoMetrics, &FilesMetrics),
        pools: &PoolsMetrics,
        bridge: &BridgeMetrics,
        contention: ContentionFigures,
        balance: &BalanceMetrics,
    ) -> Self {
        Self {
            io: IoFigures {
                runtime: rt.name().into(),
                flavor: echo.flavor.clone(),
                tasks_hold_threads: rt.tasks_hold_threads(),
                connections: cfg.echo.connections as u64,
                round_trips: cfg.echo.round_trips as u64,
                tasks: tasks.into(),
                threads: threads.into(),
                files: files.into(),
            },
            cpu: CpuFigures {
                jobs: pools.cpu_jobs,
                threads: pools.cpu_threads,
                cores: pools.cores,
                sequential_ms: pools.sequential_ms,
                parallel_ms: pools.parallel_ms,
                speedup: pools.speedup,
            },
            blocking: BlockingFigures {
                workers: bridge.inline_handlers,
                jobs: bridge.blocking_jobs,
                job_ms: cfg.bridge.job_ms,
                tick_ms: cfg.bridge.tick_ms,
                gap_offloaded_ms: bridge.max_gap_offloaded_ms,
                gap_inline_ms: bridge.max_gap_inline_ms,
                gap_one_blocked_ms: bridge.max_gap_one_blocked_ms,
            },
            contention,
            balance: BalanceFigures {
                workers: balance.workers,
                tasks: balance.tasks,
                moved: balance.tasks_moved,
                imbalance: balance.imbalance,
                placed_imbalance: balance.placed_imbalance,
            },
        }
    }

    /// Every figure as one flat JSON object of numbers and booleans.
    pub fn metrics(&self) -> Value {
        let (io, cpu, blocking, contention, balance) =
            (&self.io, &self.cpu, &self.blocking, &self.contention, &self.balance);
        let mut m = Map::new();
        let mut put = |key: &str, value: Value| {
            if !value.is_null() {
                m.insert(key.to_string(), value);
            }
        };
        put("connections", json!(io.connections));
        put("round_trips", json!(io.round_trips));
        for (side, s) in [("tasks", &io.tasks), ("threads", &io.threads)] {
            put(&format!("{side}_round_trips_per_s"), json!(s.round_trips_per_s));
            put(&format!("{side}_p99_ms"), json!(s.p99_ms));
            put(&format!("{side}_os_threads"), json!(s.os_threads));
        }
        put("file_reads_in_flight", json!(io.files.in_flight));
        put("file_threads_started", json!(io.files.threads_started));
        put("file_blocking_pool", json!(io.files.blocking_pool));
        put("file_p50_ms", json!(io.files.p50_ms));
        put("cpu_jobs", json!(cpu.jobs));
        put("cpu_threads", json!(cpu.threads));
        put("cores", json!(cpu.cores));
        put("sequential_ms", json!(cpu.sequential_ms));
        put("parallel_ms", json!(cpu.parallel_ms));
        put("speedup", json!(cpu.speedup));
        put("speedup_bound", json!(cpu.bound()));
        put("blocking_workers", json!(blocking.workers));
        put("blocking_jobs", json!(blocking.jobs));
        put("blocking_job_ms", json!(blocking.job_ms));
        put("heartbeat_tick_ms", json!(blocking.tick_ms));
        put("max_gap_offloaded_ms", json!(blocking.gap_offloaded_ms));
        put("max_gap_inline_ms", json!(blocking.gap_inline_ms));
        put("max_gap_one_blocked_ms", json!(blocking.gap_one_blocked_ms));
        put("contention_threads", json!(contention.threads));
        put("increments", json!(contention.increments));
        put("expected_count", json!(contention.expected()));
        for (name, h) in [("lock", &contention.lock), ("atomic", &contention.atomic)] {
            let Hammered { ms, overlap, cpu_wait, counted, tries } = *h;
            put(&format!("{name}_ms"), json!(ms));
            put(&format!("{name}_overlap"), json!(overlap));
            put(&format!("{name}_cpu_wait"), json!(cpu_wait));
            put(&format!("{name}_count"), json!(counted));
            put(&format!("{name}_tries"), json!(tries));
            put(&format!("{name}_contended"), json!(contention.contended(h)));
        }
        put("balance_workers", json!(balance.workers));
        put("balance_tasks", json!(balance.tasks));
        put("balance_tasks_moved", json!(balance.moved));
        put("balance_imbalance", json!(balance.imbalance));
        put("balance_placed_imbalance", json!(balance.placed_imbalance));
        Value::Object(m)
    }
}
