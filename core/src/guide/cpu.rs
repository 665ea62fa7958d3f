//! The CPU row: the CPU half of `pools` — one job per worker, side by side on
//! the workers against the same jobs one after another on one thread, the
//! median of its rounds — beside the most speedup the jobs, workers and cores
//! allow. The advice recommends a pool only when the pool paid here.

use crate::guide::Advice;
use crate::report::{counted, format_ms};
use crate::scenario::pools::NOISE_MARGIN;

/// A speedup of at least this share of the bound counts as scaling.
pub const SCALED: f64 = 0.8;
/// A speedup below this is no gain: within noise of ×1, or slower.
pub const GAIN: f64 = 1.1;

/// The CPU row's figures.
/// The CPU row's figures. Its advice recommends a pool only when one paid:
///
/// ```
/// use demos_core::guide::cpu::{CpuFigures, CpuVerdict};
/// let figures =
///     CpuFigures { jobs: 2, threads: 2, cores: 2, sequential_ms: 80.0, parallel_ms: 66.0, speedup: 1.21 };
/// let advice = figures.advice();
/// assert_eq!(advice.verdict, CpuVerdict::PartlyScaled);
/// assert!(advice.text.contains("×1.21 of ×2") && !advice.text.starts_with("one job per core"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuFigures {
    /// CPU jobs (one per worker).
    pub jobs: u64,
    /// Distinct threads that ran them side by side.
    pub threads: u64,
    /// The machine's cores.
    pub cores: u64,
    /// The jobs one after another on one thread, in ms (the median round).
    pub sequential_ms: f64,
    /// The jobs side by side on the workers, in ms (the median round).
    pub parallel_ms: f64,
    /// sequential / parallel, of the round with the median ratio.
    pub speedup: f64,
}

/// The branch the CPU advice took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpuVerdict {
    /// Above the possible: something slowed the one-by-one rounds. No advice.
    NotAResult,
    /// One job, worker or core: nothing could run side by side.
    NothingSideBySide,
    /// Close to the bound: a pool paid.
    Scaled,
    /// Faster, but well short of the bound.
    PartlyScaled,
    /// No faster, or slower, though more was possible.
    NoGain,
}

impl CpuFigures {
    /// The most speedup possible: the fewest of jobs, threads that ran them, and cores.
    pub fn bound(&self) -> f64 {
        self.jobs.min(self.threads).min(self.cores).max(1) as f64
    }

    /// The branch the figures select.
    pub fn verdict(&self) -> CpuVerdict {
        let (speedup, bound) = (self.speedup, self.bound());
        if speedup > bound * NOISE_MARGIN {
            CpuVerdict::NotAResult
        } else if bound <= 1.0 {
            CpuVerdict::NothingSideBySide
        } else if speedup >= SCALED * bound {
            CpuVerdict::Scaled
        } else if speedup >= GAIN {
            CpuVerdict::PartlyScaled
        } else {
            CpuVerdict::NoGain
        }
    }

    /// The advice, worded from the figures.
    pub fn advice(&self) -> Advice<CpuVerdict> {
        let (s, bound) = (self.speedup, self.bound());
        let verdict = self.verdict();
        let why_not = format!(
            "the CPUs were not {} free for the jobs (other processes), or ran the same code at different speeds",
            if bound > 2.0 { "all" } else { "both" }
        );
        let text = match verdict {
            CpuVerdict::NotAResult => format!(
                "none drawn: ×{s:.2} is above the ×{bound} possible here, so something slowed the one-by-one \
                 rounds (another process) — not a result; rerun"
            ),
            CpuVerdict::NothingSideBySide => {
                let one = if self.threads <= 1 {
                    "one worker thread"
                } else if self.jobs <= 1 {
                    "one job"
                } else {
                    "one core"
                };
                let seen = if (1.0 / GAIN..GAIN).contains(&s) {
                    format!("×{s:.2}, the same speed either way, as expected")
                } else {
                    // Nothing overlapped, so a difference is other processes slowing one of the runs.
                    format!("×{s:.2}, a difference that can only be noise (other processes)")
                };
                format!(
                    "with {one} nothing can run side by side: {seen} — a pool gains only with several workers \
                     and free cores (try --threads 2)"
                )
            }
            CpuVerdict::Scaled => format!(
                "one job per core on a pool (rayon, or the workers): side by side ran ×{s:.2} faster, of the \
                 ×{bound} possible here"
            ),
            CpuVerdict::PartlyScaled => format!(
                "a pool gained only part of what was possible: ×{s:.2} of ×{bound}. Jobs on free CPUs of equal \
                 speed come close to ×{bound}; here {why_not}. One job per core pays where the cores are free — \
                 measure where you deploy"
            ),
            CpuVerdict::NoGain => format!(
                "no gain here: side by side ran {} than one after another, though ×{bound} was possible — \
                 {why_not}. On this machine now a pool bought nothing; rerun it quiet, and measure where you \
                 deploy",
                if s < 1.0 / GAIN { format!("slower (×{s:.2})") } else { format!("no faster (×{s:.2})") }
            ),
        };
        Advice::new(verdict, text)
    }

    /// What was measured, in one sentence.
    pub fn measured(&self) -> String {
        format!(
            "Σi², one job per worker: {} took {} ms one after another on one thread, {} ms side by side on {} \
             of {}: ×{:.2} (at most ×{} here)",
            counted(self.jobs, "job"),
            format_ms(self.sequential_ms),
            format_ms(self.parallel_ms),
            counted(self.threads, "worker thread"),
            counted(self.cores, "core"),
            self.speedup,
            self.bound()
        )
    }
}
