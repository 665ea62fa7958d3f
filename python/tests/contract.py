"""The report contract the Python scenarios keep, as data: the envelope's keys, and for each
scenario its config keys and its metric keys with their JSON types — the Rust report's own
(from the Metrics structs in core/src/scenario, so the Rust side can read a Python report as
its typed metrics) and the Python-only ones. README.md documents the same keys.

Types: "u64" a whole number >= 0, "f64" any number, "bool", "u64?" a whole number, null or
absent (a Rust Option), "f64?" a number, null or absent, "f64|null" a number or null.
"""

ENVELOPE = ["scenario", "runtime", "flavor", "threads", "workers_observed", "seed", "config",
            "metrics", "checks", "elapsed_ms"]
OPTIONAL_ENVELOPE = ["timeline", "interrupted", "takeaway"]

CONFIG = {
    "race": ["tasks"],
    "ordering": ["max_sleep_ms", "tasks"],
    "futures": ["max_sleep_ms", "tasks"],
    "pools": ["cpu_jobs", "cpu_size", "io_jobs", "io_ms"],
    "bridge": ["job_ms", "jobs", "tick_ms"],
    "threads": ["cpu_jobs", "io_jobs", "manual"],
    "scheduling": ["step_ms", "steps", "tasks"],
    "queue": ["capacity", "consumers", "delay_ms", "items", "producers"],
}

# The Rust reports' metric keys, with the types of their fields.
SHARED = {
    "race": {"expected": "u64", "unsynchronized": "u64", "mutex": "u64", "atomic": "u64",
             "lost_updates": "u64", "unsynchronized_ms": "f64", "mutex_ms": "f64",
             "atomic_ms": "f64"},
    "ordering": {"tasks": "u64", "inversions": "u64", "inversions_second_round": "u64",
                 "orders_complete": "bool", "orders_differ": "bool", "fixed_index_matches": "u64",
                 "round_ms": "f64"},
    "futures": {"tasks": "u64", "completed": "u64", "callbacks_run": "u64", "as_completed": "u64",
                "oneshot_delivered": "bool", "dropped_handle_task_finished": "bool",
                "cancelled": "u64", "panics_caught": "u64", "panic_resumed_on_await": "bool",
                "survived_panic": "bool"},
    "pools": {"io_jobs": "u64", "io_completed": "u64", "io_callbacks_run": "u64", "io_ms": "f64",
              "io_serial_ms": "f64", "cpu_jobs": "u64", "cpu_size": "u64", "rounds": "u64",
              "sequential_ms": "f64", "parallel_ms": "f64", "speedup": "f64", "cpu_threads": "u64",
              "cores": "u64", "speedup_bound": "f64", "speedup_is_noise": "bool",
              "results_match": "bool", "process_ms": "f64", "process_pool": "u64",
              "process_results_match": "bool"},
    "bridge": {"blocking_jobs": "u64", "offloaded_completed": "u64", "inline_completed": "u64",
               "heartbeats": "u64", "heartbeats_offloaded": "u64", "heartbeats_inline": "u64",
               "inline_handlers": "u64", "max_gap_offloaded_ms": "f64", "max_gap_inline_ms": "f64",
               "one_blocked_completed": "u64?", "heartbeats_one_blocked": "u64?",
               "max_gap_one_blocked_ms": "f64?", "block_on_value_ok": "bool"},
    "threads": {"jobs": "u64", "distinct_threads": "u64", "jobs_expected": "u64",
                "manual_threads": "u64", "scoped_threads": "u64", "io_pool_threads": "u64",
                "cpu_worker_threads": "u64", "workers": "u64", "together_threads": "u64",
                "all_workers_at_once": "bool", "io_ms": "f64", "io_threads_also_workers": "u64"},
    "scheduling": {"tasks": "u64", "steps": "u64", "steps_recorded": "u64",
                   "switches_no_yield": "u64", "switches_cooperative": "u64",
                   "switches_preemptive": "u64", "preemptive_runs": "u64",
                   "preemptive_cpus": "u64", "preemptive_cpu_ms_min": "f64",
                   "preemptive_cpu_ms_max": "f64", "cooperative_lockstep": "bool",
                   "workers": "u64"},
    "queue": {"produced": "u64", "consumed": "u64", "capacity": "u64", "max_depth": "u64",
              "throughput_per_s": "f64", "producer_wait_ms": "f64", "producer_waits": "u64",
              "wait_stretches": "u64", "wait_stretches_timed": "u64", "duplicates": "u64",
              "missing": "u64", "sums_match": "bool", "interrupted": "bool"},
}

# What only the Python reports carry.
PYTHON_ONLY = {
    "race": {"thread_unsynchronized": "u64", "thread_lost_updates": "u64", "thread_lock": "u64",
             "thread_unsynchronized_ms": "f64", "thread_lock_ms": "f64", "pool_threads": "u64"},
    "ordering": {},
    "futures": {"callbacks_before_await": "u64"},
    "pools": {"process_speedup": "f64", "gil_enabled": "bool", "load_average": "f64|null"},
    "bridge": {},
    "threads": {"io_pool_size": "u64", "event_loop_threads": "u64"},
    "scheduling": {"preemptive_wall_ms": "f64", "preemptive_overlap_ms": "f64",
                   "switch_interval_ms": "f64"},
    "queue": {},
}

# DESIGN.md's table: the metrics every runtime's report must carry.
REQUIRED = {
    "race": ["expected", "unsynchronized", "mutex", "atomic", "lost_updates"],
    "ordering": ["tasks", "inversions", "fixed_index_matches"],
    "futures": ["tasks", "completed", "callbacks_run", "cancelled", "panics_caught"],
    "pools": ["io_jobs", "cpu_jobs", "sequential_ms", "parallel_ms", "speedup"],
    "bridge": ["blocking_jobs", "heartbeats", "max_gap_offloaded_ms", "max_gap_inline_ms"],
    "threads": ["jobs", "distinct_threads"],
    "scheduling": ["tasks", "steps", "switches_no_yield", "switches_cooperative",
                   "switches_preemptive"],
    "queue": ["produced", "consumed", "capacity", "max_depth", "throughput_per_s",
              "producer_wait_ms"],
}


def type_ok(value, kind: str) -> bool:
    """Whether a JSON value (as json.loads gives it) has the contract's type `kind`."""
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("u64", "u64?"):
        if kind == "u64?" and value is None:
            return True
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64
    if kind in ("f64?", "f64|null") and value is None:
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool)
