//! A configuration that arrives as JSON (a child worker's, `compare`'s, a
//! test's) checked exactly as the command line checks it.

use clap::Parser;

use super::ScenarioCommand;

/// A scenario subcommand alone, for checking a configuration that arrives as
/// JSON (a child worker's, `compare`'s) exactly as the command line checks it.
#[derive(Debug, Parser)]
#[command(no_binary_name = true)]
pub(super) struct ScenarioOnly {
    #[command(subcommand)]
    pub(super) scenario: ScenarioCommand,
}

/// Check `cfg`, the JSON configuration of scenario `name`, with the parsers
/// and limits of the command line: every option goes back through clap, so a
/// configuration the command line refuses is refused here with the same line.
///
/// ```
/// use serde_json::json;
/// assert!(demos_core::cli::check_config("queue", &json!({"capacity": 2})).is_ok());
/// let err = demos_core::cli::check_config("queue", &json!({"capacity": 0})).unwrap_err();
/// assert!(err.contains("'0'") && err.contains("--capacity") && err.contains("from 1 to"), "{err}");
/// ```
pub fn check_config(name: &str, cfg: &serde_json::Value) -> Result<(), String> {
    let options =
        cfg.as_object().ok_or_else(|| format!("bad configuration for {name}: expected a JSON object"))?;
    let mut args = vec![name.to_string()];
    for (key, value) in options {
        let flag = format!("--{}", key.replace('_', "-"));
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Bool(true) => args.push(flag),
            serde_json::Value::Bool(false) => {}
            serde_json::Value::String(text) => args.extend([flag, text.clone()]),
            other => args.extend([flag, other.to_string()]),
        }
    }
    match ScenarioOnly::try_parse_from(&args) {
        Ok(_) => Ok(()),
        Err(err) => {
            let rendered = err.to_string();
            let first = rendered.lines().next().unwrap_or("invalid configuration");
            Err(format!("bad configuration for {name}: {}", first.trim_start_matches("error: ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::ScenarioOnly;

    /// Each default is written twice (clap's `default_value_t` and `Default`):
    /// this keeps the two from drifting apart, for every scenario.
    #[test]
    fn clap_defaults_agree_with_default_for_every_scenario() {
        for s in crate::scenario::ALL {
            let parsed = ScenarioOnly::try_parse_from([s.name()]).expect("no options needed");
            assert_eq!(parsed.scenario.named_config(), (s.name(), s.default_config()), "{}", s.name());
        }
    }
}
