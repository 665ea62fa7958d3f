//! The `python` column: the seed's eight scenarios on CPython
//! (`python/demos.py`), run as a child process with the configuration every
//! Rust runtime ran, its one JSON report read back as a [`Report`] like theirs.
//!
//! The interpreter is `python3` from the PATH, or the program
//! `RUNTIME_DEMOS_PYTHON` names; it must be Python 3.10 or later, the version
//! the Python side is written for. The script is found in this source tree.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use demos_core::Report;

/// The column's name, as `--runtime` takes it.
pub(crate) const NAME: &str = "python";

/// The environment variable that names the interpreter instead of `python3`.
pub(crate) const INTERPRETER_VAR: &str = "RUNTIME_DEMOS_PYTHON";

/// The scenarios the Python side has: the seed's eight.
pub(crate) const SCENARIOS: [&str; 8] =
    ["race", "ordering", "futures", "pools", "bridge", "threads", "scheduling", "queue"];

/// The line said when no interpreter fit, in place of the column.
pub(crate) const SKIPPED: &str = "python: skipped (no python3 ≥ 3.10 found)";

/// Whether the Python side has `scenario`.
pub(crate) fn has(scenario: &str) -> bool {
    SCENARIOS.contains(&scenario)
}

/// An interpreter that runs the Python side, and the script it runs.
#[derive(Debug, Clone)]
pub(crate) struct Python {
    program: OsString,
    script: PathBuf,
}

/// A Python run that gave a report: the report, and whether the child's exit
/// status agreed that every check held (status 0).
#[derive(Debug)]
pub(crate) struct Ran {
    pub(crate) report: Report,
    pub(crate) exited_ok: bool,
}

/// The interpreter to use, when one that is 3.10 or later runs and the script is there.
pub(crate) fn find() -> Option<Python> {
    let program =
        std::env::var_os(INTERPRETER_VAR).filter(|p| !p.is_empty()).unwrap_or_else(|| "python3".into());
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../python/demos.py");
    if !script.is_file() {
        return None;
    }
    let out = Command::new(&program)
        .args(["-c", "import sys; print(*sys.version_info[:2])"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace().map(|p| p.parse::<u32>());
    match (out.status.success(), parts.next(), parts.next()) {
        (true, Some(Ok(major)), Some(Ok(minor))) if (major, minor) >= (3, 10) => {
            Some(Python { program, script })
        }
        _ => None,
    }
}

impl Python {
    /// Run `scenario` with `cfg` (already validated by the Rust side, whose
    /// option names and limits the Python side shares): its report, or one
    /// line saying why there is none.
    pub(crate) fn run(
        &self,
        scenario: &str,
        cfg: &serde_json::Value,
        threads: usize,
        seed: u64,
        allow_long: bool,
    ) -> Result<Ran, String> {
        let mut command = Command::new(&self.program);
        command.arg(&self.script).arg(scenario).arg("--json").arg("--quiet");
        command.args(["--threads", &threads.to_string(), "--seed", &seed.to_string()]);
        command.args(options(cfg));
        if allow_long {
            command.arg("--allow-long");
        }
        // The child shares this process group, so Ctrl-C reaches it too: it
        // stops, prints its partial report and exits 130.
        let out = command
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("could not start {}: {e}", self.program.to_string_lossy()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let report =
            stdout.lines().rev().find(|l| !l.trim().is_empty()).and_then(|l| serde_json::from_str(l).ok());
        match (report, out.status.code()) {
            (Some(report), Some(code @ (0 | 1 | 130))) => Ok(Ran { report, exited_ok: code != 1 }),
            (_, code) => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("nothing on stderr");
                let status = code.map_or("was killed by a signal".to_string(), |c| format!("exited {c}"));
                Err(format!("its child process {status} with no report ({})", last.trim()))
            }
        }
    }
}

/// The configuration as the Python side's options: `max_sleep_ms: 50` is
/// `--max-sleep-ms 50`; an option left unset (null) is not passed.
fn options(cfg: &serde_json::Value) -> Vec<String> {
    let Some(fields) = cfg.as_object() else { return Vec::new() };
    fields
        .iter()
        .filter(|(_, v)| !v.is_null())
        .flat_map(|(k, v)| {
            let value = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            [format!("--{}", k.replace('_', "-")), value]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_becomes_the_options_it_was_parsed_from() {
        let cfg = serde_json::json!({"cpu_jobs": null, "io_jobs": 10, "max_sleep_ms": 50});
        assert_eq!(options(&cfg), ["--io-jobs", "10", "--max-sleep-ms", "50"]);
    }
}
