//! The blocking-call row: `bridge`'s heartbeat — a task ticking on a timer —
//! while a handler makes blocking calls (a sleep standing in for a sync or
//! legacy call), first offloaded to the runtime's blocking pool, then inline on
//! every worker. The heartbeat's longest gap in each phase is the figure: a
//! gap as long as a whole call means no task ran meanwhile.

use crate::guide::Advice;
use crate::report::{counted, format_ms};

/// How each runtime offloads a blocking call, as the seed's table names them.
// claim: C-guide-offload
pub const OFFLOAD: &str =
    "spawn_blocking on tokio, async-std and compio, unblock on smol, or a thread and a channel";

/// The blocking-call row's figures.
/// The blocking-call row's figures. Its advice follows the heartbeat's gaps:
///
/// ```
/// use demos_core::guide::blocking::{BlockingFigures, BlockingVerdict};
/// let figures = BlockingFigures {
///     workers: 2,
///     jobs: 2,
///     job_ms: 50,
///     tick_ms: 5,
///     gap_offloaded_ms: 5.1,
///     gap_inline_ms: 100.0,
///     gap_one_blocked_ms: Some(5.0),
/// };
/// assert_eq!(figures.advice().verdict, BlockingVerdict::Offload);
/// // Had the heartbeat stalled offloaded too, the run would show no difference to advise from.
/// let busy = BlockingFigures { gap_offloaded_ms: 60.0, ..figures };
/// assert_eq!(busy.advice().verdict, BlockingVerdict::NotAResult);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockingFigures {
    /// Executor worker threads (one inline handler each in the inline phase).
    pub workers: u64,
    /// Blocking calls per phase.
    pub jobs: u64,
    /// Each call's length, in ms.
    pub job_ms: u64,
    /// The heartbeat's interval, in ms.
    pub tick_ms: u64,
    /// Longest heartbeat gap while the calls were offloaded.
    pub gap_offloaded_ms: f64,
    /// Longest heartbeat gap while every worker made the calls inline.
    pub gap_inline_ms: f64,
    /// With several workers: longest gap while one worker made them inline.
    pub gap_one_blocked_ms: Option<f64>,
}

/// The branch the blocking-call advice took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockingVerdict {
    /// Inline the heartbeat stalled, offloaded it did not: offload.
    Offload,
    /// It did not stall even inline: this run shows no cost.
    NoStall,
    /// It stalled even offloaded: the machine hid the difference.
    NotAResult,
}

impl BlockingFigures {
    /// A gap as long as one whole call: no tick, so no task ran, all that time.
    pub fn stalled(&self, gap_ms: f64) -> bool {
        gap_ms >= self.job_ms as f64
    }

    /// The branch the figures select.
    pub fn verdict(&self) -> BlockingVerdict {
        if self.stalled(self.gap_offloaded_ms) {
            BlockingVerdict::NotAResult
        } else if self.stalled(self.gap_inline_ms) {
            BlockingVerdict::Offload
        } else {
            BlockingVerdict::NoStall
        }
    }

    fn every_worker(&self) -> String {
        match self.workers {
            1 => "on the one worker".into(),
            2 => "on both workers".into(),
            n => format!("on all {n} workers"),
        }
    }

    /// The advice, worded from the figures.
    pub fn advice(&self) -> Advice<BlockingVerdict> {
        let verdict = self.verdict();
        let (offloaded, inline) = (format_ms(self.gap_offloaded_ms), format_ms(self.gap_inline_ms));
        let text = match verdict {
            BlockingVerdict::Offload => {
                // claim: C-guide-offload
                let one = match self.gap_one_blocked_ms {
                    Some(gap) if self.stalled(gap) => format!(
                        "; with 1 of {} workers blocked it stalled too ({} ms): it waited behind the call",
                        self.workers,
                        format_ms(gap)
                    ),
                    Some(gap) => format!(
                        "; with 1 of {} workers blocked it moved to another (longest gap {} ms)",
                        self.workers,
                        format_ms(gap)
                    ),
                    None => String::new(),
                };
                format!(
                    "offload them ({OFFLOAD}): inline {}, the calls froze every task for {inline} ms; \
                     offloaded, the heartbeat's longest gap was {offloaded} ms{one}",
                    self.every_worker()
                )
            }
            BlockingVerdict::NoStall => format!(
                "none drawn: inline {} the heartbeat still ticked (longest gap {inline} ms, under one {} ms \
                 call; offloaded {offloaded} ms), so this run shows no cost of blocking inline — rerun",
                self.every_worker(),
                self.job_ms
            ),
            BlockingVerdict::NotAResult => format!(
                "none drawn: even offloaded the heartbeat went {offloaded} ms without a tick, a whole {} ms \
                 call (inline {inline} ms): the machine was too busy to show the difference — rerun",
                self.job_ms
            ),
        };
        Advice::new(verdict, text)
    }

    /// What was measured, in one sentence.
    pub fn measured(&self) -> String {
        let one = self.gap_one_blocked_ms.map_or(String::new(), |gap| {
            format!(", inline on 1 of {} workers {} ms", self.workers, format_ms(gap))
        });
        // claim: C-tokio-timer-ms
        format!(
            "{} of {} ms each (a sleep standing in for a sync call) while a heartbeat task asks to tick every {} \
             ms; its longest gap: offloaded {} ms, inline {} {} ms{one}",
            counted(self.jobs, "blocking call"),
            self.job_ms,
            self.tick_ms,
            format_ms(self.gap_offloaded_ms),
            self.every_worker(),
            format_ms(self.gap_inline_ms)
        )
    }
}
