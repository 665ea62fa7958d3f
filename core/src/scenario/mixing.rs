//! mixing: a future that needs one runtime's reactor or timer, polled on
//! another. Three probes, each made by the run:
//!
// claim: C-tokio-foreign-panics
//! * foreign: a tokio timer and a tokio TCP connect awaited off tokio (on
//!   smol, async-std, the futures executor) panic with tokio's "there is no
//!   reactor running" — caught, and the message shown;
// claim: C-async-io-thread-fallback, C-async-io-portable
//! * portable: async-io's `Timer` and `Async<TcpStream>` connect work under
//!   any executor, tokio included, because async-io drives its own reactor — on
//!   a thread of its own, named "async-io", when no `block_on` of its drives it;
// claim: C-async-compat-thread
//! * adapter: `async_compat::Compat` around the tokio future makes it work off
//!   tokio: tokio's side is driven by a runtime the adapter starts on a thread
//!   of its own (when no tokio runtime is current).
//!
//! New threads are the ids in `/proc/self/task` that were not there before
//! the probe, named from each thread's `comm`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::report::counted;
use crate::scenario::{Column, listed, names_where};
use crate::{Check, Env, Observed, Runtime, Scenario};

/// Configuration of the mixing scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct MixingConfig {
    /// Milliseconds each probe's timer waits
    #[arg(long, default_value_t = 5, value_parser = crate::scenario::count::<1, 1_000>, allow_negative_numbers = true)]
    pub delay_ms: u64,
}

impl Default for MixingConfig {
    fn default() -> Self {
        Self { delay_ms: 5 }
    }
}

impl MixingConfig {
    /// How long each timer waits.
    pub fn delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms)
    }
}

/// What the mixing scenario observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MixingMetrics {
    /// Off tokio: whether awaiting a tokio timer panicked.
    pub foreign_panicked: Option<bool>,
    /// Off tokio: whether a tokio TCP connect panicked.
    pub foreign_connect_panicked: Option<bool>,
    /// async-io's timer and TCP connect both completed on this runtime.
    pub portable_worked: bool,
    /// The thread (numbered in this process) that polled the portable probe.
    pub portable_thread: u64,
    /// A thread named "async-io" (async-io's reactor) existed after the portable probe.
    pub async_io_thread_seen: bool,
    /// Off tokio: whether the tokio timer and connect completed inside `Compat`.
    pub adapter_worked: Option<bool>,
    /// Off tokio: the thread that polled the adapted future.
    pub adapter_thread: Option<u64>,
    /// Off tokio: threads that appeared while the adapter ran (tokio's runtime for it).
    pub adapter_new_threads: Option<u64>,
    /// compio, the other way round: whether its own timer, awaited on a tokio
    /// runtime, panicked (the other runtimes' own timers are async-io's or tokio's).
    #[serde(default)]
    pub own_on_tokio_panicked: Option<bool>,
}

impl MixingMetrics {
    /// Off tokio: the foreign probes' outcomes (`Err` holds a caught panic's
    /// message), each logged as "a tokio timer awaited on `on`".
    pub fn foreign(env: &Env, on: &str, timer: &Result<(), String>, connect: &Result<(), String>) -> Self {
        Self {
            foreign_panicked: Some(log_foreign(env, &format!("a tokio timer awaited on {on}"), timer)),
            foreign_connect_panicked: Some(log_foreign(
                env,
                &format!("a tokio connect awaited on {on}"),
                connect,
            )),
            ..Self::default()
        }
    }

    /// The portable probe ran (`what` it was, whether it worked, the thread
    /// that polled it): log the threads new since `before`, and whether
    /// async-io's own thread is running now.
    pub fn portable(&mut self, env: &Env, what: &str, before: &Threads, (worked, thread): (bool, u64)) {
        // A Rust thread names itself once it first runs: until then it shows its parent's
        // name, so a busy machine read the new "async-io" thread as "smol-worker-0". Its
        // name is read again, for half a second at most, until it has taken it.
        let named = std::time::Instant::now() + std::time::Duration::from_millis(500);
        let mut after = thread_names();
        while !after.contains("async-io") && std::time::Instant::now() < named {
            std::thread::sleep(std::time::Duration::from_millis(1));
            after = thread_names();
        }
        log_new_threads(env, what, before, &after);
        (self.portable_worked, self.portable_thread) = (worked, thread);
        self.async_io_thread_seen = after.contains("async-io");
    }

    /// The runtime's own timer was awaited on a tokio runtime (`what` it was;
    /// `Err` holds a caught panic's message).
    pub fn own_on_tokio(&mut self, env: &Env, what: &str, outcome: &Result<(), String>) {
        self.own_on_tokio_panicked = Some(log_foreign(env, what, outcome));
    }

    /// The adapter probe ran: log the threads new since `before` (the
    /// adapter's own runtime) and count them.
    pub fn adapter(&mut self, env: &Env, what: &str, before: &Threads, (worked, thread): (bool, u64)) {
        let new = log_new_threads(env, what, before, &thread_names());
        (self.adapter_worked, self.adapter_thread, self.adapter_new_threads) =
            (Some(worked), Some(thread), Some(new));
    }
}

/// The scenario on a runtime.
pub trait Mixing {
    /// Run the probes.
    fn mixing(&self, cfg: &MixingConfig, env: &Env) -> Observed<MixingMetrics>;
}

/// This process's threads at one moment: each thread's id and name (empty off Linux).
#[derive(Debug, Default)]
pub struct Threads(BTreeMap<u64, String>);

impl Threads {
    /// Whether a thread of this name is running.
    pub fn contains(&self, name: &str) -> bool {
        self.0.values().any(|n| n == name)
    }
}

/// This process's threads now, by id: a thread that started earlier and named
/// itself since (std names a new thread from inside it) is not counted new.
pub fn thread_names() -> Threads {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return Threads::default() };
    Threads(
        tasks
            .filter_map(|t| {
                let path = t.ok()?.path();
                let id = path.file_name()?.to_str()?.parse().ok()?;
                let name = std::fs::read_to_string(path.join("comm")).ok()?;
                Some((id, name.trim().to_string()))
            })
            .collect(),
    )
}

/// A listener on loopback for the connect probes, and its address. Nothing
/// is accepted: a completed connect is all the probes need.
pub fn target() -> (std::net::TcpListener, std::net::SocketAddr) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("loopback has a free port");
    let addr = listener.local_addr().expect("a bound listener has an address");
    (listener, addr)
}

/// Log a caught panic, or that the call went through.
fn log_foreign(env: &Env, what: &str, outcome: &Result<(), String>) -> bool {
    match outcome {
        Err(message) => {
            env.log.line(format!("{what} panicked: \"{message}\""));
            true
        }
        Ok(()) => {
            env.log.line(format!("{what} completed"));
            false
        }
    }
}

/// Log the threads in `after` that were not in `before`, naming what started them.
fn log_new_threads(env: &Env, what: &str, before: &Threads, after: &Threads) -> u64 {
    let names: Vec<String> =
        after.0.iter().filter(|(id, _)| !before.0.contains_key(id)).map(|(_, n)| shown_name(n)).collect();
    env.log.line(format!(
        "{what}: {}",
        match names.len() {
            0 => "no new thread".to_string(),
            1 => format!("new thread {}", names[0]),
            _ => format!("new threads {}", names.join(", ")),
        }
    ));
    names.len() as u64
}

/// A thread's name as the log shows it: quoted, and marked cut where Linux
/// cut it (a thread's name there holds at most 15 bytes: "async-compat/tokio-1"
/// reads "async-compat/to").
fn shown_name(name: &str) -> String {
    const LINUX_NAME_BYTES: usize = 15;
    if name.len() == LINUX_NAME_BYTES {
        format!("\"{name}…\" (a name cut to 15 bytes)")
    } else {
        format!("\"{name}\"")
    }
}

/// Marker type naming the mixing scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct MixingScenario;

impl Scenario for MixingScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Mixing;
    const ABOUT: &'static str =
        "a tokio timer off tokio panics; async-io's works anywhere; async-compat adapts tokio's";
    type Config = MixingConfig;
    type Metrics = MixingMetrics;

    /// In a fresh process: new threads are told apart from what earlier runs started.
    fn observe(rt: &dyn Runtime, cfg: &MixingConfig, env: &Env) -> Observed<MixingMetrics> {
        crate::scenario::in_fresh_process::<MixingScenario>(rt, cfg, env, || rt.mixing(cfg, env))
    }

    fn checks(_: &MixingConfig, m: &MixingMetrics) -> Vec<Check> {
        let mut checks = vec![Check::new(
            "async-io's timer and connect completed here",
            m.portable_worked,
            if m.portable_worked { "both completed" } else { "did not complete" },
        )];
        if let Some(worked) = m.adapter_worked {
            checks.push(Check::new(
                "the tokio future completed inside Compat",
                worked,
                if worked { "completed" } else { "did not complete" },
            ));
        }
        checks
    }

    fn headline(cfg: &MixingConfig) -> String {
        format!(
            "futures that need a runtime's reactor ({} ms timers, a loopback connect), polled on another runtime",
            cfg.delay_ms
        )
    }

    fn figures(_: &MixingConfig, m: &MixingMetrics) -> Vec<(String, String)> {
        let said = |b: bool| if b { "panicked (caught)" } else { "completed" };
        let mut figures = Vec::new();
        if let (Some(timer), Some(connect)) = (m.foreign_panicked, m.foreign_connect_panicked) {
            figures.push(("tokio timer here".into(), said(timer).into()));
            figures.push(("tokio connect here".into(), said(connect).into()));
        }
        figures.push((
            "async-io timer + connect".into(),
            format!(
                "{}{}",
                if m.portable_worked { "completed on this executor" } else { "did not complete" },
                if m.async_io_thread_seen { "; async-io's \"async-io\" thread running" } else { "" }
            ),
        ));
        if let Some(panicked) = m.own_on_tokio_panicked {
            figures.push(("own timer on tokio".into(), said(panicked).into()));
        }
        if let Some(worked) = m.adapter_worked {
            figures.push((
                "tokio future in Compat".into(),
                format!(
                    "{} on this executor; {} of the adapter's own drove tokio's side",
                    if worked { "completed" } else { "did not complete" },
                    counted(m.adapter_new_threads.unwrap_or(0), "new thread")
                ),
            ));
        }
        figures
    }

    const LESSON: &'static [&'static str] = &["foreign_panicked", "portable_worked", "adapter_worked"];

    fn conclude(_: &MixingConfig, columns: &[Column<'_, MixingMetrics>]) -> String {
        let panicked = names_where(columns, |c| c.always(|m| m.foreign_panicked == Some(true)));
        let portable = names_where(columns, |c| c.always(|m| m.portable_worked));
        let adapted = names_where(columns, |c| c.always(|m| m.adapter_worked == Some(true)));
        let own = names_where(columns, |c| c.always(|m| m.own_on_tokio_panicked == Some(true)));
        let mut said = Vec::new();
        if !panicked.is_empty() {
            said.push(format!("a tokio timer awaited off tokio panicked on {}", listed(&panicked)));
        }
        if !own.is_empty() {
            said.push(format!("the other way round, {}'s own timer awaited on tokio panicked", listed(&own)));
        }
        said.push(if portable.len() == columns.len() {
            "async-io's timer and connect worked on every runtime".to_string()
        } else {
            format!("async-io's timer and connect worked on {} only", listed(&portable))
        });
        if !adapted.is_empty() {
            said.push(format!("async_compat::Compat made the tokio future work on {}", listed(&adapted)));
        }
        let mut text = said.join("; ");
        text.replace_range(..1, &text[..1].to_uppercase());
        format!("{text}.")
    }

    fn takeaway(_: &MixingConfig, m: &MixingMetrics, _: &Env) -> String {
        // claim: C-tokio-foreign-panics
        let foreign = match m.foreign_panicked {
            Some(true) => {
                "A tokio timer awaited here panicked — tokio's timers and sockets need a tokio runtime's \
                           context, and this executor is not one. "
                    .to_string()
            }
            Some(false) => "A tokio timer awaited here completed. ".to_string(),
            None => String::new(),
        };
        let own = match m.own_on_tokio_panicked {
            Some(true) => {
                "The other way round, this runtime's own timer awaited on a tokio runtime panicked: it \
                           needs its own runtime just as tokio's does. "
                    .to_string()
            }
            Some(false) => "This runtime's own timer awaited on a tokio runtime completed. ".to_string(),
            None => String::new(),
        };
        // claim: C-async-io-thread-takeaway
        let portable = if m.portable_worked {
            format!(
                "async-io's timer and socket worked{}, because async-io brings its own reactor, driven by \
                 whichever thread waits in async_io::block_on{}. ",
                if m.foreign_panicked.is_none() { " under tokio" } else { "" },
                if m.async_io_thread_seen {
                    " or, when none does, by the \"async-io\" thread it starts (seen running here)"
                } else {
                    " (no \"async-io\" thread of its own was needed here)"
                }
            )
        } else {
            "async-io's timer and socket did not complete. ".to_string()
        };
        // claim: C-async-compat-thread
        let adapter = match (m.adapter_worked, m.adapter_new_threads) {
            (Some(true), Some(n)) => format!(
                "Wrapped in async_compat::Compat the tokio future completed: the adapter entered a tokio runtime it \
                 keeps on {} of its own, which drove tokio's timer and socket.",
                counted(n, "thread")
            ),
            (Some(false), _) => {
                "Wrapped in async_compat::Compat the tokio future did not complete.".to_string()
            }
            _ => "Code for several runtimes uses runtime-agnostic I/O (async-io) or an adapter.".to_string(),
        };
        format!("{foreign}{own}{portable}{adapter}")
    }
}
