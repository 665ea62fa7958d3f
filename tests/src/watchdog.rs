//! Every test that can hang runs under a watchdog: a command line or a closure
//! that does not finish in its bound fails the test, naming what hung, instead
//! of hanging the suite.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Bound of one small run: far beyond what it needs, even on a loaded 2-core machine.
pub const RUN: Duration = Duration::from_secs(60);

/// A started command line whose stdout and stderr are drained on threads of
/// their own, so a large output cannot block it. Dropped while the process
/// still runs — a test that panicked part-way, say — it kills the process, so
/// nothing a failed test started lives on.
#[derive(Debug)]
pub struct Running {
    child: Child,
    /// The command line, for messages.
    pub what: String,
    stdout: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    /// Lines of stdout as they arrive, for [`Running::line_within`].
    lines: mpsc::Receiver<String>,
    /// The lines [`Running::line_within`] has taken so far.
    seen: Vec<String>,
}

impl Running {
    /// Start `command` with no stdin and both outputs captured.
    pub fn start(command: &mut Command) -> Self {
        let what = format!("{command:?}");
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let (sender, lines) = mpsc::channel();
        let stdout = drain(child.stdout.take(), Some(sender));
        let stderr = drain(child.stderr.take(), None);
        Self { child, what, stdout: Some(stdout), stderr: Some(stderr), lines, seen: Vec::new() }
    }

    /// The process id, to signal it.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Wait up to `limit` for a line of stdout that is `wanted`, and return it;
    /// panic naming the command and the lines so far if none comes in time, or
    /// if stdout closes first (the process is killed when this is dropped).
    pub fn line_within(&mut self, limit: Duration, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if wanted(&line) {
                        return line;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!(
                        "{}: not the line awaited within {limit:?}; it printed:\n{}",
                        self.what,
                        self.seen.join("")
                    )
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    panic!(
                        "{}: stdout closed before the line awaited; it printed:\n{}",
                        self.what,
                        self.seen.join("")
                    )
                }
            }
        }
    }

    /// Wait up to `limit` for it to end; `None` if it is still running then
    /// (it is left running).
    pub fn wait_for(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("the child can be waited for") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Wait up to `limit`; past it, kill it and panic naming the command.
    pub fn end_within(&mut self, limit: Duration, after: &str) -> ExitStatus {
        self.wait_for(limit).unwrap_or_else(|| {
            self.kill();
            panic!("{} {after}: still running after {limit:?}", self.what)
        })
    }

    /// Send SIGINT (what Ctrl-C sends) to it alone.
    pub fn interrupt(&self) {
        interrupt(self.child.id());
    }

    /// Everything it wrote to stdout and stderr (call once it has ended).
    pub fn outputs(mut self) -> (Vec<u8>, Vec<u8>) {
        let read =
            |pipe: Option<JoinHandle<Vec<u8>>>| pipe.map(|p| p.join().expect("reader")).unwrap_or_default();
        (read(self.stdout.take()), read(self.stderr.take()))
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.kill();
        }
    }
}

/// Send SIGINT (what Ctrl-C sends) to process `pid` alone.
pub fn interrupt(pid: u32) {
    let status = Command::new("kill").args(["-INT", &pid.to_string()]).status().expect("kill runs");
    assert!(status.success(), "kill -INT {pid}");
}

/// Run `command` to its end with stdout and stderr captured; kill it and
/// panic past `limit`.
pub fn output(mut command: Command, limit: Duration) -> Output {
    run_within(&mut command, limit)
}

/// `command.watched()`: run it to its end with stdout and stderr captured,
/// under the watchdog (killed, and the test failed, past [`RUN`]) — in place
/// of `Command::output`, which would wait forever on a hung run.
pub trait Watched {
    /// Run to the end within [`RUN`]; the exit status and both outputs.
    fn watched(&mut self) -> Output;
}

impl Watched for Command {
    fn watched(&mut self) -> Output {
        run_within(self, RUN)
    }
}

/// The one way a watched command is run to its end: both pipes drained, killed past `limit`.
fn run_within(command: &mut Command, limit: Duration) -> Output {
    let mut running = Running::start(command);
    let status = running.end_within(limit, "did not finish");
    let (stdout, stderr) = running.outputs();
    Output { status, stdout, stderr }
}

/// Read a pipe to its end on a thread of its own; each line also goes to
/// `lines`, when given, as it arrives.
fn drain(
    pipe: Option<impl Read + Send + 'static>,
    lines: Option<mpsc::Sender<String>>,
) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let Some(pipe) = pipe else { return bytes };
        let mut pipe = BufReader::new(pipe);
        loop {
            let start = bytes.len();
            match pipe.read_until(b'\n', &mut bytes) {
                Ok(0) | Err(_) => return bytes,
                Ok(_) => {
                    if let Some(lines) = &lines {
                        let _ = lines.send(String::from_utf8_lossy(&bytes[start..]).into_owned());
                    }
                }
            }
        }
    })
}

/// Run in-process `work` on a thread of its own; panic naming `what` past
/// `limit`. A thread cannot be killed: past the limit it is left behind, and
/// goes when the test's process ends (at once under nextest, which runs each
/// test in a process of its own). So `work` starts no process itself — start
/// one with [`Running`] or [`output`], which kill it past their bound or when
/// the test panics. The child workers the library starts for a scenario (on
/// async-std's other worker counts, or in a fresh process) are bounded by
/// `demos_core::child::observe`, which kills them past their time, and stop
/// when this process ends and closes their stdin.
pub fn within<T: Send + 'static>(
    what: &str,
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(work());
    });
    match finished.recv_timeout(limit) {
        Ok(done) => done,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what} did not finish within {limit:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked (its message is above)"),
    }
}
