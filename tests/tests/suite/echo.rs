//! echo: over real loopback connections, every byte comes back once and in
//! order and every connection closes cleanly, for small and large messages and
//! every worker count; tasks carry the connections on a few OS threads where a
//! thread per connection end needs two per connection; connection counts the
//! descriptors or the thread limit cannot carry are refused before the run.

use std::process::Command;

use demos_core::scenario::echo::{EchoScenario, SPARE_FDS};
use demos_core::scenario::{self};
use demos_core::usage::os_thread_limit;
use demos_core::{EchoConfig, Env};
use demos_tests::THREADS;
use demos_tests::watchdog::Watched;

demos_tests::per_runtime! {
    #[test]
    fn every_byte_comes_back_once_in_order_and_every_connection_closes_cleanly() {
        for threads in THREADS {
            for (connections, round_trips, bytes) in [(1, 1, 1), (5, 3, 100), (20, 4, 5_000), (3, 2, 65_536)] {
                let cfg = EchoConfig { connections, round_trips, bytes };
                let (report, seen) = scenario::run::<EchoScenario>(rt(), &cfg, &Env::quiet(threads, 0));
                let m = &seen.metrics;
                let at = format!("{cfg:?} on --threads {threads}: {m:?}");
                let expected = (connections * round_trips * bytes) as u64;
                assert_eq!((m.connections, m.round_trips), (connections as u64, (connections * round_trips) as u64), "{at}");
                assert_eq!((m.bytes_sent, m.bytes_echoed, m.mismatched), (expected, expected, 0), "{at}");
                assert_eq!(m.closed_cleanly, connections as u64, "{at}");
                assert!(m.p50_us <= m.p99_us && m.p99_us <= m.max_us && m.round_trips_per_s > 0.0, "{at}");
                assert!(report.passed(), "{at}");
            }
        }
    }

    #[test]
    fn at_its_defaults_tasks_share_a_few_threads_where_threads_take_one_per_connection_end() {
        // `echo` with no options: 100 connections of 100 round trips of 64 bytes, two workers.
        let cfg = EchoConfig::default();
        let (report, seen) = scenario::run::<EchoScenario>(rt(), &cfg, &Env::quiet(2, 0));
        let m = &seen.metrics;
        let (connections, round_trips) = (cfg.connections as f64, cfg.round_trips as f64);
        assert!(report.passed() && m.mismatched == 0 && m.closed_cleanly == 100, "{m:?}");
        // The figures agree with one another as a timed run's must: every connection made its
        // round trips one after another, so the run lasted at least half of them at the median
        // latency (a throughput at most 2 × connections / p50), and, all connections running at
        // once, no longer than every round trip at the worst latency (at least connections /
        // max, halved for the connections' staggered starts).
        let (p50_s, max_s) = (m.p50_us / 1e6, m.max_us / 1e6);
        assert!(0.0 < m.p50_us && m.p50_us <= m.p99_us && m.p99_us <= m.max_us, "{m:?}");
        assert!(m.round_trips_per_s <= 2.0 * connections / p50_s, "throughput above what the latencies allow: {m:?}");
        assert!(m.round_trips_per_s >= connections / (2.0 * max_s), "throughput below what the latencies allow: {m:?}");
        assert!(m.round_trips as f64 == connections * round_trips, "{m:?}");
        if COOPERATIVE {
            // The workers, the reactor, a blocking thread or two: nowhere near one per connection.
            assert!(m.os_threads < 16, "{m:?}");
        } else {
            // Every client thread waits at the start gate at once, beside the acceptor and
            // whichever server threads have started: more threads than connections.
            assert!(m.os_threads > 100, "{m:?}");
        }
    }
}

#[test]
fn connections_beyond_the_descriptor_limit_are_refused_before_the_run() {
    // A shell lowers the limit (soft and hard) for the demo it starts.
    let bin = env!("CARGO_BIN_EXE_tokio");
    let out = Command::new("sh")
        .args(["-c", &format!("ulimit -n 256 && exec {bin} echo --connections 200")])
        .watched();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let needed = 2 * 200 + SPARE_FDS;
    assert!(
        stderr.contains(&format!("needs {needed} file descriptors")) && stderr.contains("256"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing ran");
}

#[test]
fn std_threads_refuses_more_connections_than_two_threads_each_allow() {
    let (limit, _) = os_thread_limit();
    let too_many = (limit / 2 + 1).to_string();
    let out =
        Command::new(env!("CARGO_BIN_EXE_std-threads")).args(["echo", "--connections", &too_many]).watched();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("OS threads") || stderr.contains("file descriptors"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing ran");
}

#[test]
fn the_command_to_try_next_comes_after_the_take_away() {
    let out = Command::new(env!("CARGO_BIN_EXE_tokio"))
        .args(["echo", "--connections", "2", "--round-trips", "2"])
        .env("NO_COLOR", "1")
        .watched();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let (takeaway, next) = (stdout.find("take-away:"), stdout.find("try next: `compare echo --sweep"));
    assert!(matches!((takeaway, next), (Some(t), Some(n)) if t < n), "{stdout}");
    // The checks stay together above the take-away.
    assert!(stdout.rfind("  ok   ").is_some_and(|ok| ok < takeaway.unwrap_or(0)), "{stdout}");
}
