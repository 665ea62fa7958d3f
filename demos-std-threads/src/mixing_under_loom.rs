//! Under `--cfg loom` (the model checks of the race's job bodies and the queue
//! bookkeeping) the mixing scenario's foreign runtimes are not built: tokio and
//! async-io's queue react to that cfg themselves. The loom tests never run
//! mixing; this stands in so that the crate still implements every scenario.

use demos_core::{Env, Mixing, MixingConfig, MixingMetrics, Observed};

impl Mixing for crate::StdThreads {
    fn mixing(&self, _: &MixingConfig, _: &Env) -> Observed<MixingMetrics> {
        unreachable!("mixing is not built into loom model checks")
    }
}
