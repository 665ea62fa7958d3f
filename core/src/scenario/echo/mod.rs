//! echo: a real TCP echo over loopback. A server on 127.0.0.1 (an ephemeral
//! port, nothing else) echoes whatever it reads; C client connections each
//! make M round trips of S bytes — write a message, read it back, compare —
//! then shut their write half and wait for the server to close. Every
//! runtime uses its own networking: `tokio::net`, smol's `Async` sockets,
//! `async_std::net`, and `std::net` with a thread per connection.
//!
//! Reported: round trips per second, latency percentiles (an HDR histogram),
//! the OS threads and resident memory the process used at its peak, and the
//! descriptor limit that bounds C. Checked: every byte echoed exactly once and
//! in order, every connection closed cleanly.

pub mod threads;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use crate::report::format_ms;
use crate::scenario::RunShape;
use crate::scenario::{Column, each};
use crate::usage::{self, Sampler};
use crate::{Check, Env, Observed, Runtime, Scenario};

/// Where the server listens: loopback, a port the OS picks.
pub const LOOPBACK: std::net::SocketAddr =
    std::net::SocketAddr::V4(std::net::SocketAddrV4::new(std::net::Ipv4Addr::LOCALHOST, 0));

/// The server's listening socket, on [`LOOPBACK`], with an accept queue as
/// deep as the connections the run makes (the kernel caps it at
/// `net.core.somaxconn`). std's own `bind` asks for 128: a burst of more
/// connections than the acceptor takes in time overflows it, and the kernel
/// drops SYNs that clients retry only a second later — a stall that has
/// nothing to do with the runtime. Each runtime takes the socket into its own
/// listener type (`nonblocking` for the async ones).
pub fn listener(connections: usize, nonblocking: bool) -> std::net::TcpListener {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket =
        Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).expect("the OS makes a TCP socket");
    socket.bind(&LOOPBACK.into()).expect("loopback has a free port");
    socket.listen(i32::try_from(connections.max(128)).unwrap_or(i32::MAX)).expect("a bound socket listens");
    socket.set_nonblocking(nonblocking).expect("a socket takes O_NONBLOCK");
    socket.into()
}

/// The buffer each server connection reads into: a page. (A larger one is
/// paid for in resident memory per connection — 64 KiB buffers recycled from
/// the heap are zeroed, and so touched — which would blur what the runtimes
/// themselves cost.)
pub const SERVER_BUFFER: usize = 4096;

/// Descriptors kept for everything but the connections (stdio, pipes, the reactor).
pub const SPARE_FDS: u64 = 64;

/// The least a round trip costs a core: two loopback writes and two reads.
pub const LEAST_ROUND_TRIP: Duration = Duration::from_micros(2);

/// The longest round trip the latency histogram tells apart: 10 minutes.
pub const MAX_LATENCY_US: u64 = 600_000_000;

/// Configuration of the echo scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct EchoConfig {
    /// Concurrent client connections (each also a server connection: two descriptors)
    #[arg(long, default_value_t = 100, value_parser = crate::scenario::size::<1, 10_000>,
          allow_negative_numbers = true)]
    pub connections: usize,
    /// Round trips each connection makes
    #[arg(long, default_value_t = 100, value_parser = crate::scenario::size::<1, 100_000>,
          allow_negative_numbers = true)]
    pub round_trips: usize,
    /// Bytes in each message
    #[arg(long, default_value_t = 64, value_parser = crate::scenario::size::<1, 65_536>,
          allow_negative_numbers = true)]
    pub bytes: usize,
}

impl Default for EchoConfig {
    fn default() -> Self {
        Self { connections: 100, round_trips: 100, bytes: 64 }
    }
}

/// What the echo scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EchoMetrics {
    /// Client connections that ran.
    pub connections: u64,
    /// Round trips completed, over every connection.
    pub round_trips: u64,
    /// Round trips per second of the whole run (connect to last close).
    pub round_trips_per_s: f64,
    /// Median round-trip latency.
    pub p50_us: f64,
    /// 99th-percentile round-trip latency.
    pub p99_us: f64,
    /// Slowest round trip.
    pub max_us: f64,
    /// Most OS threads the process had during the run (sampled every 2 ms).
    pub os_threads: u64,
    /// Most resident memory the process had during the run (sampled every 2 ms).
    pub rss_bytes: u64,
    /// File descriptors this process may open (raised to the hard limit).
    pub fd_limit: u64,
    /// Bytes the server wrote back.
    pub bytes_echoed: u64,
    /// Bytes the clients sent.
    pub bytes_sent: u64,
    /// Replies that differed from their message.
    pub mismatched: u64,
    /// Connections whose client saw the server close after its own shutdown, with no error.
    pub closed_cleanly: u64,
}

/// The echo scenario, implemented by every runtime.
pub trait Echo {
    /// Serve and drive `cfg.connections` loopback connections.
    fn echo(&self, cfg: &EchoConfig, env: &Env) -> Observed<EchoMetrics>;
}

/// Message `round` of connection `conn`, `len` bytes: different for every
/// connection, round and position, so a reply from the wrong place or in the
/// wrong order is seen.
pub fn message(conn: usize, round: usize, len: usize) -> Vec<u8> {
    (0..len).map(|k| ((conn * 31 + round * 7 + k) % 251) as u8).collect()
}

/// What one client connection saw.
#[derive(Debug, Default)]
pub struct Client {
    latencies_us: Vec<u64>,
    sent: u64,
    mismatched: u64,
    clean: bool,
}

impl Client {
    /// A client about to make `rounds` round trips.
    pub fn new(rounds: usize) -> Self {
        Self { latencies_us: Vec::with_capacity(rounds), ..Self::default() }
    }

    /// One round trip: what was sent, what came back, when it started.
    pub fn round_trip(&mut self, sent: &[u8], reply: &[u8], started: Instant) {
        self.latencies_us.push(started.elapsed().as_micros() as u64);
        self.sent += sent.len() as u64;
        self.mismatched += u64::from(sent != reply);
    }

    /// After its shutdown, the server closed: `read` returned `Ok(0)`.
    pub fn closed(mut self, read_after_shutdown: std::io::Result<usize>) -> Self {
        self.clean = matches!(read_after_shutdown, Ok(0));
        self
    }
}

/// The counts the server keeps, shared by its connection handlers.
#[derive(Debug, Clone, Default)]
pub struct Served(Arc<AtomicU64>);

impl Served {
    /// The server wrote `n` bytes back.
    pub fn echoed(&self, n: usize) {
        self.0.fetch_add(n as u64, Relaxed);
    }
}

/// One run: the descriptor limit, the usage sampler, the server's counts.
#[derive(Debug)]
pub struct EchoRun {
    fd_limit: u64,
    sampler: Sampler,
    served: Served,
    started: Instant,
}

impl EchoRun {
    /// Raise the descriptor limit and start sampling the process's usage.
    pub fn start() -> Self {
        Self {
            fd_limit: usage::raise_fd_limit(),
            sampler: Sampler::start(Duration::from_millis(2)),
            served: Served::default(),
            started: Instant::now(),
        }
    }

    /// The server's counts, for its handlers.
    pub fn served(&self) -> Served {
        self.served.clone()
    }

    /// Every connection is done: the figures.
    pub fn finish(self, clients: Vec<Client>) -> EchoMetrics {
        let elapsed = self.started.elapsed();
        let peak = self.sampler.stop();
        // 1 µs to 10 minutes at 3 significant digits; anything longer counts as 10 minutes.
        let mut histogram =
            Histogram::<u64>::new_with_bounds(1, MAX_LATENCY_US, 3).expect("valid bounds and precision");
        for &us in clients.iter().flat_map(|c| &c.latencies_us) {
            histogram.record(us.clamp(1, MAX_LATENCY_US)).expect("clamped into the histogram's bounds");
        }
        let round_trips = histogram.len();
        EchoMetrics {
            connections: clients.len() as u64,
            round_trips,
            round_trips_per_s: round_trips as f64 / elapsed.as_secs_f64().max(1e-9),
            p50_us: histogram.value_at_quantile(0.5) as f64,
            p99_us: histogram.value_at_quantile(0.99) as f64,
            max_us: histogram.max() as f64,
            os_threads: peak.threads,
            rss_bytes: peak.rss_bytes,
            fd_limit: self.fd_limit,
            bytes_echoed: self.served.0.load(Relaxed),
            bytes_sent: clients.iter().map(|c| c.sent).sum(),
            mismatched: clients.iter().map(|c| c.mismatched).sum(),
            closed_cleanly: clients.iter().filter(|c| c.clean).count() as u64,
        }
    }
}

/// Marker type naming the echo scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct EchoScenario;

impl Scenario for EchoScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Echo;
    const ABOUT: &'static str =
        "a real TCP echo over loopback: round trips per second, latency, threads, memory";
    type Config = EchoConfig;
    type Metrics = EchoMetrics;

    fn least_duration(cfg: &EchoConfig, shape: &RunShape) -> Duration {
        let trips = (cfg.connections * cfg.round_trips) as u32;
        LEAST_ROUND_TRIP * trips / shape.cores.max(1) as u32
    }

    fn check_shape(cfg: &EchoConfig, shape: &RunShape) -> Result<(), String> {
        let needed = 2 * cfg.connections as u64 + SPARE_FDS;
        let limit = usage::raise_fd_limit();
        if needed > limit {
            return Err(format!(
                "--connections {} needs {needed} file descriptors (two per loopback connection, its client end and \
                 its server end, and {SPARE_FDS} spare); this process may open {limit} (ulimit -n, raised to its \
                 hard limit): pick --connections up to {}",
                cfg.connections,
                limit.saturating_sub(SPARE_FDS) / 2
            ));
        }
        if shape.tasks_hold_threads {
            let (threads, why) = usage::os_thread_limit();
            if 2 * cfg.connections as u64 > threads {
                return Err(format!(
                    "--connections {} needs {} OS threads on std-threads (one per client and one per server \
                     connection); it may start {threads} ({why}): pick --connections up to {}",
                    cfg.connections,
                    2 * cfg.connections,
                    threads / 2
                ));
            }
        }
        Ok(())
    }

    /// In a process of its own: threads and resident memory are the whole
    /// process's, and should not count what other runs left behind.
    fn observe(rt: &dyn Runtime, cfg: &EchoConfig, env: &Env) -> Observed<EchoMetrics> {
        crate::scenario::in_fresh_process::<EchoScenario>(rt, cfg, env, || rt.echo(cfg, env))
    }

    fn checks(cfg: &EchoConfig, m: &EchoMetrics) -> Vec<Check> {
        let expected = (cfg.connections * cfg.round_trips * cfg.bytes) as u64;
        vec![
            Check::new(
                "every byte echoed once, in order",
                m.mismatched == 0 && m.bytes_sent == expected && m.bytes_echoed == expected,
                format!("{} of {expected} bytes back, {} replies differed", m.bytes_echoed, m.mismatched),
            ),
            Check::new(
                "every connection closed cleanly",
                m.closed_cleanly == cfg.connections as u64,
                format!("{}/{}", m.closed_cleanly, cfg.connections),
            ),
        ]
    }

    fn headline(cfg: &EchoConfig) -> String {
        format!(
            "{} loopback TCP connections, each {} round trips of {} bytes, to an echo server in the same process",
            cfg.connections, cfg.round_trips, cfg.bytes
        )
    }

    fn figures(_: &EchoConfig, m: &EchoMetrics) -> Vec<(String, String)> {
        vec![
            ("round trips".into(), format!("{} over {} connections", m.round_trips, m.connections)),
            ("throughput".into(), format!("{:.0} round trips/s", m.round_trips_per_s)),
            (
                "latency".into(),
                format!("p50 {:.0} µs · p99 {:.0} µs · max {:.0} µs", m.p50_us, m.p99_us, m.max_us),
            ),
            ("OS threads (peak)".into(), m.os_threads.to_string()),
            ("resident (peak)".into(), crate::scenario::scale::bytes(m.rss_bytes as f64)),
            (
                "open files allowed".into(),
                format!("{} (the process's limit, raised for the run: every socket takes one)", m.fd_limit),
            ),
        ]
    }

    const LESSON: &'static [&'static str] = &["round_trips_per_s", "p99_us", "os_threads", "rss_bytes"];

    fn conclude(cfg: &EchoConfig, columns: &[Column<'_, EchoMetrics>]) -> String {
        let by = |f: fn(&EchoMetrics) -> f64| {
            let best = columns.iter().max_by(|a, b| a.median(f).total_cmp(&b.median(f)));
            best.map(|c| c.runtime).unwrap_or_default()
        };
        let fastest = by(|m| m.round_trips_per_s);
        let lowest_p99 = columns
            .iter()
            .min_by(|a, b| a.median(|m| m.p99_us).total_cmp(&b.median(|m| m.p99_us)))
            .map(|c| c.runtime)
            .unwrap_or_default();
        let rates = each(columns, |c| format!("{:.0}/s", c.median(|m| m.round_trips_per_s)));
        let threads = each(columns, |c| format!("{:.0}", c.median(|m| m.os_threads as f64)));
        format!(
            "At {} connections, round trips: {rates} — {fastest} carried the most, {lowest_p99} had the lowest \
             p99. OS threads at the peak: {threads}.",
            cfg.connections
        )
    }

    const TRY_NEXT: Option<&'static str> = Some(
        "`compare echo --sweep connections=10,100,1000` shows how threads and tasks hold up as \
             connections grow",
    );

    fn takeaway(_: &EchoConfig, m: &EchoMetrics, _: &Env) -> String {
        let threads = if m.os_threads > m.connections {
            format!(
                "{} OS threads (at the peak) served {} connections: more threads than connections, each blocked in \
                 a read between messages and woken by the kernel",
                m.os_threads, m.connections
            )
        } else {
            format!(
                "{} OS threads served {} connections, the executor's workers among them (the \"ran on\" line counts \
                 those seen running tasks): each connection was a task parked on its socket between messages, woken \
                 by the runtime's reactor",
                m.os_threads, m.connections
            )
        };
        format!(
            "{threads}. {:.0} round trips per second, half within {:.0} µs and 99 % within {:.0} µs (the slowest \
             took {} ms).",
            m.round_trips_per_s,
            m.p50_us,
            m.p99_us,
            format_ms(m.max_us / 1e3)
        )
    }
}
