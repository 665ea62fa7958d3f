//! files: what "async file I/O" really is on each executor. The run writes
//! `--files` files of seeded sizes into a directory of its own under the
//! system's temp dir, then reads them all, `--concurrency` at a time, with the
//! runtime's own file API — `tokio::fs::read`, smol's `async-fs`,
//! `async_std::fs::read`, `std::fs::read` on a rayon pool, `compio::fs::read` —
//! while a sampler counts the process's OS threads.
//!
// claim: C-tokio-fs-blocking
//! tokio's, async-fs's and async-std's file calls are blocking reads run on a
//! blocking pool (tokio's docs say so): each read in flight holds a pool
//! thread, and the run counts the threads that start. compio on io_uring hands
//! the open and the read to the kernel; on its poll driver the same calls go to
//! its thread pool. std-threads reads on a pool of one thread per read in flight.
//!
//! Three phases read every file once each: warm (the pages the writes left in
//! the page cache), then cold, after `posix_fadvise(POSIX_FADV_DONTNEED)` on
//! each file asked the kernel to drop them (no privilege needed; the run says
//! so when it could not, as on tmpfs, whose pages are the files), then cold
//! again (the pages dropped once more) with the blocking pool limited to
//! `--pool-limit` threads, fewer than the reads in flight, so that reads wait
//! for a pool thread while others wait for the disk: tokio a
//! `current_thread` runtime built with `max_blocking_threads`, smol and
//! async-std `blocking::set_max_blocking_threads` (process-wide: the run waits
//! until the threads over the limit have left, which they do after 500 ms
//! idle), std-threads a rayon pool of that size, compio a runtime built with
//! `thread_pool_limit`, whose io_uring reads do not use the pool at all.
//!
//! Checked: every file was read exactly once in each phase, and every byte
//! read equals what was written (a checksum per file). The directory is
//! removed at the end of the run, on a panic and on Ctrl-C.
//!
//! Run it: `cargo run -p demos-tokio -- files`

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::report::{counted, format_ms};
use crate::scenario::scale::bytes;
use crate::scenario::{Column, count, each, listed, names_where, size};
use crate::{Check, Env, Observed, Runtime, Scenario};

/// The most bytes the directory may hold: `--files` × `--max-kib`.
pub const MAX_TOTAL_KIB: u64 = 64 * 1024;

/// Configuration of the files scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct FilesConfig {
    /// Files written, then read (--files × --max-kib at most 64 MiB)
    #[arg(long, default_value_t = 256, value_parser = size::<1, 4_096>, allow_negative_numbers = true)]
    pub files: usize,
    /// The smallest file, in KiB (sizes are drawn from the seed)
    #[arg(long, default_value_t = 4, value_parser = count::<1, 16_384>, allow_negative_numbers = true)]
    pub min_kib: u64,
    /// The largest file, in KiB
    #[arg(long, default_value_t = 64, value_parser = count::<1, 16_384>, allow_negative_numbers = true)]
    pub max_kib: u64,
    /// Reads in flight at once (tasks reading, or pool threads on std-threads)
    #[arg(long, default_value_t = 32, value_parser = size::<1, 256>, allow_negative_numbers = true)]
    pub concurrency: usize,
    /// Threads the blocking pool may use in the last phase, below --concurrency so that reads queue
    #[arg(long, default_value_t = 4, value_parser = size::<1, 64>, allow_negative_numbers = true)]
    pub pool_limit: usize,
}

impl Default for FilesConfig {
    fn default() -> Self {
        Self { files: 256, min_kib: 4, max_kib: 64, concurrency: 32, pool_limit: 4 }
    }
}

impl FilesConfig {
    /// The seeded size of each file, in bytes.
    pub fn sizes(&self, seed: u64) -> Vec<usize> {
        let mut rng = fastrand::Rng::with_seed(seed);
        (0..self.files).map(|_| rng.u64(self.min_kib * 1024..=self.max_kib * 1024) as usize).collect()
    }
}

/// A checksum of a file's bytes (FNV-1a, 64 bits): what was written is
/// compared with what was read.
pub fn checksum(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The run's directory under `std::env::temp_dir()`, with the files in it.
/// Dropping it removes the directory; a second Ctrl-C, which leaves at once,
/// removes it too ([`crate::interrupt::remove_on_exit`]).
#[derive(Debug)]
pub struct TempFiles {
    dir: PathBuf,
    paths: Vec<PathBuf>,
    sums: Vec<u64>,
    lens: Vec<usize>,
}

impl TempFiles {
    /// Write `cfg.files` files of seeded sizes and contents, each synced to
    /// disk (so its pages are clean and can be dropped for the cold phase).
    pub fn create(cfg: &FilesConfig, seed: u64) -> std::io::Result<Self> {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let name = format!("runtime-demos-files-{}-{}", std::process::id(), RUNS.fetch_add(1, Relaxed));
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir(&dir)?; // fails rather than reuse a directory that exists
        crate::interrupt::remove_on_exit(&dir);
        let mut files = Self { dir, paths: Vec::new(), sums: Vec::new(), lens: Vec::new() };
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed_f11e);
        // Ctrl-C stops the writing too: the phases then read nothing, and the directory goes.
        for (i, len) in crate::interrupt::until_stopped(cfg.sizes(seed).into_iter().enumerate()) {
            let mut data = vec![0u8; len];
            rng.fill(&mut data);
            let path = files.dir.join(format!("{i:05}.bin"));
            let mut f = std::fs::File::create_new(&path)?;
            f.write_all(&data)?;
            f.sync_all()?;
            files.sums.push(checksum(&data));
            files.lens.push(len);
            files.paths.push(path);
        }
        Ok(files)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Bytes written in all.
    pub fn bytes(&self) -> u64 {
        self.lens.iter().map(|&l| l as u64).sum()
    }

    /// A phase that reads every file once.
    pub fn phase(&self) -> Phase {
        Phase {
            paths: self.paths.clone(),
            next: AtomicUsize::new(0),
            reads: Mutex::new(Vec::with_capacity(self.paths.len())),
            started: Instant::now(),
        }
    }

    /// Ask the kernel to drop each file's cached pages
    /// (`posix_fadvise(POSIX_FADV_DONTNEED)`): how the cold phase is made
    /// without privileges.
    pub fn drop_cache(&self) -> Cold {
        #[cfg(target_os = "linux")]
        {
            use nix::fcntl::{PosixFadviseAdvice, posix_fadvise};
            use nix::sys::statfs::{TMPFS_MAGIC, statfs};
            if statfs(&self.dir).is_ok_and(|s| s.filesystem_type() == TMPFS_MAGIC) {
                return Cold::Tmpfs;
            }
            let refused = self
                .paths
                .iter()
                .filter(|p| {
                    let Ok(f) = std::fs::File::open(p) else { return true };
                    posix_fadvise(&f, 0, 0, PosixFadviseAdvice::POSIX_FADV_DONTNEED).is_err()
                })
                .count();
            if refused > 0 { Cold::Refused(refused as u64) } else { Cold::Dropped }
        }
        #[cfg(not(target_os = "linux"))]
        Cold::Unsupported
    }
}

impl Drop for TempFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        crate::interrupt::removed(&self.dir);
    }
}

/// Whether the cold phase could be made cold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cold {
    /// The kernel took the advice for every file.
    Dropped,
    /// The temp dir is on tmpfs: its pages are the files, nothing to drop.
    Tmpfs,
    /// `posix_fadvise` failed for this many files.
    Refused(u64),
    /// No `posix_fadvise` here.
    Unsupported,
}

/// One phase's reads: each reader takes the next file with [`Phase::next`],
/// reads it and hands the bytes to [`Phase::done`].
#[derive(Debug)]
pub struct Phase {
    paths: Vec<PathBuf>,
    next: AtomicUsize,
    reads: Mutex<Vec<Read>>,
    started: Instant,
}

/// One read: the file's index, how long it took, what it returned.
type Read = (usize, Duration, std::io::Result<Vec<u8>>);

/// A file taken to be read, and when.
#[derive(Debug)]
pub struct Taken {
    index: usize,
    path: PathBuf,
    at: Instant,
}

impl Taken {
    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Phase {
    /// The next file to read, or `None` when every file was taken or Ctrl-C
    /// was pressed.
    pub fn next(&self) -> Option<Taken> {
        if crate::interrupt::requested() {
            return None;
        }
        let index = self.next.fetch_add(1, Relaxed);
        let path = self.paths.get(index)?.clone();
        Some(Taken { index, path, at: Instant::now() })
    }

    /// The read of `file` returned `read`: its latency is from [`Phase::next`] to now.
    pub fn done(&self, file: Taken, read: std::io::Result<Vec<u8>>) {
        let took = file.at.elapsed();
        self.reads.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((file.index, took, read));
    }

    /// The phase's figures, checked against what was written.
    pub fn finish(&self, files: &TempFiles) -> PhaseFigures {
        let elapsed = self.started.elapsed();
        let reads =
            std::mem::take(&mut *self.reads.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        let mut times = vec![0u64; files.paths.len()];
        let mut f = PhaseFigures { reads: reads.len() as u64, ..PhaseFigures::default() };
        let mut us: Vec<f64> = Vec::with_capacity(reads.len());
        for (index, took, read) in reads {
            times[index] += 1;
            us.push(took.as_secs_f64() * 1e6);
            match read {
                Ok(data) if checksum(&data) == files.sums[index] && data.len() == files.lens[index] => {
                    f.bytes_read += data.len() as u64;
                }
                Ok(data) => {
                    f.bytes_read += data.len() as u64;
                    f.corrupt += 1;
                }
                Err(_) => f.corrupt += 1,
            }
        }
        f.not_once = times.iter().filter(|&&t| t != 1).count() as u64;
        us.sort_by(f64::total_cmp);
        let at = |q: f64| us.get(((us.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        f.p50_us = at(0.5);
        f.p99_us = at(0.99);
        f.reads_per_s = f.reads as f64 / elapsed.as_secs_f64().max(1e-9);
        f
    }
}

/// What one phase measured.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PhaseFigures {
    /// Reads that returned.
    pub reads: u64,
    /// Bytes they returned.
    pub bytes_read: u64,
    /// Reads whose bytes differed from what was written, or that failed.
    pub corrupt: u64,
    /// Files read other than once.
    pub not_once: u64,
    /// Reads per second over the phase.
    pub reads_per_s: f64,
    /// The median read's latency, in µs.
    pub p50_us: f64,
    /// The 99th-percentile read's latency, in µs.
    pub p99_us: f64,
}

/// The process's OS threads, sampled every 200 µs by a thread of its own
/// (not counted) while the reads run: how many were alive at most, and
/// which ones started meanwhile.
#[derive(Debug)]
pub struct ThreadWatch {
    before: HashSet<u64>,
    stop: std::sync::mpsc::Sender<()>,
    sampler: std::thread::JoinHandle<Sampled>,
}

/// What the sampler thread saw: the peak, every thread, the peak of those named.
type Sampled = (u64, HashSet<u64>, u64);

/// The threads of this process, by id (`/proc/self/task`); empty off Linux.
fn thread_ids() -> HashSet<u64> {
    std::fs::read_dir("/proc/self/task")
        .map(|d| d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect())
        .unwrap_or_default()
}

/// How many of `ids` carry a name that starts with `prefix` (the kernel's
/// copy of a thread's name, `/proc/self/task/<id>/comm`).
fn named(ids: &HashSet<u64>, prefix: &str) -> u64 {
    ids.iter()
        .filter(|id| {
            std::fs::read_to_string(format!("/proc/self/task/{id}/comm")).is_ok_and(|c| c.starts_with(prefix))
        })
        .count() as u64
}

/// How many threads of this process carry a name that starts with `prefix`.
pub fn threads_named(prefix: &str) -> u64 {
    named(&thread_ids(), prefix)
}

/// Wait, up to 3 s, until at most `limit` threads of this process carry a
/// name that starts with `prefix`, and log how long that took: a
/// process-wide pool whose limit was just lowered (the `blocking` crate's)
/// lets the threads over it go only once they have been idle for 500 ms.
/// The wait blocks the calling thread; nothing else runs meanwhile.
pub fn shrink_pool(log: &crate::Log, prefix: &str, limit: usize) -> Option<Duration> {
    let (start, within) = (Instant::now(), Duration::from_secs(3));
    let before = threads_named(prefix);
    loop {
        let now = threads_named(prefix);
        if now <= limit as u64 {
            log.line(format!(
                "blocking pool limited to {}: of its {before} `{prefix}*` threads, {now} were left after {} ms \
                 (threads over a lowered limit leave once idle for 500 ms)",
                counted(limit as u64, "thread"),
                start.elapsed().as_millis()
            ));
            return Some(start.elapsed());
        }
        if start.elapsed() >= within || crate::interrupt::requested() {
            log.line(format!(
                "blocking pool limited to {}: {now} `{prefix}*` threads still there after {} ms",
                counted(limit as u64, "thread"),
                start.elapsed().as_millis()
            ));
            return None;
        }
        std::thread::sleep(Duration::from_millis(5)); // polling a count the pool lowers by itself
    }
}

/// What a [`ThreadWatch`] saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThreadsSeen {
    /// Threads alive when the watch started.
    pub before: u64,
    /// The most alive at once while it ran.
    pub peak: u64,
    /// Threads that started while it ran.
    pub started: u64,
    /// The most alive at once whose name starts with the prefix watched for (0 if none was).
    pub named_peak: u64,
}

impl ThreadWatch {
    /// Note the threads alive now and start sampling.
    pub fn start() -> Self {
        Self::start_naming(None)
    }

    /// [`ThreadWatch::start`], also counting the threads whose name starts
    /// with `prefix` (sampled every millisecond: each is a file to read).
    pub fn start_naming(prefix: Option<&'static str>) -> Self {
        let before = thread_ids();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let every = Duration::from_micros(if prefix.is_some() { 1_000 } else { 200 });
        let sampler = std::thread::Builder::new()
            .name("thread-sampler".into())
            .spawn(move || {
                let me = nix::unistd::gettid().as_raw() as u64;
                let (mut peak, mut seen, mut named_peak) = (0u64, HashSet::new(), 0u64);
                loop {
                    let mut now = thread_ids();
                    now.remove(&me);
                    peak = peak.max(now.len() as u64);
                    if let Some(prefix) = prefix {
                        named_peak = named_peak.max(named(&now, prefix));
                    }
                    seen.extend(now);
                    match stopped.recv_timeout(every) {
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
                        _ => return (peak, seen, named_peak),
                    }
                }
            })
            .expect("the OS starts one sampler thread");
        Self { before, stop, sampler }
    }

    /// Stop sampling (a last reading is taken first).
    pub fn stop(self) -> ThreadsSeen {
        let _ = self.stop.send(());
        let (peak, seen, named_peak) = self.sampler.join().unwrap_or_default();
        let started = seen.difference(&self.before).count() as u64;
        ThreadsSeen {
            before: self.before.len() as u64,
            peak: peak.max(self.before.len() as u64),
            started,
            named_peak,
        }
    }
}

/// How the last phase counts the limited pool's threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolThreads {
    /// The pool is new for the phase (a runtime or a pool built for it): its
    /// threads are those that start during the phase.
    New,
    /// The pool is the process's own and keeps its threads from earlier
    /// phases: those alive at most at once, by the name they carry.
    Named(&'static str),
}

/// A run of the files scenario: the files written, the threads watched, and
/// the phases in turn. A runtime's code is
/// `while let Some(phase) = run.next_phase() { /* read them all */ run.end(phase) }`,
/// then, on a pool limited to `cfg.pool_limit` threads,
/// `if let Some(phase) = run.limited_phase(how) { /* read them all */ run.end_limited(phase) }`.
#[derive(Debug)]
pub struct FilesRun {
    files: TempFiles,
    watch: Option<ThreadWatch>,
    threads: Option<ThreadsSeen>,
    warm: Option<PhaseFigures>,
    dropped: Option<Cold>,
    cold: Option<(Cold, PhaseFigures)>,
    limited_watch: Option<(ThreadWatch, PoolThreads)>,
    limited: Option<(PhaseFigures, u64, Cold)>,
    limited_cold: Option<Cold>,
}

impl FilesRun {
    /// Write the files, then start counting threads.
    pub fn start(cfg: &FilesConfig, seed: u64) -> Self {
        let files = TempFiles::create(cfg, seed).unwrap_or_else(|e| {
            panic!("could not write the files under {}: {e}", std::env::temp_dir().display())
        });
        Self {
            files,
            watch: Some(ThreadWatch::start()),
            threads: None,
            warm: None,
            dropped: None,
            cold: None,
            limited_watch: None,
            limited: None,
            limited_cold: None,
        }
    }

    /// The next phase to read: warm, then cold (the pages dropped first);
    /// `None` after both, or once Ctrl-C was pressed.
    pub fn next_phase(&mut self) -> Option<std::sync::Arc<Phase>> {
        if crate::interrupt::requested() || self.cold.is_some() {
            return None;
        }
        Some(std::sync::Arc::new(self.files.phase()))
    }

    /// The phase's readers are done.
    pub fn end(&mut self, phase: std::sync::Arc<Phase>) {
        // The readers have ended; a task's handle may resolve before its future (and its
        // clone of the phase) is dropped, so the phase is read through the shared handle.
        let figures = phase.finish(&self.files);
        if self.warm.is_none() {
            self.warm = Some(figures);
            self.dropped = Some(self.files.drop_cache());
        } else {
            self.cold = Some((self.dropped.unwrap_or(Cold::Unsupported), figures));
            self.threads = self.watch.take().map(ThreadWatch::stop);
        }
    }

    /// The last phase, once the runtime has its pool limited to
    /// `cfg.pool_limit` threads (a new pool built, or the process's own
    /// lowered and shrunk to it): its threads are counted `how`. `None`
    /// before the cold phase ended, or once Ctrl-C was pressed.
    pub fn limited_phase(&mut self, how: PoolThreads) -> Option<std::sync::Arc<Phase>> {
        if crate::interrupt::requested() || self.cold.is_none() || self.limited.is_some() {
            return None;
        }
        let prefix = match how {
            PoolThreads::New => None,
            PoolThreads::Named(prefix) => Some(prefix),
        };
        // Cold again: with the pages dropped a read waits for the disk, and how many wait at
        // once is what the pool's limit decides.
        self.limited_cold = Some(self.files.drop_cache());
        self.limited_watch = Some((ThreadWatch::start_naming(prefix), how));
        Some(std::sync::Arc::new(self.files.phase()))
    }

    /// The last phase's readers are done.
    pub fn end_limited(&mut self, phase: std::sync::Arc<Phase>) {
        let figures = phase.finish(&self.files);
        if let Some((watch, how)) = self.limited_watch.take() {
            let seen = watch.stop();
            let pool = match how {
                PoolThreads::New => seen.started,
                PoolThreads::Named(_) => seen.named_peak,
            };
            self.limited = Some((figures, pool, self.limited_cold.unwrap_or(Cold::Unsupported)));
        }
    }

    /// The figures; `has_pool` where the runtime reads on a blocking pool beside its executor.
    pub fn metrics(mut self, cfg: &FilesConfig, has_pool: bool) -> FilesMetrics {
        let threads = self.threads.or_else(|| self.watch.take().map(ThreadWatch::stop)).unwrap_or_default();
        let warm = self.warm.unwrap_or_default();
        let mut m = FilesMetrics::new(&self.files, cfg, warm, self.cold, threads, has_pool);
        if let Some((l, pool, how)) = self.limited {
            m.limited_cold = how == Cold::Dropped;
            m.count_in(&l);
            m.limited_pool_threads = Some(pool);
            m.limited_reads_per_s = Some(l.reads_per_s);
            m.limited_p50_us = Some(l.p50_us);
            m.limited_p99_us = Some(l.p99_us);
        }
        m
    }
}

/// What the files scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FilesMetrics {
    /// Files written (and read in each phase).
    pub files: u64,
    /// Reads in flight at once.
    pub concurrency: u64,
    /// Last phase: the threads the blocking pool may use.
    pub pool_limit: u64,
    /// Bytes written in all.
    pub bytes_written: u64,
    /// Bytes read, over both phases.
    pub bytes_read: u64,
    /// Reads that returned, over both phases.
    pub reads: u64,
    /// Reads whose bytes differed from what was written (by length or checksum), or that failed.
    pub corrupt_reads: u64,
    /// Files that a phase read other than exactly once.
    pub files_not_read_once: u64,
    /// Warm phase: reads per second.
    pub reads_per_s: f64,
    /// Warm phase: the median read, in µs (from taking the file to its bytes).
    pub p50_us: f64,
    /// Warm phase: the 99th-percentile read, in µs.
    pub p99_us: f64,
    /// Whether the cold phase ran with every file's pages dropped.
    pub cold: bool,
    /// The temp dir is on tmpfs, so no phase could be cold.
    pub cold_tmpfs: bool,
    /// Files whose pages `posix_fadvise` refused to drop.
    pub cold_refused: u64,
    /// Cold phase: reads per second (`null` when it did not run).
    pub cold_reads_per_s: Option<f64>,
    /// Cold phase: the median read, in µs.
    pub cold_p50_us: Option<f64>,
    /// Cold phase: the 99th-percentile read, in µs.
    pub cold_p99_us: Option<f64>,
    /// OS threads alive before the reads (the executor's included).
    pub os_threads_before: u64,
    /// The most OS threads alive at once during the reads (sampled).
    pub os_threads_peak: u64,
    /// Threads that started during the reads.
    pub threads_started: u64,
    /// The blocking pool's threads that did the reads: those started during
    /// them (`null` where the runtime has no pool beside its executor).
    pub blocking_threads_peak: Option<u64>,
    /// Last phase: the limited pool's threads (started during it, or, for a
    /// process-wide pool, alive at most at once); `null` when it did not run.
    pub limited_pool_threads: Option<u64>,
    /// Whether the last phase ran with every file's pages dropped, as the cold one.
    pub limited_cold: bool,
    /// Last phase: reads per second.
    pub limited_reads_per_s: Option<f64>,
    /// Last phase: the median read, in µs.
    pub limited_p50_us: Option<f64>,
    /// Last phase: the 99th-percentile read, in µs.
    pub limited_p99_us: Option<f64>,
    /// Last phase, where its readers ran on a runtime or a pool built for it
    /// (not on the executor of the first two): the threads seen running them,
    /// counted apart from the report's `workers_observed`; `null` elsewhere.
    #[serde(default)]
    pub limited_workers: Option<u64>,
}

impl FilesMetrics {
    /// The figures of the warm phase, the cold one (if it ran) and the threads.
    pub fn new(
        files: &TempFiles,
        cfg: &FilesConfig,
        warm: PhaseFigures,
        cold: Option<(Cold, PhaseFigures)>,
        threads: ThreadsSeen,
        has_pool: bool,
    ) -> Self {
        let mut m = Self {
            files: cfg.files as u64,
            concurrency: cfg.concurrency as u64,
            pool_limit: cfg.pool_limit as u64,
            bytes_written: files.bytes(),
            bytes_read: warm.bytes_read,
            reads: warm.reads,
            corrupt_reads: warm.corrupt,
            files_not_read_once: warm.not_once,
            reads_per_s: warm.reads_per_s,
            p50_us: warm.p50_us,
            p99_us: warm.p99_us,
            os_threads_before: threads.before,
            os_threads_peak: threads.peak,
            threads_started: threads.started,
            blocking_threads_peak: has_pool.then_some(threads.started),
            ..Self::default()
        };
        if let Some((how, c)) = cold {
            m.cold = how == Cold::Dropped;
            m.cold_tmpfs = how == Cold::Tmpfs;
            m.cold_refused = if let Cold::Refused(n) = how { n } else { 0 };
            m.count_in(&c);
            m.cold_reads_per_s = Some(c.reads_per_s);
            m.cold_p50_us = Some(c.p50_us);
            m.cold_p99_us = Some(c.p99_us);
        }
        m
    }

    /// Add a later phase's reads to the counts the checks read (the first
    /// phase's are the counts' start).
    fn count_in(&mut self, phase: &PhaseFigures) {
        self.bytes_read += phase.bytes_read;
        self.reads += phase.reads;
        self.corrupt_reads += phase.corrupt;
        self.files_not_read_once += phase.not_once;
    }

    /// Phases that read the files: 1 to 3.
    pub fn phases(&self) -> u64 {
        1 + u64::from(self.cold_p50_us.is_some()) + u64::from(self.limited_p50_us.is_some())
    }
}

/// The files scenario, implemented by every runtime.
pub trait Files {
    /// Write the files, read them all warm and then cold with the runtime's
    /// file API, `cfg.concurrency` at a time, counting OS threads meanwhile.
    fn files(&self, cfg: &FilesConfig, env: &Env) -> Observed<FilesMetrics>;
}

/// Marker type naming the files scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct FilesScenario;

// claim: C-files-limited
/// The last phase in a sentence, from its figures: the threads the limited
/// pool used against the reads in flight, and what a read took against the
/// same reads with no limit (the cold phase's, when both were cold).
fn limited(m: &FilesMetrics) -> String {
    let (Some(pool), Some(rate), Some(p50), Some(p99)) =
        (m.limited_pool_threads, m.limited_reads_per_s, m.limited_p50_us, m.limited_p99_us)
    else {
        return String::new();
    };
    let (base, base_rate, which) = match (m.limited_cold && m.cold, m.cold_p50_us, m.cold_reads_per_s) {
        (true, Some(p), Some(r)) => (p, r, "the unlimited cold phase's"),
        _ => (m.p50_us, m.reads_per_s, "the unlimited warm phase's"),
    };
    let ratio = p50 / base.max(1e-9);
    let took = format!(
        "a median read took {} (p99 {}), ×{ratio:.1} {which}, at {rate:.0} reads/s against {base_rate:.0}",
        latency(p50),
        latency(p99)
    );
    let (limit, pages) =
        (counted(m.pool_limit, "thread"), if m.limited_cold { " and the pages dropped again" } else { "" });
    // Slower by either measure: a longer median, or fewer reads a second.
    let kept_up = ratio <= 1.1 && rate * 1.1 >= base_rate;
    if pool == 0 {
        let why = if kept_up {
            "reads that do not use the pool do not wait for it"
        } else {
            "slower, but no read used the pool, so its limit is not why"
        };
        return format!(" With the pool limited to {limit}{pages}, no thread started and {took}: {why}.");
    }
    let slower = if kept_up { ": fewer threads did not make the reads slower" } else { "" };
    if m.blocking_threads_peak.is_none() {
        format!(
            " With a pool of {limit} for the {} readers{pages}, {pool} read at a time: {took}{slower}.",
            m.concurrency
        )
    } else if pool < m.concurrency {
        format!(
            " With the pool limited to {limit}{pages}, the {} reads in flight shared {pool} of its threads, so \
             up to {} waited for one at a time: {took}{slower}.",
            m.concurrency,
            m.concurrency - pool
        )
    } else {
        format!(
            " With the pool limited to {limit}{pages}, the {} reads in flight used {pool} of its threads and \
             did not wait for one: {took}.",
            m.concurrency
        )
    }
}

/// A latency as a reader takes it: "85 µs", "1.2 ms".
pub fn latency(us: f64) -> String {
    if us < 1_000.0 { format!("{us:.0} µs") } else { format!("{} ms", format_ms(us / 1e3)) }
}

impl Scenario for FilesScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Files;
    const ABOUT: &'static str =
        "async file reads: a blocking pool's thread per read on tokio, smol, async-std; io_uring on compio";
    type Config = FilesConfig;
    type Metrics = FilesMetrics;

    fn validate(cfg: &FilesConfig) -> Result<(), String> {
        if cfg.min_kib > cfg.max_kib {
            return Err(format!("--min-kib {} is above --max-kib {}", cfg.min_kib, cfg.max_kib));
        }
        let total = cfg.files as u64 * cfg.max_kib;
        if total > MAX_TOTAL_KIB {
            return Err(format!(
                "--files {} × --max-kib {} could write {} MiB; the directory's bound is {} MiB: fewer or smaller files",
                cfg.files,
                cfg.max_kib,
                total.div_ceil(1024),
                MAX_TOTAL_KIB / 1024
            ));
        }
        Ok(())
    }

    /// In a process of its own: the thread counts are the whole process's,
    /// and a blocking pool that earlier runs started would already be there.
    fn observe(rt: &dyn Runtime, cfg: &FilesConfig, env: &Env) -> Observed<FilesMetrics> {
        crate::scenario::in_fresh_process::<FilesScenario>(rt, cfg, env, || rt.files(cfg, env))
    }

    fn checks(_: &FilesConfig, m: &FilesMetrics) -> Vec<Check> {
        let phases = m.phases();
        let mut checks = vec![
            Check::new(
                "every file read exactly once",
                m.files_not_read_once == 0 && m.reads == m.files * phases,
                format!(
                    "{} of {} in {}; {} read other than once",
                    counted(m.reads, "read"),
                    counted(m.files, "file"),
                    counted(phases, "phase"),
                    m.files_not_read_once
                ),
            ),
            Check::new(
                "every byte read equals what was written",
                m.corrupt_reads == 0 && m.bytes_read == m.bytes_written * phases,
                format!(
                    "{} read of {} written × {}; reads corrupt or failed: {}",
                    bytes(m.bytes_read as f64),
                    bytes(m.bytes_written as f64),
                    counted(phases, "phase"),
                    m.corrupt_reads
                ),
            ),
        ];
        // The limit is the runtime's (tokio's, the blocking crate's, rayon's, compio's), and a
        // pool that ran past it, or a process-wide pool that had not shrunk to it, fails here.
        // Where no read used the pool (compio on io_uring) no count could pass the limit: the
        // check would hold by construction, so it is not made, and the figure says why.
        if let Some(pool) = m.limited_pool_threads.filter(|&pool| pool > 0) {
            checks.push(Check::new(
                "the limited pool never ran past its limit",
                pool <= m.pool_limit,
                format!("{} at most, limit {}", counted(pool, "thread"), m.pool_limit),
            ));
        }
        checks
    }

    fn headline(cfg: &FilesConfig) -> String {
        format!(
            "{} of {}–{} KiB (seeded) in a temp dir, read {} at a time with the runtime's file API: once warm, \
             once after asking the kernel to drop their cached pages, and cold once more with the blocking pool \
             limited to {}; measured: how many OS threads the reads took, and how long each read took",
            counted(cfg.files as u64, "file"),
            cfg.min_kib,
            cfg.max_kib,
            cfg.concurrency,
            counted(cfg.pool_limit as u64, "thread")
        )
    }

    fn figures(_: &FilesConfig, m: &FilesMetrics) -> Vec<(String, String)> {
        let mut f = vec![
            (
                "OS threads".into(),
                format!(
                    "{} before the reads, {} at most during them; {} started for them{}",
                    m.os_threads_before,
                    m.os_threads_peak,
                    m.threads_started,
                    if m.blocking_threads_peak.is_some_and(|n| n > 0) {
                        " (the blocking pool's)"
                    } else {
                        ""
                    }
                ),
            ),
            (
                "warm".into(),
                format!(
                    "{:.0} reads/s · p50 {} · p99 {}",
                    m.reads_per_s,
                    latency(m.p50_us),
                    latency(m.p99_us)
                ),
            ),
        ];
        let cold = match (m.cold_reads_per_s, m.cold_p50_us, m.cold_p99_us) {
            (Some(r), Some(p50), Some(p99)) => {
                let how = if m.cold {
                    "pages dropped"
                } else if m.cold_tmpfs {
                    "not cold: the temp dir is on tmpfs"
                } else {
                    "not cold: posix_fadvise refused"
                };
                format!("{r:.0} reads/s · p50 {} · p99 {} ({how})", latency(p50), latency(p99))
            }
            _ => "not run".into(),
        };
        f.push(("cold".into(), cold));
        if let (Some(pool), Some(r), Some(p50), Some(p99)) =
            (m.limited_pool_threads, m.limited_reads_per_s, m.limited_p50_us, m.limited_p99_us)
        {
            let unused = if pool == 0 { "no read used the pool: " } else { "" };
            let readers = m.limited_workers.map_or(String::new(), |n| {
                format!(
                    "; the phase's readers ran on {}, counted apart from the workers above",
                    counted(n, "thread")
                )
            });
            f.push((
                format!("pool of {}", m.pool_limit),
                format!(
                    "{r:.0} reads/s · p50 {} · p99 {} ({unused}{} for {} {}{}{readers})",
                    latency(p50),
                    latency(p99),
                    counted(pool, "thread"),
                    m.concurrency,
                    if m.blocking_threads_peak.is_some() { "reads in flight" } else { "readers" },
                    if m.limited_cold { ", pages dropped" } else { "" }
                ),
            ));
        }
        f.push(("read".into(), format!("{} of {}", bytes(m.bytes_read as f64), counted(m.reads, "read"))));
        f
    }

    const LESSON: &'static [&'static str] = &[
        "threads_started",
        "os_threads_peak",
        "p50_us",
        "p99_us",
        "cold_p50_us",
        "cold_p99_us",
        "limited_pool_threads",
        "limited_p50_us",
    ];

    // The warm phase's figures carry the plain names; the count of reads is every phase's.
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("reads_per_s", "warm reads"),
        ("p50_us", "warm p50"),
        ("p99_us", "warm p99"),
        ("reads", "reads, all phases"),
        ("limited_workers", "limited reader threads"),
    ];

    // claim: C-files-conclude
    fn conclude(cfg: &FilesConfig, columns: &[Column<'_, FilesMetrics>]) -> String {
        let started = each(columns, |c| format!("{:.0}", c.median(|m| m.threads_started as f64)));
        let none = names_where(columns, |c| c.median(|m| m.threads_started as f64) == 0.0);
        let warm = each(columns, |c| latency(c.median(|m| m.p50_us)));
        let mut said = format!(
            "Reading {} files {} at a time, the threads started for the reads were {started}",
            cfg.files, cfg.concurrency
        );
        if !none.is_empty() {
            said.push_str(&format!("; {} read with no thread of its own", listed(&none)));
        }
        said.push_str(&format!(". A warm read's median: {warm}"));
        if columns.iter().any(|c| c.runs.iter().any(|m| m.limited_p50_us.is_some())) {
            let pool =
                each(columns, |c| format!("{:.0}", c.median(|m| m.limited_pool_threads.unwrap_or(0) as f64)));
            let limited = each(columns, |c| latency(c.median(|m| m.limited_p50_us.unwrap_or(0.0))));
            let cold = each(columns, |c| latency(c.median(|m| m.cold_p50_us.unwrap_or(0.0))));
            said.push_str(&format!(
                "; a cold one's: {cold}. Cold again with the pool limited to {}, the threads it used were \
                 {pool}, and a median read took {limited}",
                counted(cfg.pool_limit as u64, "thread")
            ));
        }
        format!("{said}.")
    }

    // claim: C-files-takeaway
    fn takeaway(cfg: &FilesConfig, m: &FilesMetrics, _: &Env) -> String {
        let threads = match m.blocking_threads_peak {
            Some(0) => format!(
                "No thread started for the {} reads ({} in flight at once): the process kept its {} threads, and \
                 no read held a thread while it waited for the file",
                m.reads, cfg.concurrency, m.os_threads_before
            ),
            Some(n) => format!(
                "The {} reads ({} in flight at once) started {}: the process went from {} to a peak of {} OS \
                 threads, because each file read is a blocking call on a pool thread, not asynchronous I/O",
                m.reads,
                cfg.concurrency,
                counted(n, "blocking-pool thread"),
                m.os_threads_before,
                m.os_threads_peak
            ),
            None => format!(
                "The {} reads ({} in flight at once) took a thread each while in flight: the process went from {} to \
                 a peak of {} OS threads",
                m.reads, cfg.concurrency, m.os_threads_before, m.os_threads_peak
            ),
        };
        let cold = match (m.cold, m.cold_p50_us, m.cold_p99_us) {
            (true, Some(p50), Some(p99)) => format!(
                "; with their pages dropped, a median {} (p99 {}), ×{:.1} the warm median",
                latency(p50),
                latency(p99),
                p50 / m.p50_us.max(1e-9)
            ),
            _ if m.cold_tmpfs => {
                "; no cold figure: the temp dir is on tmpfs, whose pages are the files".into()
            }
            _ => "; no cold figure: the kernel refused to drop the pages".into(),
        };
        format!(
            "{threads}. A warm read took a median {} (p99 {}){cold}.{}",
            latency(m.p50_us),
            latency(m.p99_us),
            limited(m)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_is_bounded_and_named_in_the_error() {
        let big = FilesConfig { files: 4_096, max_kib: 1_024, ..FilesConfig::default() };
        assert!(FilesScenario::validate(&big).unwrap_err().contains("bound is 64 MiB"));
        let upside = FilesConfig { min_kib: 9, max_kib: 8, ..FilesConfig::default() };
        assert!(FilesScenario::validate(&upside).is_err());
        assert!(FilesScenario::validate(&FilesConfig::default()).is_ok());
    }

    /// A run's figures after three phases of 4 files, the last with `pool` threads.
    fn three_phases(pool: u64) -> FilesMetrics {
        FilesMetrics {
            files: 4,
            reads: 12,
            concurrency: 4,
            pool_limit: 2,
            p50_us: 40.0,
            cold_p50_us: Some(900.0),
            cold_reads_per_s: Some(1e4),
            cold_p99_us: Some(2e3),
            limited_pool_threads: Some(pool),
            limited_reads_per_s: Some(1e4),
            limited_p50_us: Some(950.0),
            limited_p99_us: Some(2e3),
            blocking_threads_peak: Some(pool),
            ..FilesMetrics::default()
        }
    }

    #[test]
    fn a_limited_phase_that_used_no_pool_says_whether_its_reads_kept_up() {
        let mut m = FilesMetrics { cold: true, limited_cold: true, ..three_phases(0) };
        assert!(
            limited(&m).ends_with("reads that do not use the pool do not wait for it."),
            "{}",
            limited(&m)
        );
        m.limited_p50_us = Some(1_500.0); // ×1.7 the cold phase's median
        let said = limited(&m);
        assert!(said.contains("×1.7 the unlimited cold phase's"), "{said}");
        assert!(said.ends_with("slower, but no read used the pool, so its limit is not why."), "{said}");
    }

    #[test]
    fn the_pool_limit_is_checked_only_where_a_read_used_the_pool() {
        let limit = "the limited pool never ran past its limit";
        let made = |m: &FilesMetrics| FilesScenario::checks(&FilesConfig::default(), m);
        // No read used the pool (compio on io_uring): no count could pass the limit, so no check.
        assert!(made(&three_phases(0)).iter().all(|c| c.name != limit));
        let (within, past) = (made(&three_phases(2)), made(&three_phases(3)));
        assert!(within.iter().any(|c| c.name == limit && c.passed));
        assert!(past.iter().any(|c| c.name == limit && !c.passed));
        // The figure says why the check is missing.
        let figures = FilesScenario::figures(&FilesConfig::default(), &three_phases(0));
        assert!(figures.iter().any(|(_, v)| v.contains("no read used the pool: 0 threads")), "{figures:?}");
    }

    #[test]
    fn the_limited_phases_own_threads_are_said_apart_from_the_workers() {
        let m = FilesMetrics { limited_workers: Some(2), ..three_phases(0) };
        let figures = FilesScenario::figures(&FilesConfig::default(), &m);
        let (_, pool) = figures.iter().find(|(l, _)| l == "pool of 2").expect("the limited phase's figure");
        assert!(pool.contains("readers ran on 2 threads, counted apart from the workers above"), "{pool}");
        let shared = FilesScenario::figures(&FilesConfig::default(), &three_phases(2));
        assert!(shared.iter().all(|(_, v)| !v.contains("counted apart")), "{shared:?}");
    }

    #[test]
    fn a_phase_reads_every_file_once_and_the_directory_goes() {
        let cfg = FilesConfig { files: 5, min_kib: 1, max_kib: 3, concurrency: 2, pool_limit: 1 };
        let files = TempFiles::create(&cfg, 7).unwrap();
        let dir = files.dir().to_path_buf();
        assert!(dir.starts_with(std::env::temp_dir()));
        let phase = files.phase();
        while let Some(file) = phase.next() {
            let read = std::fs::read(file.path());
            phase.done(file, read);
        }
        let f = phase.finish(&files);
        assert_eq!((f.reads, f.corrupt, f.not_once, f.bytes_read), (5, 0, 0, files.bytes()));
        drop(files);
        assert!(!dir.exists());
    }
}
