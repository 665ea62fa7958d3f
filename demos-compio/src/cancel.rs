// claim: C-futures-select-random
//! cancel on compio: `futures::future::select` (it polls its first branch
//! first) between reading a two-part frame and a `compio::time` timer. A naive
//! loop builds a fresh frame read each time round; when the timer wins after
//! the first half was taken, that read is dropped with the half. The
//! cancel-safe loop races `recv_async` itself (it takes nothing unless it
// claim: C-compio-handle-drop
//! completes) and keeps the half-frame outside the loop. Then: dropping
//! `JoinHandle`s cancels their tasks; dropping a runtime drops its parked
//! tasks; `futures::select!` picks a ready branch at random and
//! `select_biased!` always the first.
//!
// claim: C-compio-uring-cancel
//! Last, what is particular to completion-based I/O: on io_uring a read in
//! flight belongs to the kernel, which writes into the buffer the read was
//! given (owned: moved in, handed back with the result). Dropping the read's
//! future cannot take the buffer back: compio's driver submits a cancel
//! (`AsyncCancel`) and keeps the operation and its buffer until the kernel
//! reports it done (compio-runtime 0.12.6 `future/future.rs`: `Submit`'s drop
//! calls `Proactor::cancel`, compio-driver 0.12.5 `lib.rs`, which hands the
//! buffer back only if the result is already in). The run drops a read in flight, then sends bytes, and
//! checks that the next read gets them — that the dropped read was cancelled
//! rather than completed into a buffer nobody will see. (compio's
//! `CancelToken`, which hands the buffer back, does nothing at opt-level 1 and
//! above in compio 0.19.2, so it is not used here.)
//!
//! Run it: `cargo run -p demos-compio -- cancel`

use std::time::Duration;

use ::futures::future::{Either, ready, select};
use ::futures::{select, select_biased};
use compio::buf::BufResult;
use compio::io::{AsyncRead, AsyncWriteExt};
use compio::net::{TcpListener, TcpStream};
use compio::time::{sleep, timeout};
use demos_core::interrupt::until_stopped;
use demos_core::scenario::cancel::{CancelScenario, Drops, SELECT_ROUNDS, Tally};
use demos_core::{Cancel, CancelConfig, CancelMetrics, Env, Log, Observed};
use flume::{Receiver, Sender};

use crate::Exec;

/// Long enough to be parked for the whole run.
const FOREVER: Duration = Duration::from_secs(3600);

/// Which branch of the race won.
enum Next<T> {
    Got(T),
    Tick,
}

impl Cancel for crate::Compio {
    fn cancel(&self, cfg: &CancelConfig, env: &Env) -> Observed<CancelMetrics> {
        let mut seen = self.observe::<CancelScenario, _>(cfg, env, "", |ex| async move {
            let mut m = CancelMetrics::default();
            let naive = consume(&ex, cfg, false).await;
            let safe = consume(&ex, cfg, true).await;
            m.loops(cfg, &naive, &safe);
            // Tasks parked; their JoinHandles dropped.
            let drops = Drops::default();
            let tasks: Vec<_> = (0..cfg.tasks)
                .map(|_| {
                    let guard = drops.guard();
                    ex.spawn(async move {
                        let _guard = guard;
                        sleep(FOREVER).await;
                    })
                })
                .collect();
            sleep(cfg.tick()).await; // every task has started and parked
            CancelMetrics::log_group_drop(&env.log, cfg, "their JoinHandles, one each");
            drop(tasks); // a dropped compio JoinHandle cancels its task
            drops.settle(cfg.tasks, || sleep(cfg.tick())).await;
            m.group(cfg, &drops);
            // Fairness: both branches ready every round; which one runs?
            let (mut first_random, mut first_biased) = (0, 0);
            for _ in 0..SELECT_ROUNDS {
                first_random += select! { a = ready(1) => a, b = ready(0) => b }; // a random branch first
                first_biased += select_biased! { a = ready(1) => a, b = ready(0) => b }; // the first first
            }
            m.select_fairness(
                &env.log,
                Some(("futures::select!", first_random)),
                ("select_biased!", first_biased),
            );
            m.dropped_read_next_got_data = dropped_read(&env.log).await;
            m
        });
        // A runtime with parked tasks, dropped.
        let drops = Drops::default();
        let (rt, _) = crate::build(self.driver()).expect("compio's poll driver can be built");
        rt.block_on(async {
            for _ in 0..cfg.tasks {
                let guard = drops.guard();
                compio::runtime::spawn(async move {
                    let _guard = guard;
                    sleep(FOREVER).await;
                })
                .detach();
            }
            sleep(cfg.tick()).await; // the tasks start and park
        });
        drop(rt);
        seen.metrics.shutdown(cfg, &drops, true);
        seen
    }
}

/// One consumer loop against a producer of two-part frames: `safe` races
/// `recv_async` itself; otherwise a fresh two-step frame read each time round.
async fn consume(ex: &Exec, cfg: &CancelConfig, safe: bool) -> Tally {
    let (tx, rx) = flume::unbounded();
    let producer = ex.spawn(produce(tx, cfg.clone()));
    let mut tally = Tally::default();
    loop {
        if safe {
            match first(async { Next::Got(rx.recv_async().await) }, tick(cfg.tick())).await {
                Next::Got(Ok(item)) => tally.item(item),
                Next::Got(Err(_)) => break,
                Next::Tick => tally.ticks += 1,
            }
        } else {
            match first(async { Next::Got(read_frame(&rx).await) }, tick(cfg.tick())).await {
                Next::Got(frame) if frame.is_empty() => break,
                Next::Got(frame) => tally.frame(&frame),
                Next::Tick => tally.ticks += 1, // a half-read frame is dropped here
            }
        }
    }
    let _ = producer.await;
    tally
}

/// Whichever of `a` and `b` finishes first (`a` when both are ready); the other is dropped.
async fn first<T>(a: impl Future<Output = T>, b: impl Future<Output = T>) -> T {
    match select(std::pin::pin!(a), std::pin::pin!(b)).await {
        Either::Left((out, _)) | Either::Right((out, _)) => out,
    }
}

/// The timer branch.
async fn tick<T>(period: Duration) -> Next<T> {
    sleep(period).await;
    Next::Tick
}

/// Read one frame: two items, one after the other (fewer at the channel's end).
async fn read_frame(rx: &Receiver<u64>) -> Vec<u64> {
    let mut frame = Vec::with_capacity(2);
    while frame.len() < 2 {
        match rx.recv_async().await {
            Ok(item) => frame.push(item),
            Err(_) => break,
        }
    }
    frame
}

/// Send each frame's halves `half` apart, and the frames `half` apart.
async fn produce(tx: Sender<u64>, cfg: CancelConfig) {
    for f in until_stopped(0..cfg.frames as u64) {
        for item in [2 * f, 2 * f + 1] {
            let _ = tx.send_async(item).await;
            sleep(cfg.half()).await;
        }
    }
}

/// Bytes sent after a read in flight was dropped: does the next read get them?
/// `None` if the loopback connection could not be made.
async fn dropped_read(log: &Log) -> Option<bool> {
    const LATE: &[u8] = b"late data";
    let listener = TcpListener::bind("127.0.0.1:0").await.ok()?;
    let addr = listener.local_addr().ok()?;
    let (client, accepted) = ::futures::join!(TcpStream::connect(addr), listener.accept());
    let (mut client, (mut server, _)) = (client.ok()?, accepted.ok()?);
    // ANCHOR: dropped_read
    // The buffer is moved into the read: while it is in flight the kernel owns it.
    let in_flight = client.read(Vec::with_capacity(64));
    let timed_out = timeout(Duration::from_millis(20), in_flight).await.is_err(); // the read is dropped
    let BufResult(sent, _) = server.write_all(LATE).await; // bytes arrive after the drop
    let BufResult(got, buf) =
        timeout(Duration::from_secs(1), client.read(Vec::with_capacity(64))).await.ok()?;
    let next_got_data = sent.is_ok() && got.is_ok() && buf == LATE;
    // ANCHOR_END: dropped_read
    log.line(format!(
        "a read in flight{} dropped; then {} bytes sent: the next read got {}",
        if timed_out { ", still waiting after 20 ms," } else { " (it had completed)" },
        LATE.len(),
        if next_got_data { "them: the dropped read was cancelled, nothing lost" } else { "something else" }
    ));
    Some(next_got_data)
}
