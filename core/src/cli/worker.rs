//! The hidden worker subcommands: a scenario run as a child process
//! (`__child`, for async-std's other worker counts) and a process-pool job
//! (`__sum-squares`).

use std::ffi::OsString;
use std::process::ExitCode;

use super::{Command, emit, parse, run_parsed, usage_error};
use crate::{Env, Runtime, child, scenario};

pub(super) fn serve_child(rt: &dyn Runtime, name: &str, config: &str, env: Env) -> Result<bool, String> {
    child::stop_when_parent_asks();
    child::mark_serving();
    let s = scenario::find(name).ok_or_else(|| format!("unknown scenario '{name}'"))?;
    let cfg = serde_json::from_str(config).map_err(|e| format!("bad --config: {e}"))?;
    s.prepare(&cfg)?;
    let outcome = s.run(rt, &cfg, &env);
    env.log.finish();
    emit(&outcome.report.to_json_line());
    Ok(true)
}

/// For programs holding several runtimes (such as `compare`): when the process
/// was started as a hidden worker (`__child`, `__sum-squares`), serve it on the
/// runtime its `--runtime` names (the first one if none) and return the exit
/// status; otherwise `None`, and the program parses its own command line.
pub fn serve_worker(runtimes: &[&dyn Runtime]) -> Option<ExitCode> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let hidden = args.get(1).is_some_and(|a| a == child::SUBCOMMAND || a == child::SUM_SQUARES);
    let first = runtimes.first()?;
    if !hidden {
        return None;
    }
    // The worker's command line is parsed by clap, like any other; its
    // `--runtime` then picks which of the runtimes serves it.
    let name = "demos worker";
    let cli = match parse(name, args, []) {
        Ok(cli) => cli,
        Err(code) => return Some(code),
    };
    let rt = match &cli.command {
        Command::Child { runtime: Some(asked), .. } => match runtimes.iter().find(|rt| rt.name() == asked) {
            Some(rt) => *rt,
            None => {
                let known: Vec<&str> = runtimes.iter().map(|rt| rt.name()).collect();
                let message = format!("no runtime '{asked}' here; expected one of {}", known.join(", "));
                return Some(usage_error(name, &message));
            }
        },
        _ => *first, // the process-pool job and an unnamed child run on any runtime
    };
    Some(run_parsed(rt, name, &cli))
}
