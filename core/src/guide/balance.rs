//! The uneven-work row: `balance` — CPU tasks of uneven, seeded lengths all
//! spawned from one task, then the same tasks placed round-robin, one per
//! worker in turn — weighed on the makespan against the ideal (the total work
//! ÷ the workers). A work-stealing runtime shares them out by itself; a
//! thread-per-core one keeps every task on the core that spawned it, so the
//! code has to place them. The advice says which this run showed.

use crate::guide::Advice;
use crate::report::counted;

/// A makespan within this factor of the ideal is a fair share: a task's
/// length is the grain no share can beat, and wake-ups add a little.
pub const FAIR: f64 = 1.25;
/// Placing must beat spawning from one task by at least this factor to count as a gain.
pub const GAIN: f64 = 1.1;

/// The uneven-work row's figures. Its advice tells the code to place tasks
/// only where spawning from one task left them on one thread:
///
/// ```
/// use demos_core::guide::balance::{BalanceFigures, BalanceVerdict};
/// let tpc = BalanceFigures { workers: 2, tasks: 16, moved: 0, imbalance: 2.0, placed_imbalance: 1.05 };
/// assert_eq!(tpc.advice().verdict, BalanceVerdict::Place);
/// let stealing = BalanceFigures { moved: 7, imbalance: 1.04, ..tpc };
/// assert_eq!(stealing.advice().verdict, BalanceVerdict::Stolen);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BalanceFigures {
    /// Worker threads.
    pub workers: u64,
    /// CPU tasks, all spawned from one task.
    pub tasks: u64,
    /// Tasks that ran on a thread other than the spawner's.
    pub moved: u64,
    /// Spawned from one task: the makespan ÷ the ideal.
    pub imbalance: f64,
    /// Placed round-robin: the makespan ÷ the ideal.
    pub placed_imbalance: f64,
}

/// The branch the uneven-work advice took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BalanceVerdict {
    /// One worker: nothing to share.
    NothingToShare,
    /// Other workers took tasks from the spawner, and the makespan came close to the ideal.
    Stolen,
    /// Other workers took tasks, yet the makespan stayed well above the ideal.
    StolenUnevenly,
    /// No task left the spawner's thread; placing them did better.
    Place,
    /// No task left the spawner's thread, and placing did no better.
    NoGain,
}

impl BalanceFigures {
    /// The branch the figures select.
    pub fn verdict(&self) -> BalanceVerdict {
        if self.workers <= 1 || self.tasks <= 1 {
            BalanceVerdict::NothingToShare
        } else if self.moved > 0 && self.imbalance <= FAIR {
            BalanceVerdict::Stolen
        } else if self.moved > 0 {
            BalanceVerdict::StolenUnevenly
        } else if self.placed_imbalance * GAIN <= self.imbalance {
            BalanceVerdict::Place
        } else {
            BalanceVerdict::NoGain
        }
    }

    /// The advice, worded from the figures.
    pub fn advice(&self) -> Advice<BalanceVerdict> {
        let verdict = self.verdict();
        let (one, placed) = (self.imbalance, self.placed_imbalance);
        let text = match verdict {
            BalanceVerdict::NothingToShare => format!(
                "with {} nothing can be shared out (×{one:.2} the ideal either way) — try --threads 2",
                if self.workers <= 1 { "one worker" } else { "one task" }
            ),
            BalanceVerdict::Stolen => format!(
                "spawn from wherever the work arises: the other workers took {} of {} from the spawner's thread, \
                 and the makespan was ×{one:.2} the ideal (placed round-robin by hand: ×{placed:.2})",
                self.moved, self.tasks
            ),
            BalanceVerdict::StolenUnevenly => format!(
                "the other workers took {} of {} from the spawner's thread, yet the makespan was ×{one:.2} the \
                 ideal (placed round-robin: ×{placed:.2}) — another program held a core, or a long task started \
                 last; measure where you deploy",
                self.moved, self.tasks
            ),
            BalanceVerdict::Place => format!(
                "place CPU tasks on the cores yourself (round-robin, or by size): spawned from one task, all {} \
                 stayed on its thread, ×{one:.2} the ideal; placed round-robin, ×{placed:.2}. Nothing here moves \
                 a task to an idle core",
                self.tasks
            ),
            BalanceVerdict::NoGain => format!(
                "none drawn: all {} stayed on the spawner's thread (×{one:.2} the ideal), and placing them \
                 round-robin did no better (×{placed:.2}) — another program held the other cores; rerun it quiet",
                self.tasks
            ),
        };
        Advice::new(verdict, text)
    }

    /// What was measured, in one sentence.
    pub fn measured(&self) -> String {
        format!(
            "{} CPU tasks of uneven length spawned from one task on {}: {} ran on another thread, makespan \
             ×{:.2} the ideal (the total work ÷ the workers); placed round-robin: ×{:.2}",
            self.tasks,
            counted(self.workers, "worker"),
            self.moved,
            self.imbalance,
            self.placed_imbalance
        )
    }
}
