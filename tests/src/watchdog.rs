//! Every test that can hang runs under a watchdog: a command line or a closure
//! that does not finish in its bound fails the test, naming what hung, instead
//! of hanging the suite.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Bound of one small run: far beyond what it needs, even on a loaded 2-core machine.
pub const RUN: Duration = Duration::from_secs(60);

/// Run `command` to its end with stdout and stderr captured (both drained at
/// once, so a large output cannot block it); kill it and panic past `limit`.
pub fn output(mut command: Command, limit: Duration) -> Output {
    let what = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait(&mut child, limit).unwrap_or_else(|| panic!("{what} did not finish within {limit:?}"));
    Output { status, stdout: stdout.join().expect("reader"), stderr: stderr.join().expect("reader") }
}

/// Read a pipe to its end on a thread of its own.
pub fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// Wait for `child` up to `limit`; past it, kill it and return `None`.
pub fn wait(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Send SIGINT (what Ctrl-C sends) to `child` alone.
pub fn interrupt(child: &Child) {
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(status.success(), "kill -INT {}", child.id());
}

/// Run `work` on a thread of its own; panic naming `what` past `limit`.
pub fn within<T: Send + 'static>(
    what: &str,
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(work());
    });
    finished.recv_timeout(limit).unwrap_or_else(|_| panic!("{what} did not finish within {limit:?}"))
}
