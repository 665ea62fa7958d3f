//! Every test that can hang runs under a watchdog: a command line or a closure
//! that does not finish in its bound fails the test, naming what hung, instead
//! of hanging the suite.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Bound of one small run: far beyond what it needs, even on a loaded 2-core machine.
pub const RUN: Duration = Duration::from_secs(60);

/// A started command line whose stdout and stderr are drained on threads of
/// their own, so a large output cannot block it.
#[derive(Debug)]
pub struct Running {
    child: Child,
    /// The command line, for messages.
    pub what: String,
    stdout: JoinHandle<Vec<u8>>,
    stderr: JoinHandle<Vec<u8>>,
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
        let (stdout, stderr) = (drain(child.stdout.take()), drain(child.stderr.take()));
        Self { child, what, stdout, stderr }
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
            let _ = self.child.kill();
            let _ = self.child.wait();
            panic!("{} {after}: still running after {limit:?}", self.what)
        })
    }

    /// Send SIGINT (what Ctrl-C sends) to it alone.
    pub fn interrupt(&self) {
        interrupt(self.child.id());
    }

    /// Everything it wrote to stdout and stderr (call once it has ended).
    pub fn outputs(self) -> (Vec<u8>, Vec<u8>) {
        (self.stdout.join().expect("reader"), self.stderr.join().expect("reader"))
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

/// Read a pipe to its end on a thread of its own.
fn drain(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
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
    match finished.recv_timeout(limit) {
        Ok(done) => done,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what} did not finish within {limit:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked (its message is above)"),
    }
}
