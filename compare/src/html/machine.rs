//! The report's last section: the machine the runs were made on and the
//! versions of the crates they exercised, as `Cargo.lock` pinned them when
//! this program was built.

use maud::{Markup, html};
use serde::Deserialize;

/// The lock file this build was made from.
const LOCK: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock"));

/// The crates whose versions decide what the runs show, in the order shown.
const CRATES: &[&str] = &[
    "tokio",
    "smol",
    "async-executor",
    "async-io",
    "async-channel",
    "async-lock",
    "async-process",
    "blocking",
    "async-std",
    "futures",
    "rayon",
    "crossbeam-channel",
    "compio",
    "flume",
    "plotters",
];

#[derive(Deserialize)]
struct Lock {
    package: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
}

/// `(crate, versions)` for each of [`CRATES`] in the lock file.
fn versions() -> Vec<(&'static str, String)> {
    let lock: Lock = match toml::from_str(LOCK) {
        Ok(lock) => lock,
        Err(_) => return Vec::new(),
    };
    CRATES
        .iter()
        .filter_map(|name| {
            let found: Vec<&str> =
                lock.package.iter().filter(|p| p.name == *name).map(|p| p.version.as_str()).collect();
            (!found.is_empty()).then(|| (*name, found.join(", ")))
        })
        .collect()
}

/// The first line of `path` that starts with `key`, after its colon.
fn read_field(path: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
}

pub(super) fn section() -> Markup {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").ok().map(|k| k.trim().to_string());
    let cpu = read_field("/proc/cpuinfo", "model name");
    html! {
        section #machine {
            h2 { "Machine and versions" }
            dl.machine {
                dt { "cores" } dd { (cores) " (available parallelism)" }
                dt { "OS" } dd { (std::env::consts::OS) " " (std::env::consts::ARCH) @if let Some(k) = &kernel { ", kernel " (k) } }
                @if let Some(cpu) = &cpu { dt { "CPU" } dd { (cpu) } }
                dt { "build" } dd { @if cfg!(debug_assertions) { "debug (timings are slower than a release build's)" } @else { "release" } }
            }
            table.figures.versions {
                thead { tr { th { "crate" } th { "version (Cargo.lock)" } } }
                tbody { @for (name, version) in versions() { tr { th { (name) } td { (version) } } } }
            }
        }
    }
}
