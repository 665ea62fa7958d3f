//! Harness overhead: the queue scenario with `--delay-ms 0` (its bookkeeping:
//! exactly-once marks, depth samples, wait timing) against a bare loop over
//! the same channel, with the same producers, consumers and capacity, in the
//! same process — at 1 and 2 workers, with one consumer and with two. The
//! scenario must stay within 10% of the bare loop in every shape.
//!
//! `cargo bench -p demos-benches --bench harness`

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use demos_benches::queue::{cases, scenario};
use demos_core::QueueConfig;

const CFG: QueueConfig = QueueConfig { producers: 3, consumers: 2, capacity: 5, items: 100_000, delay_ms: 0 };
/// The shapes the budget holds for: (workers, consumers).
const SHAPES: [(usize, usize); 4] = [(1, 1), (1, 2), (2, 1), (2, 2)];
/// Alternating pairs for the overhead quartiles; `-- --quick` runs fewer, for a first look.
const RUNS: usize = 31;
const QUICK_RUNS: usize = 11;

fn harness(c: &mut Criterion) {
    let threads = 2;
    let mut g = c.benchmark_group(format!(
        "queue, {} items, delay 0, {threads} workers: scenario vs bare loop",
        CFG.producers * CFG.items
    ));
    for (rt, bare) in cases() {
        g.bench_function(BenchmarkId::new(rt.name(), "scenario"), |b| b.iter(|| scenario(rt, &CFG, threads)));
        g.bench_function(BenchmarkId::new(rt.name(), "bare loop"), |b| b.iter(|| bare(&CFG, threads)));
    }
    g.finish();
    if demos_benches::listing() {
        return;
    }
    // The ratio, measured here in one process: alternate the two so machine noise
    // hits both alike, take each scenario run over the bare run next to it, and
    // report the quartiles of those paired ratios — for every shape.
    let runs = if demos_benches::quick() { QUICK_RUNS } else { RUNS };
    println!("\nharness overhead, scenario time / bare-loop time - 1, over {runs} alternating pairs");
    println!("(must stay within 10% at the median; negative: the scenario ran faster)");
    let mut over = Vec::new();
    for (threads, consumers) in SHAPES {
        let cfg = QueueConfig { consumers, ..CFG };
        println!("  {threads} worker(s), {} producers, {consumers} consumer(s)", cfg.producers);
        println!("    {:<12} {:>9} {:>9} {:>9}   median times", "runtime", "q1", "median", "q3");
        for (rt, bare) in cases() {
            let (mut with, mut without, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..runs {
                let t = Instant::now();
                scenario(rt, &cfg, threads);
                let scenario_time = t.elapsed();
                let t = Instant::now();
                bare(&cfg, threads);
                let bare_time = t.elapsed();
                ratios.push(scenario_time.as_secs_f64() / bare_time.as_secs_f64());
                with.push(scenario_time);
                without.push(bare_time);
            }
            let pct = |r: f64| format!("{:+.1}%", (r - 1.0) * 100.0);
            ratios.sort_by(f64::total_cmp);
            with.sort();
            without.sort();
            println!(
                "    {:<12} {:>9} {:>9} {:>9}   scenario {:.2?}, bare {:.2?}",
                rt.name(),
                pct(ratios[runs / 4]),
                pct(ratios[runs / 2]),
                pct(ratios[3 * runs / 4]),
                with[runs / 2],
                without[runs / 2]
            );
            if ratios[runs / 2] > 1.0 + BUDGET {
                over.push(format!(
                    "{} at {threads} worker(s), {consumers} consumer(s): {}",
                    rt.name(),
                    pct(ratios[runs / 2])
                ));
            }
        }
    }
    // The budget the table promises, held: a median over it fails the bench.
    assert!(
        over.is_empty(),
        "harness overhead above {:.0}% at the median: {}",
        BUDGET * 100.0,
        over.join("; ")
    );
}

/// The harness may cost at most this fraction of a bare channel loop.
const BUDGET: f64 = 0.10;

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    targets = harness
}
criterion_main!(benches);
