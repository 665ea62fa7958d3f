//! What the process uses, as the kernel counts it: resident and virtual
//! memory and OS threads (from `/proc/self`), the file-descriptor limit, and
//! how many OS threads a run may start. Off Linux the readings are `None`.

use std::time::Duration;

/// One reading of the process's resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    /// Resident set: bytes of memory the process has in RAM.
    pub rss_bytes: u64,
    /// Virtual size: bytes of address space mapped (reserved stacks included).
    pub vm_bytes: u64,
    /// OS threads of the process.
    pub threads: u64,
}

/// Read the process's usage now.
///
/// ```
/// if let Some(u) = demos_core::usage::now() {
///     assert!(u.rss_bytes > 0 && u.vm_bytes >= u.rss_bytes && u.threads >= 1);
/// }
/// ```
pub fn now() -> Option<Usage> {
    #[cfg(target_os = "linux")]
    {
        let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
        let mut pages = statm.split_whitespace().map(|p| p.parse::<u64>().ok());
        let (vm, rss) = (pages.next()??, pages.next()??);
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let threads = status.lines().find_map(|l| l.strip_prefix("Threads:"))?.trim().parse().ok()?;
        let page = page_size();
        Some(Usage { rss_bytes: rss * page, vm_bytes: vm * page, threads })
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// CPU time the calling thread has used, from its own clock
/// (`CLOCK_THREAD_CPUTIME_ID`); `None` where there is none.
///
/// ```
/// if let Some(before) = demos_core::usage::thread_cpu_time() {
///     let spin = std::time::Instant::now();
///     while spin.elapsed().as_millis() < 2 {}
///     assert!(demos_core::usage::thread_cpu_time().unwrap() > before);
/// }
/// ```
pub fn thread_cpu_time() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        use nix::time::{ClockId, clock_gettime};
        let t = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).ok()?;
        Some(Duration::new(t.tv_sec() as u64, t.tv_nsec() as u32))
    }
    #[cfg(not(target_os = "linux"))]
    None
}

#[cfg(target_os = "linux")]
fn page_size() -> u64 {
    use nix::unistd::{SysconfVar, sysconf};
    sysconf(SysconfVar::PAGE_SIZE).ok().flatten().map_or(4096, |p| p as u64)
}

/// The highest usage seen by a thread that reads it every `every` until
/// stopped: peaks a single reading at the end would miss.
#[derive(Debug)]
pub struct Sampler {
    stop: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<Usage>,
}

impl Sampler {
    /// Start reading every `every`. The sampler's own thread is not counted.
    pub fn start(every: Duration) -> Self {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("usage-sampler".into())
            .spawn(move || {
                let mut peak = Usage::default();
                loop {
                    if let Some(u) = now() {
                        peak.rss_bytes = peak.rss_bytes.max(u.rss_bytes);
                        peak.vm_bytes = peak.vm_bytes.max(u.vm_bytes);
                        peak.threads = peak.threads.max(u.threads.saturating_sub(1));
                    }
                    match stopped.recv_timeout(every) {
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
                        _ => return peak,
                    }
                }
            })
            .expect("the OS starts one sampler thread");
        Self { stop, thread }
    }

    /// Stop; the peaks seen, up to the last reading (at most one interval ago).
    pub fn stop(self) -> Usage {
        let _ = self.stop.send(());
        self.thread.join().unwrap_or_default()
    }
}

/// The soft limit on open file descriptors, raised to the hard limit first
/// (as servers do) when it is lower: every TCP connection on loopback takes
/// two, its client end and its server end.
pub fn raise_fd_limit() -> u64 {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::resource::{Resource, getrlimit, setrlimit};
        if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
            if soft < hard && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
                return hard;
            }
            return soft;
        }
    }
    1024
}

/// The most OS threads a run starts, whatever the machine allows.
pub const MAX_OS_THREADS: u64 = 10_000;

/// How many OS threads a run may start here, and why: [`MAX_OS_THREADS`],
/// or half of what the kernel allows in all (`kernel.pid_max`,
/// `kernel.threads-max`) or this user may run (`ulimit -u`), whichever is
/// least — the rest of the machine keeps the other half.
pub fn os_thread_limit() -> (u64, String) {
    let mut limit = (MAX_OS_THREADS, format!("the demos' own bound of {MAX_OS_THREADS}"));
    #[cfg(target_os = "linux")]
    {
        let read = |path: &str| std::fs::read_to_string(path).ok().and_then(|v| v.trim().parse::<u64>().ok());
        let nproc =
            nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NPROC).ok().map(|l| l.0);
        for (value, name) in [
            (read("/proc/sys/kernel/pid_max"), "kernel.pid_max"),
            (read("/proc/sys/kernel/threads-max"), "kernel.threads-max"),
            (nproc, "ulimit -u"),
        ] {
            if let Some(v) = value.map(|v| v / 2).filter(|&v| v < limit.0) {
                limit = (v, format!("half of {name} ({})", v * 2));
            }
        }
    }
    limit
}

// claim: C-std-default-stack
/// The stack a thread started by `std::thread::spawn` reserves: `RUST_MIN_STACK`
/// when set, else Rust's default of 2 MiB.
pub fn default_stack_bytes() -> u64 {
    std::env::var("RUST_MIN_STACK").ok().and_then(|v| v.parse().ok()).unwrap_or(2 * 1024 * 1024)
}

/// The CPUs this process may run on: its main thread's affinity mask (the
/// process id names the main thread). `available_parallelism()` reads the
/// *calling* thread's mask, which a runtime that pins its threads (thread-per-
/// core) has narrowed to one CPU; a figure about the machine must not change
/// with the thread that asks. Falls back to `available_parallelism()`.
///
/// ```
/// assert!(demos_core::usage::process_cores() >= 1);
/// ```
pub fn process_cores() -> usize {
    use nix::sched::{CpuSet, sched_getaffinity};
    match sched_getaffinity(nix::unistd::Pid::this()) {
        Ok(set) => (0..CpuSet::count()).filter(|&c| set.is_set(c).unwrap_or(false)).count().max(1),
        Err(_) => std::thread::available_parallelism().map_or(1, usize::from),
    }
}
