//! One run of the queue scenario or of its bare loop, at delay 0, for counting
//! instructions (the `harness` bench times the two; on a shared machine the
//! instruction count is what repeats):
//!
//! ```sh
//! cargo build --release -p demos-benches --example queue_once
//! valgrind --tool=callgrind target/release/examples/queue_once tokio scenario 1 1 20000
//! ```
//!
//! Arguments: runtime, `scenario` or `bare`, workers, consumers, items per
//! producer (3 producers, capacity 5, as in the bench).

use demos_benches::queue::{cases, scenario};
use demos_core::QueueConfig;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: queue_once <tokio|smol|async-std|std-threads> <scenario|bare> WORKERS CONSUMERS ITEMS";
    let [runtime, what, workers, consumers, items] = &args[..] else { panic!("{usage}") };
    let number = |s: &str| s.parse::<usize>().unwrap_or_else(|_| panic!("{usage}"));
    let (workers, consumers, items) = (number(workers), number(consumers), number(items));
    let cfg = QueueConfig { producers: 3, consumers, capacity: 5, items, delay_ms: 0 };
    let (rt, bare) =
        cases().into_iter().find(|(rt, _)| rt.name() == runtime).unwrap_or_else(|| panic!("{usage}"));
    match what.as_str() {
        "scenario" => scenario(rt, &cfg, workers),
        "bare" => bare(&cfg, workers),
        _ => panic!("{usage}"),
    }
}
