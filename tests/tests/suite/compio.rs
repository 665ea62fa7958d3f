//! compio's two drivers: the suite runs on io_uring through `per_runtime!`;
//! here echo and cancel run on the poll driver too, the flavour names the
//! driver that ran, and the command line's `--driver` picks it (a child worker
//! follows through the runtime's name, `compio-poll`).

use std::process::Command;

use demos_compio::Compio;
use demos_core::scenario::cancel::CancelScenario;
use demos_core::scenario::{self, echo::EchoScenario};
use demos_core::{CancelConfig, EchoConfig, Env, Runtime};
use demos_tests::watchdog::Watched;

const BIN: &str = env!("CARGO_BIN_EXE_compio");

#[test]
fn echo_and_cancel_hold_on_both_drivers_and_the_flavour_names_the_one_that_ran() {
    for (rt, driver) in [(&Compio::URING, "io_uring"), (&Compio::POLL, "poll driver (forced: --driver poll)")]
    {
        demos_core::child::use_worker_for(rt.name(), BIN);
        for threads in [1, 2] {
            let env = Env::quiet(threads, 0);
            let cfg = EchoConfig { connections: 20, round_trips: 5, bytes: 100 };
            let (report, seen) = scenario::run::<EchoScenario>(rt, &cfg, &env);
            let at = format!("{} --threads {threads}: {} {:?}", rt.name(), seen.flavor, seen.metrics);
            assert!(report.passed(), "{at}");
            assert_eq!(seen.metrics.closed_cleanly, 20, "{at}");
            assert!(seen.flavor.contains(&format!("compio runtime on {driver}")), "{at}");

            let cfg = CancelConfig { frames: 6, half_ms: 4, tick_ms: 1, tasks: 3 };
            let (report, seen) = scenario::run::<CancelScenario>(rt, &cfg, &env);
            let at = format!("{} --threads {threads}: {} {:?}", rt.name(), seen.flavor, seen.metrics);
            assert!(report.passed(), "{at}");
            // A socket read dropped in flight (on io_uring, the kernel's) was cancelled: the
            // bytes sent next reached the next read, on either driver.
            assert_eq!(seen.metrics.dropped_read_next_got_data, Some(true), "{at}");
        }
    }
}

#[test]
fn the_driver_flag_picks_the_poll_driver_for_the_run_and_its_child_workers() {
    // mixing runs in a fresh process: the child must run the driver asked for too.
    for scenario in ["race", "mixing"] {
        let out = Command::new(BIN).args([scenario, "--driver", "poll", "--threads", "2"]).watched();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        let ran = stdout.split("ran on ").nth(1).expect("a 'ran on' line").replace("\n    ", " ");
        assert!(ran.contains("poll driver (forced: --driver poll)"), "{ran}");
    }
    let out = Command::new(BIN).args(["race", "--driver", "epoll"]).watched();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--driver epoll: expected uring or poll"));
}

#[test]
fn help_explains_the_driver_flag_at_the_top_and_in_every_scenarios_help() {
    let mut asked = vec![vec!["--help".to_string()]];
    asked.extend(scenario::ALL.iter().map(|s| vec![s.name().to_string(), "--help".to_string()]));
    for args in asked {
        let out = Command::new(BIN).args(&args).watched();
        let help = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        // The flag, and its explanation on the same line or (in a long help) the next.
        let lines: Vec<&str> = help.lines().collect();
        let at = lines.iter().position(|l| l.trim_start().starts_with("--driver <uring|poll>"));
        let at = at.unwrap_or_else(|| panic!("{args:?}: no --driver in\n{help}"));
        let said = lines[at..lines.len().min(at + 2)].join(" ");
        assert!(said.contains("io_uring, falling back to the poll driver"), "{args:?}: {said}");
    }
    // Every form the flag takes is taken out before the shared CLI, whose --driver is
    // only listed: `--driver=poll` runs on the poll driver, and twice is bad input.
    let out = Command::new(BIN).args(["race", "--tasks", "10", "--driver=poll"]).watched();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("poll driver (forced: --driver poll)"));
    let out = Command::new(BIN).args(["race", "--driver", "poll", "--driver=uring"]).watched();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--driver is given twice"));
}

#[test]
fn threads_above_the_allowed_cores_say_how_they_were_placed() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let flavor = Compio::URING.flavor(cores + 1);
    assert!(flavor.contains(&format!("{} threads", cores + 1)), "{flavor}");
    if cores > 1 {
        assert!(flavor.contains("more threads than the") && flavor.contains("round-robin"), "{flavor}");
    } else {
        assert!(flavor.contains("pinned to the one core allowed"), "{flavor}");
    }
}
