//! local: `!Send` state shared by tasks on one thread. Each task holds an
//! `Rc<RefCell<u64>>` — no `Arc`, no `Mutex`, no atomic — increments it, and
//! yields, `--steps` times, on each runtime's *local* executor: tokio's
//! `LocalSet` with `spawn_local`, smol's `LocalExecutor`, async-std's
//! `spawn_local`, the futures crate's `LocalPool`. The tasks interleave at
//! their awaits, yet the counter is exact: only one task runs at a time, on
//! one thread, and no borrow is held across an await.
//!
//! The same code with the multi-threaded `spawn` does not compile (`Rc` is
//! not `Send`): each runtime crate's `local.rs` carries that as a
//! `compile_fail` doc test, which `cargo test` checks. On tokio the run also
//! shows what `spawn_local` does outside a `LocalSet`: it panics, and the
//! panic is caught and shown.

use std::cell::RefCell;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::scenario::{Column, each, listed, names_where};
use crate::{Check, Env, Observed, Runtime, Scenario};

/// Configuration of the local scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct LocalConfig {
    /// Tasks sharing one `Rc<RefCell<u64>>` on one thread
    #[arg(long, default_value_t = 4, value_parser = crate::scenario::size::<1, 1_000>,
          allow_negative_numbers = true)]
    pub tasks: usize,
    /// Increments each task makes, yielding after each
    #[arg(long, default_value_t = 5, value_parser = crate::scenario::size::<1, 10_000>,
          allow_negative_numbers = true)]
    pub steps: usize,
}

impl Default for LocalConfig {
    fn default() -> Self {
        Self { tasks: 4, steps: 5 }
    }
}

/// What the local scenario observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalMetrics {
    /// tasks × steps.
    pub expected: u64,
    /// The shared counter at the end.
    pub counter: u64,
    /// Times the next increment came from a different task than the last.
    pub switches: u64,
    /// OS threads that ran the tasks' increments.
    pub threads_seen: u64,
    /// tokio only: whether `spawn_local` outside a `LocalSet` panicked.
    pub spawn_local_outside_panicked: Option<bool>,
}

/// The local scenario, implemented by every runtime.
pub trait Local {
    /// Run `cfg.tasks` tasks sharing an `Rc<RefCell<u64>>` on a local executor.
    fn local(&self, cfg: &LocalConfig, env: &Env) -> Observed<LocalMetrics>;
}

/// The state the tasks share: the counter, and who incremented it in what
/// order and on which thread. `Rc` and `RefCell`: nothing here is `Send`.
#[derive(Debug, Clone, Default)]
pub struct Shared(Rc<RefCell<Book>>);

#[derive(Debug, Default)]
struct Book {
    counter: u64,
    order: Vec<usize>,
    threads: std::collections::BTreeSet<u64>,
}

impl Shared {
    /// One increment by `task`. The borrow ends here, before the task's next
    /// await: a `RefCell` borrowed across an await would panic as soon as
    /// another task on the thread borrowed it.
    pub fn increment(&self, task: usize) {
        let mut book = self.0.borrow_mut();
        book.counter += 1;
        book.order.push(task);
        book.threads.insert(crate::workers::thread_number());
    }

    /// What the run observed. `outside`: tokio's probe of `spawn_local`
    /// outside a `LocalSet`, if this runtime has one.
    pub fn metrics(&self, cfg: &LocalConfig, outside: Option<bool>, env: &Env) -> LocalMetrics {
        let book = self.0.borrow();
        let switches = book.order.windows(2).filter(|w| w[0] != w[1]).count() as u64;
        let shown: Vec<String> = book.order.iter().take(24).map(|t| t.to_string()).collect();
        env.log.line(format!(
            "increments by task, in order: {}{}",
            shown.join(" "),
            if book.order.len() > 24 { " …" } else { "" }
        ));
        LocalMetrics {
            expected: (cfg.tasks * cfg.steps) as u64,
            counter: book.counter,
            switches,
            threads_seen: book.threads.len() as u64,
            spawn_local_outside_panicked: outside,
        }
    }
}

/// Marker type naming the local scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct LocalScenario;

impl Scenario for LocalScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Local;
    const ABOUT: &'static str = "!Send state (Rc<RefCell<_>>) shared by tasks on one thread's local executor";
    type Config = LocalConfig;
    type Metrics = LocalMetrics;

    fn observe(rt: &dyn Runtime, cfg: &LocalConfig, env: &Env) -> Observed<LocalMetrics> {
        rt.local(cfg, env)
    }

    fn checks(cfg: &LocalConfig, m: &LocalMetrics) -> Vec<Check> {
        // Not checks, since no run could get them wrong: that every task ran on one thread is
        // the compiler's doing (Rc is !Send, so no executor could move them); that the counter
        // is exact is the code's, since an increment has no await between its read and its
        // write, so no other task can run in between (the figure shows it, uninterrupted).
        let mut checks = Vec::new();
        if cfg.tasks > 1 && cfg.steps > 1 {
            // Each yield puts the task behind the others that are ready.
            checks.push(Check::new(
                "tasks interleaved at their awaits",
                m.switches > 0,
                format!("{} switches", m.switches),
            ));
        }
        checks
    }

    fn headline(cfg: &LocalConfig) -> String {
        format!(
            "{} tasks share one Rc<RefCell<u64>> on a local executor, each incrementing it {} times with a yield after each",
            cfg.tasks, cfg.steps
        )
    }

    fn figures(_: &LocalConfig, m: &LocalMetrics) -> Vec<(String, String)> {
        let mut figures = vec![
            ("counter".into(), format!("{} of {}", m.counter, m.expected)),
            ("task switches".into(), m.switches.to_string()),
            ("OS threads".into(), m.threads_seen.to_string()),
        ];
        if let Some(panicked) = m.spawn_local_outside_panicked {
            let what = if panicked { "panicked (caught)" } else { "ran" };
            figures.push(("spawn_local outside a LocalSet".into(), what.into()));
        }
        figures
    }

    const LESSON: &'static [&'static str] = &["counter", "switches", "threads_seen"];

    fn conclude(_: &LocalConfig, columns: &[Column<'_, LocalMetrics>]) -> String {
        let exact = names_where(columns, |c| c.always(|m| m.counter == m.expected && m.threads_seen == 1));
        let switches = each(columns, |c| format!("{:.0}", c.median(|m| m.switches as f64)));
        let exact = if exact.len() == columns.len() {
            "Every runtime's local executor kept the Rc<RefCell<u64>> counter exact, on one thread"
                .to_string()
        } else {
            format!("Only {} kept the counter exact on one thread", listed(&exact))
        };
        format!("{exact}. Times the tasks took turns at their awaits: {switches}.")
    }

    fn takeaway(_: &LocalConfig, m: &LocalMetrics, _: &Env) -> String {
        let exact = if m.counter == m.expected {
            format!(
                "the tasks took turns {} times at their awaits, on {} thread, and the Rc<RefCell<u64>> counter came \
                 out exact ({}) with no lock and no atomic",
                m.switches, m.threads_seen, m.counter
            )
        } else {
            format!(
                "the counter came out {} of {}: the run was stopped before every increment was made",
                m.counter, m.expected
            )
        };
        // claim: C-tokio-spawn-local-outside
        let outside = match m.spawn_local_outside_panicked {
            Some(true) => {
                " tokio's spawn_local outside a LocalSet panicked: local tasks need a local executor to run on."
            }
            Some(false) => " tokio's spawn_local outside a LocalSet did not panic here.",
            None => "",
        };
        format!(
            "{exact}. A local executor never moves a task to another thread, so its tasks need not be Send; the same \
             code with the multi-threaded spawn does not compile (see the compile_fail doc test in this runtime's \
             local.rs).{outside}"
        )
    }
}
