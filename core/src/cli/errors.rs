//! Errors as the project promises them: one line, naming the bad value and
//! what is allowed, exit status 2 (0 for `--help` and `--version`).

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// Print `name: error: message` on stderr; exit status 2.
pub fn usage_error(name: &str, message: &str) -> ExitCode {
    eprintln!("{name}: error: {message}");
    ExitCode::from(2)
}

/// Turn clap's multi-line errors into the one line the project promises, and
/// the exit status for them: 0 for `--help` and `--version`, 2 for bad input.
/// `commands` lists the subcommands, for the hint when none or a wrong one is given.
pub fn clap_error(name: &str, err: clap::Error, commands: &str) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            usage_error(name, &format!("no command given; expected one of {commands} (try --help)"))
        }
        kind => {
            let rendered = err.to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            let first = first.trim_start_matches("error: ");
            let allowed = match err.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(values)) => format!("; expected one of {}", values.join(", ")),
                _ => String::new(),
            };
            let hint = match kind {
                ErrorKind::InvalidSubcommand => format!("; expected one of {commands}"),
                ErrorKind::UnknownArgument => "; see --help for the options".to_string(),
                _ => allowed,
            };
            usage_error(name, &format!("{first}{hint}"))
        }
    }
}
