//! The contention row: `--threads` OS threads each increment one counter,
//! behind a `std::sync::Mutex`, then as one `AtomicU64`. Contention needs the
//! loops to run at the same time, which a busy machine does not promise: a
//! thread released late, or kept off the CPU by other processes, measures the
//! uncontended cost instead. So the threads spin until all are running before
//! their loops start, each notes when its loop ran and how long the kernel kept
//! it waiting for a CPU meanwhile, and the row reports both. A round whose loops
//! did not overlap is tried again (up to [`TRIES`]); if none did, the row says
//! so and draws no advice.

use crate::Check;
use crate::guide::Advice;
use crate::report::{counted, format_ms};

/// The loops contended when two or more ran at once for at least this share of the round.
pub const MIN_OVERLAP: f64 = 0.75;
/// … and spent at most this share of their time waiting for a CPU (beyond what
/// more threads than cores must wait).
pub const MAX_CPU_WAIT: f64 = 0.25;
/// Rounds tried per primitive until one contends.
pub const TRIES: u32 = 3;
/// Within this ratio the lock and the atomic count as even.
pub const EVEN_WITHIN: f64 = 1.2;
/// The row's checks, by name: the lock's count, then the atomic's.
pub const CHECKS: [&str; 2] =
    ["every increment counted behind the lock", "every increment counted by the atomic"];

mod rounds;

pub use rounds::measure;

/// One primitive's round as the threads saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hammered {
    /// From the first loop's start to the last loop's end, in ms.
    pub ms: f64,
    /// Share of that time during which two or more loops were running.
    pub overlap: f64,
    /// Share of the loops' time they were ready but waiting for a CPU (`None`
    /// where the kernel does not say: off Linux).
    pub cpu_wait: Option<f64>,
    /// The counter at the end.
    pub counted: u64,
    /// Rounds run to get this one.
    pub tries: u32,
}

/// The contention row's figures.
/// The contention row's figures. Its advice needs loops that overlapped:
///
/// ```
/// use demos_core::guide::contention::{ContentionFigures, ContentionVerdict, Hammered};
/// let round = |ms, overlap| Hammered { ms, overlap, cpu_wait: Some(0.02), counted: 200_000, tries: 1 };
/// let figures =
///     ContentionFigures { threads: 2, cores: 2, increments: 100_000, lock: round(17.0, 0.95), atomic: round(2.3, 0.97) };
/// assert_eq!(figures.advice().verdict, ContentionVerdict::AtomicFaster);
/// // A lock whose loops never overlapped measured the uncontended cost: no advice.
/// let apart = ContentionFigures { lock: round(0.9, 0.0), ..figures };
/// assert_eq!(apart.advice().verdict, ContentionVerdict::DidNotContend);
/// assert!(figures.checks().iter().all(|c| c.passed));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContentionFigures {
    /// OS threads incrementing.
    pub threads: u64,
    /// The machine's cores.
    pub cores: u64,
    /// Increments each thread made.
    pub increments: u64,
    /// Behind a `std::sync::Mutex`.
    pub lock: Hammered,
    /// As one `AtomicU64`.
    pub atomic: Hammered,
}

/// The branch the contention advice took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentionVerdict {
    /// One thread: nothing contends.
    OneThread,
    /// The loops did not run at the same time: no advice.
    DidNotContend,
    /// The atomic was faster.
    AtomicFaster,
    /// Within [`EVEN_WITHIN`] of each other.
    Even,
    /// The lock was faster.
    LockFaster,
}

impl ContentionFigures {
    /// The counter each primitive should end at.
    pub fn expected(&self) -> u64 {
        self.threads * self.increments
    }

    /// Share of their time the loops may wait for a CPU and still count as
    /// contending: [`MAX_CPU_WAIT`], plus what more threads than cores must wait.
    pub fn allowed_cpu_wait(&self) -> f64 {
        MAX_CPU_WAIT + (1.0 - self.cores as f64 / self.threads.max(1) as f64).max(0.0)
    }

    /// What kept a round from contending, in words (empty: it contended).
    fn short_of(&self, h: &Hammered) -> Vec<String> {
        let mut why = Vec::new();
        if h.overlap < MIN_OVERLAP {
            why.push(format!("overlapped only {} of the time", percent(h.overlap)));
        }
        if let Some(wait) = h.cpu_wait.filter(|&w| w > self.allowed_cpu_wait()) {
            why.push(format!("spent {} of their time waiting for a CPU", percent(wait)));
        }
        why
    }

    /// Whether a round's loops ran at the same time.
    pub fn contended(&self, h: &Hammered) -> bool {
        self.threads > 1 && self.short_of(h).is_empty()
    }

    /// The branch the figures select.
    pub fn verdict(&self) -> ContentionVerdict {
        let (lock, atomic) = (self.lock.ms, self.atomic.ms);
        if self.threads <= 1 {
            ContentionVerdict::OneThread
        } else if !self.contended(&self.lock) || !self.contended(&self.atomic) {
            ContentionVerdict::DidNotContend
        } else if lock > atomic * EVEN_WITHIN {
            ContentionVerdict::AtomicFaster
        } else if atomic > lock * EVEN_WITHIN {
            ContentionVerdict::LockFaster
        } else {
            ContentionVerdict::Even
        }
    }

    /// The advice, worded from the figures.
    pub fn advice(&self) -> Advice<ContentionVerdict> {
        let verdict = self.verdict();
        let (lock, atomic) = (format_ms(self.lock.ms), format_ms(self.atomic.ms));
        let choose = "measure your own access pattern before you choose";
        let text = match verdict {
            ContentionVerdict::OneThread => format!(
                "with one thread nothing contends: these are the uncontended costs (the lock {lock} ms, the \
                 atomic {atomic} ms), not contention (try --threads 2)"
            ),
            ContentionVerdict::DidNotContend => {
                let mut why = Vec::new();
                for (whose, h) in [("the lock's", &self.lock), ("the atomic's", &self.atomic)] {
                    let short = self.short_of(h);
                    if !short.is_empty() {
                        why.push(format!("{whose} loops {}", super::io::listed(&short)));
                    }
                }
                format!(
                    "none drawn: the threads did not contend in this run — {} — so these are not contended \
                     costs; rerun on a quieter machine",
                    why.join("; ")
                )
            }
            ContentionVerdict::AtomicFaster => format!(
                "an atomic where one word of state will do: under contention it was ×{:.1} faster than the lock \
                 here ({atomic} against {lock} ms)",
                self.lock.ms / self.atomic.ms.max(1e-9)
            ),
            ContentionVerdict::LockFaster => format!(
                "here the lock was faster under contention ({lock} against {atomic} ms for the atomic): {choose}"
            ),
            ContentionVerdict::Even => format!(
                "either: under contention the lock took {lock} ms and the atomic {atomic} ms, within \
                 ×{EVEN_WITHIN} of each other: {choose}"
            ),
        };
        Advice::new(verdict, text)
    }

    /// What was measured, in one sentence.
    pub fn measured(&self) -> String {
        let how = |h: &Hammered| {
            if self.threads <= 1 {
                return String::new();
            }
            let wait = h
                .cpu_wait
                .map_or(String::new(), |w| format!(", waiting for a CPU {} of the loops' time", percent(w)));
            let tries = match (h.tries, self.contended(h)) {
                (1, _) => String::new(),
                (n, true) => format!("; try {n}"),
                (n, false) => format!("; the most overlapped of {n} tries"),
            };
            format!(" (overlap {}{wait}{tries})", percent(h.overlap))
        };
        format!(
            "{} × {} increments of one counter{}: std Mutex {} ms{}, AtomicU64 {} ms{}",
            counted(self.threads, "thread"),
            self.increments,
            if self.threads > 1 { ", started together" } else { "" },
            format_ms(self.lock.ms),
            how(&self.lock),
            format_ms(self.atomic.ms),
            how(&self.atomic)
        )
    }

    /// Every increment counted: what a lock that does not exclude, or a lost
    /// update, would fail.
    pub fn checks(&self) -> Vec<Check> {
        let expected = self.expected();
        let check = |name: &str, h: &Hammered| {
            Check::new(name, h.counted == expected, format!("{} of {expected}", h.counted))
        };
        let [lock, atomic] = CHECKS;
        vec![check(lock, &self.lock), check(atomic, &self.atomic)]
    }
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}
