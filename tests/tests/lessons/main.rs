//! Lessons that time something, pinned at their defaults on every runtime.
//!
//! A speedup or an overlap is a wall-clock ratio, and a test running beside
//! it takes cores from it. So these run alone: under `cargo test` every test
//! here first takes [`demos_tests::alone`], a process-wide lock (cargo runs
//! test binaries one after another, so nothing else runs beside them); under
//! nextest, `.config/nextest.toml` gives this binary every test thread, and
//! `.ci/run` runs it in an invocation of its own with one thread. Each bound
//! still takes the best of several runs, since other programs share the
//! machine too.

mod pools;
