//! Ctrl-C during a long queue run: the producers stop, the consumers drain
//! what was sent, the partial summary accounts for every item sent exactly
//! once, and the process exits 130.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

demos_tests::per_runtime! {
    #[test]
    fn ctrl_c_stops_producers_drains_the_queue_and_exits_130() {
        let mut child = Command::new(BIN)
            .args(["queue", "--producers", "2", "--items", "5000000", "--delay-ms", "0", "--threads", "2"])
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .spawn()
            .expect("runs");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        // Synchronise on the live log: once a line arrives, items are flowing.
        let mut seen = String::new();
        loop {
            let mut line = String::new();
            assert!(stdout.read_line(&mut line).expect("readable") > 0, "ended before any event: {seen}");
            seen.push_str(&line);
            if line.starts_with("  | ") {
                break;
            }
        }
        let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
        assert!(status.success());
        stdout.read_to_string(&mut seen).expect("readable");
        let code = child.wait().expect("exits").code();
        assert_eq!(code, Some(130), "{seen}");
        assert!(seen.contains("interrupted (Ctrl-C)"), "{seen}");
        assert!(seen.contains("ok   every item consumed exactly once"), "{seen}");
        let counts = seen.lines().find(|l| l.trim_start().starts_with("produced / consumed")).expect("summary");
        let numbers: Vec<u64> = counts.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        assert_eq!(numbers.len(), 2, "{counts}");
        assert_eq!(numbers[0], numbers[1], "every item sent was consumed: {counts}");
        assert!(numbers[0] > 0 && numbers[0] < 10_000_000, "stopped part-way: {counts}");
    }
}
