//! The documentation cannot go stale: every sample run and every code snippet in
//! README.md, CONTRIBUTING.md and docs/*.md is checked against the code.
//!
//! - A ```` ```console ```` block is a sample: each `$ command` line in it is run
//!   afresh (the demos binaries built in this package, `compare` beside them) and
//!   what it prints (stdout, then stderr) must match the lines under it. A line
//!   that is only `…` stands for any lines the sample cut; a line ending in ` …`
//!   for the rest of that line and any lines after it. Text matches word for
//!   word, whitespace and line breaks aside (a figure one digit longer rewraps a
//!   sentence). A number matches any number where it is a measurement: followed
//!   by a unit (`13.2 ms`, `619 B`) or carrying one (`×1.88`, `54 %`), and the
//!   unit may change within its kind (`687 µs`, `3.5 ms`). Other numbers —
//!   counts, seeds, updates lost — must be equal, unless the block's info string
//!   says `console counts-vary` (their values depend on timing, such as how many
//!   times a producer found the queue full); then a plural after them may vary
//!   too. A failing sample is run twice more before the test fails.
//! - A ```` ```console json ```` block is a sample of `--json` output, laid out
//!   over lines for reading: it is matched the same way once a space is put
//!   after every `{`, `[` and `,` and before every `}` and `]` outside a string,
//!   in the sample and in the output alike; a `…` anywhere stands for anything
//!   cut there (a cut inside a string ends the block). A number is a
//!   measurement when its key names a unit (`"elapsed_ms":4.19`).
//! - A ```` ```rust anchor=PATH:NAME ```` block is a snippet: it must equal the
//!   lines between `// ANCHOR: NAME` and `// ANCHOR_END: NAME` in PATH (from
//!   the workspace root), with their common indentation removed — the syntax
//!   mdBook's `{{#include PATH:NAME}}` reads.
//!
//! Why a check of our own rather than trycmd: trycmd marks a varying figure
//! `[..]` in the text the reader sees and cuts with `...`; here the samples
//! show the real figures of a real run, cuts are marked `…`, and which figures
//! may vary follows from their units. See CONTRIBUTING.md.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The most a single sample run may take before the watchdog fails it.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// Words after a number that make it a measurement, free to vary.
const UNITS: &[&str] =
    &["ns", "µs", "us", "ms", "s", "min", "B", "KiB", "MiB", "GiB", "bytes", "items/s", "round", "%"];

/// Endings of a JSON key whose number is a measurement, free to vary.
const JSON_UNITS: &[&str] = &["_ns", "_us", "_ms", "_per_s", "_bytes"];

/// Units that stand for one another when a measurement changes scale.
const UNIT_KINDS: &[&[&str]] = &[&["ns", "µs", "us", "ms", "s", "min"], &["B", "KiB", "MiB", "GiB"]];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

/// The Markdown files the checks read: README.md, CONTRIBUTING.md, docs/*.md.
fn markdown_files() -> Vec<PathBuf> {
    let root = root();
    let mut files: Vec<PathBuf> = ["README.md", "CONTRIBUTING.md"]
        .iter()
        .map(|name| root.join(name))
        .filter(|path| path.exists())
        .collect();
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ exists")
        .map(|entry| entry.expect("docs/ is readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// One fenced code block: where it starts, its info string and its lines.
#[derive(Debug)]
struct Block {
    place: String,
    info: String,
    body: Vec<String>,
}

/// The fenced blocks (``` at the start of a line) of a Markdown text.
fn blocks(place: &str, text: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut open: Option<(usize, String, String, Vec<String>)> = None;
    for (number, line) in text.lines().enumerate() {
        let ticks = line.len() - line.trim_start_matches('`').len();
        match open.take() {
            None if ticks >= 3 => {
                open = Some((
                    number + 1,
                    line[..ticks].to_string(),
                    line[ticks..].trim().to_string(),
                    Vec::new(),
                ))
            }
            None => {}
            Some((start, fence, info, body)) if line.trim_end() == fence => {
                found.push(Block { place: format!("{place}:{start}"), info, body })
            }
            Some((start, fence, info, mut body)) => {
                body.push(line.to_string());
                open = Some((start, fence, info, body));
            }
        }
    }
    assert!(open.is_none(), "{place}: a code block is never closed");
    found
}

fn all_blocks() -> Vec<Block> {
    let root = root();
    markdown_files()
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).expect("readable Markdown");
            let place = path.strip_prefix(&root).unwrap_or(path).display().to_string();
            blocks(&place, &text)
        })
        .collect()
}

// ---- samples ----

/// One command of a sample and the output it must give.
#[derive(Debug)]
struct Sample {
    place: String,
    command: String,
    expected: Vec<String>,
    counts_vary: bool,
    json: bool,
}

fn samples(blocks: &[Block]) -> Vec<Sample> {
    let mut found = Vec::new();
    for block in blocks {
        let mut words = block.info.split_whitespace();
        if words.next() != Some("console") {
            continue;
        }
        let words: Vec<&str> = words.collect();
        let counts_vary = words.contains(&"counts-vary");
        let json = words.contains(&"json");
        for line in &block.body {
            if let Some(command) = line.strip_prefix("$ ") {
                found.push(Sample {
                    place: block.place.clone(),
                    command: command.to_string(),
                    expected: Vec::new(),
                    counts_vary,
                    json,
                });
            } else {
                let sample = found.last_mut().filter(|sample: &&mut Sample| sample.place == block.place);
                let sample =
                    sample.unwrap_or_else(|| panic!("{}: a console block starts with `$ `", block.place));
                sample.expected.push(line.clone());
            }
        }
    }
    found
}

/// The program and arguments a sample's command line runs.
fn program(command: &str) -> (PathBuf, Vec<String>) {
    let words: Vec<&str> = command.split_whitespace().collect();
    let (name, args) = match words.as_slice() {
        ["cargo", "run", rest @ ..] => {
            let dashes = rest.iter().position(|w| *w == "--").unwrap_or(rest.len());
            let package =
                rest.iter().position(|w| *w == "-p").map(|at| rest[at + 1]).expect("cargo run -p PACKAGE");
            (package, rest.get(dashes + 1..).unwrap_or_default())
        }
        [first, rest @ ..] => (first.rsplit('/').next().expect("a program name"), rest),
        [] => panic!("an empty command"),
    };
    let path = match name {
        "demos-tokio" => PathBuf::from(env!("CARGO_BIN_EXE_tokio")),
        "demos-smol" => PathBuf::from(env!("CARGO_BIN_EXE_smol")),
        "demos-async-std" => PathBuf::from(env!("CARGO_BIN_EXE_async-std")),
        "demos-std-threads" => PathBuf::from(env!("CARGO_BIN_EXE_std-threads")),
        "demos-compio" => PathBuf::from(env!("CARGO_BIN_EXE_compio")),
        "compare" => compare_binary(),
        other => panic!("a sample runs `{other}`: only the demos binaries and compare can be checked"),
    };
    (path, args.iter().map(|arg| arg.to_string()).collect())
}

/// compare's binary, beside this package's, brought up to date first where a
/// source it is built from is newer: another package's binary is not rebuilt
/// for this test, and a stale one would fail the samples for changes already
/// made. Not rebuilt when it is current, as after `cargo nextest run
/// --workspace`: `cargo build -p compare` alone unifies features differently
/// and builds its dependencies again, which took CI's docs test past its
/// time limit.
fn compare_binary() -> PathBuf {
    static BUILT: std::sync::Once = std::sync::Once::new();
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_tokio"));
    let path = ours.with_file_name(format!("compare{}", std::env::consts::EXE_SUFFIX));
    BUILT.call_once(|| {
        let built = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        if built.is_some_and(|built| newest_source().is_some_and(|source| source <= built)) {
            return;
        }
        let profile =
            if ours.parent().is_some_and(|dir| dir.ends_with("release")) { "release" } else { "test" };
        let mut build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        build.args(["build", "-q", "--profile", profile, "-p", "compare", "--bin", "compare"]);
        let status = build.current_dir(root()).status().expect("cargo runs");
        assert!(status.success(), "cargo build -p compare failed");
    });
    path
}

/// When the newest of compare's sources changed: its own crate's, the crates it
/// is built from (core and every `demos-<rt>` at the root), and the manifests
/// and lock file.
fn newest_source() -> Option<std::time::SystemTime> {
    fn newest_in(dir: &Path) -> Option<std::time::SystemTime> {
        std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .filter_map(|entry| {
                let path = entry.path();
                if path.is_dir() {
                    newest_in(&path)
                } else {
                    entry.metadata().and_then(|m| m.modified()).ok()
                }
            })
            .max()
    }
    let root = root();
    let runtimes = std::fs::read_dir(&root)
        .ok()?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("demos-"));
    let crates: Vec<String> =
        ["compare".to_string(), "core".to_string()].into_iter().chain(runtimes).collect();
    let files =
        ["Cargo.toml", "Cargo.lock"].map(|f| std::fs::metadata(root.join(f)).and_then(|m| m.modified()).ok());
    crates
        .iter()
        .map(|c| newest_in(&root.join(c)))
        .chain(files)
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .max()
}

/// The words of a sample or an output, with `Cut` where the sample cut lines.
#[derive(Debug, Clone, PartialEq)]
enum Word {
    Text(String),
    Cut,
}

fn words_of_sample(lines: &[String]) -> Vec<Word> {
    let mut words = Vec::new();
    for line in lines {
        let trimmed = line.trim();
        if trimmed == "…" {
            words.push(Word::Cut);
        } else if let Some(head) = trimmed.strip_suffix(" …") {
            words.extend(head.split_whitespace().map(|w| Word::Text(w.to_string())));
            words.push(Word::Cut);
        } else {
            words.extend(trimmed.split_whitespace().map(|w| Word::Text(w.to_string())));
        }
    }
    words
}

/// JSON laid out for matching word by word: a space after every `{`, `[` and
/// `,` and before every `}` and `]` that is not inside a string.
fn json_spaced(text: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::new(), false, false);
    for c in text.chars() {
        match c {
            _ if in_string => {
                in_string = escaped || c != '"';
                escaped = !escaped && c == '\\';
                out.push(c);
            }
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' | ',' => {
                out.push(c);
                out.push(' ');
            }
            '}' | ']' => {
                out.push(' ');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `word` with every number in it replaced by `#`.
fn shape(word: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = word.chars().collect();
    let mut at = 0;
    while at < chars.len() {
        if chars[at].is_ascii_digit() {
            while at < chars.len()
                && (chars[at].is_ascii_digit()
                    || (matches!(chars[at], '.' | ',')
                        && chars.get(at + 1).is_some_and(char::is_ascii_digit)))
            {
                at += 1;
            }
            out.push('#');
        } else {
            out.push(chars[at]);
            at += 1;
        }
    }
    out
}

/// Whether the sample's word `expected` (followed by `next`) matches `actual`.
fn word_matches(expected: &str, next: Option<&str>, actual: &str, counts_vary: bool) -> bool {
    if expected == actual {
        return true;
    }
    // A measurement may come out in another unit of the same kind: "687 µs" beside "3.5 ms".
    let trimmed = |word: &str| word.trim_end_matches([',', ';', ')', '.', ':']).to_string();
    let (unit, other) = (trimmed(expected), trimmed(actual));
    if UNIT_KINDS.iter().any(|kind| kind.contains(&unit.as_str()) && kind.contains(&other.as_str()))
        && expected.strip_prefix(&unit) == actual.strip_prefix(&other)
    {
        return true;
    }
    // Where counts vary, so may the plural after them: "1 tick" beside "2 ticks".
    let singular = |word: &str| word.trim_end_matches(['s', ')', ',', ';', ':', '.']).to_string();
    if counts_vary && !expected.chars().any(|c| c.is_ascii_digit()) && singular(expected) == singular(actual)
    {
        return true;
    }
    if shape(expected) != shape(actual) || !expected.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let bare = shape(expected.trim_end_matches([',', ';', ')', '.', ':']));
    let json_key = expected.strip_prefix('"').and_then(|w| w.split_once("\":")).map(|(key, _)| key);
    let carries_unit = expected.contains('×')
        || expected.contains('%')
        || UNITS.iter().any(|u| bare.ends_with(&format!("#{u}")))
        || json_key.is_some_and(|key| JSON_UNITS.iter().any(|u| key.ends_with(u)));
    let unit_follows =
        next.is_some_and(|next| UNITS.contains(&next.trim_end_matches([',', ';', ')', '.', ':'])));
    counts_vary || carries_unit || unit_follows
}

/// Whether `output` matches the sample's words, cuts standing for any words.
fn matches(sample: &[Word], output: &[String], counts_vary: bool) -> bool {
    // reachable[j]: the sample so far can match exactly output[..j].
    let mut reachable = vec![false; output.len() + 1];
    reachable[0] = true;
    for (i, word) in sample.iter().enumerate() {
        let mut next = vec![false; output.len() + 1];
        match word {
            Word::Cut => {
                let mut seen = false;
                for j in 0..=output.len() {
                    seen |= reachable[j];
                    next[j] = seen;
                }
            }
            Word::Text(expected) => {
                let following = match sample.get(i + 1) {
                    Some(Word::Text(text)) => Some(text.as_str()),
                    _ => None,
                };
                for j in 0..output.len() {
                    if reachable[j] && word_matches(expected, following, &output[j], counts_vary) {
                        next[j + 1] = true;
                    }
                }
            }
        }
        reachable = next;
    }
    reachable[output.len()]
}

/// Why `output` does not match the sample: the first line that went wrong.
fn first_difference(sample: &Sample, output: &str) -> Option<String> {
    let output = if sample.json { json_spaced(output) } else { output.to_string() };
    let actual: Vec<String> = output.split_whitespace().map(str::to_string).collect();
    let words_of = |lines: &[String]| {
        if !sample.json {
            return words_of_sample(lines);
        }
        let text = json_spaced(&lines.join("\n"));
        let word = |w: &str| if w == "…" { Word::Cut } else { Word::Text(w.to_string()) };
        text.split_whitespace().map(word).collect()
    };
    let words = words_of(&sample.expected);
    if matches(&words, &actual, sample.counts_vary) {
        return None;
    }
    // Find the longest prefix of sample lines that still matches some output.
    let mut good = 0;
    for end in 1..=sample.expected.len() {
        let mut prefix = words_of(&sample.expected[..end]);
        prefix.push(Word::Cut);
        if matches(&prefix, &actual, sample.counts_vary) {
            good = end;
        } else {
            break;
        }
    }
    Some(format!(
        "sample line {} does not match: {:?}",
        good + 1,
        sample.expected.get(good).map(String::as_str).unwrap_or("(the end: the output goes on)")
    ))
}

fn run(sample: &Sample) -> Result<Duration, String> {
    let started = Instant::now();
    let (path, args) = program(&sample.command);
    let mut command = Command::new(path);
    command.args(&args).env("NO_COLOR", "1").current_dir(root());
    let output = demos_tests::watchdog::output(command, RUN_LIMIT);
    // What a terminal shows: stdout, then stderr (bad input's one line goes there).
    let shown =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    match first_difference(sample, &shown) {
        None => Ok(started.elapsed()),
        Some(why) => Err(format!(
            "{}: `{}` no longer gives its sample: {why}\n--- a fresh run printed (exit {:?}):\n{shown}",
            sample.place,
            sample.command,
            output.status.code(),
        )),
    }
}

#[test]
fn every_sample_matches_a_fresh_run() {
    let samples = samples(&all_blocks());
    assert!(
        samples.len() >= 10,
        "only {} samples found: are the console blocks still tagged?",
        samples.len()
    );
    let started = Instant::now();
    // Two at a time: the machine has two cores, and the samples' figures are measurements.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(sample) = samples.get(at) else { break };
                    // A drifted sample fails every time; a run a busy machine bent (a
                    // thread pool reaching 7 threads of 8) rarely twice: try three times.
                    let result = run(sample).or_else(|_| run(sample)).or_else(|_| run(sample));
                    results.lock().expect("no panic while holding").push((at, result));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("no panic while holding");
    results.sort_by_key(|(at, _)| *at);
    let mut failures = Vec::new();
    for (at, result) in results {
        match result {
            Ok(took) => eprintln!(
                "ok   {:>6.2} s  {}: {}",
                took.as_secs_f64(),
                samples[at].place,
                samples[at].command
            ),
            Err(why) => failures.push(why),
        }
    }
    eprintln!("{} samples in {:.1} s", samples.len(), started.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---- snippets ----

/// The lines between `// ANCHOR: name` and `// ANCHOR_END: name` in `source`,
/// without other anchors' lines and without their common indentation.
fn anchored(source: &str, name: &str) -> Result<Vec<String>, String> {
    let start = format!("ANCHOR: {name}");
    let end = format!("ANCHOR_END: {name}");
    let lines: Vec<&str> = source.lines().collect();
    let from = lines.iter().position(|l| l.trim_end().ends_with(&start)).ok_or(format!("no `// {start}`"))?;
    let to = from
        + lines[from..].iter().position(|l| l.trim_end().ends_with(&end)).ok_or(format!("no `// {end}`"))?;
    let kept: Vec<&str> = lines[from + 1..to]
        .iter()
        .copied()
        .filter(|l| !l.contains("ANCHOR: ") && !l.contains("ANCHOR_END: "))
        .collect();
    let indent = kept
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    Ok(kept.iter().map(|l| l.get(indent..).unwrap_or("").trim_end().to_string()).collect())
}

/// Why a snippet block differs from the code it names, if it does.
fn snippet_difference(block: &Block) -> Option<String> {
    let tag = block.info.split_whitespace().find_map(|word| word.strip_prefix("anchor="))?;
    let (path, name) = tag.rsplit_once(':').unwrap_or_else(|| panic!("{}: anchor=PATH:NAME", block.place));
    let source = match std::fs::read_to_string(root().join(path)) {
        Ok(source) => source,
        Err(error) => return Some(format!("{}: cannot read {path}: {error}", block.place)),
    };
    let want = match anchored(&source, name) {
        Ok(lines) => lines,
        Err(why) => return Some(format!("{}: {path}: {why}", block.place)),
    };
    let have: Vec<String> = block.body.iter().map(|l| l.trim_end().to_string()).collect();
    if have == want {
        return None;
    }
    let at = have.iter().zip(&want).position(|(a, b)| a != b).unwrap_or(have.len().min(want.len()));
    Some(format!(
        "{}: the snippet differs from {path}:{name} at its line {}:\n  doc:  {:?}\n  code: {:?}\n(the code is now:\n{}\n)",
        block.place,
        at + 1,
        have.get(at),
        want.get(at),
        want.join("\n")
    ))
}

#[test]
fn every_snippet_is_the_code_that_runs() {
    let blocks = all_blocks();
    let tagged =
        blocks.iter().filter(|b| b.info.split_whitespace().any(|w| w.starts_with("anchor="))).count();
    assert!(tagged >= 10, "only {tagged} snippets found: are the rust blocks still tagged anchor=PATH:NAME?");
    let failures: Vec<String> = blocks.iter().filter_map(snippet_difference).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_chapter_is_in_the_summary_and_links_resolve() {
    let root = root();
    let summary = std::fs::read_to_string(root.join("docs/SUMMARY.md")).expect("docs/SUMMARY.md");
    let mut failures = Vec::new();
    for path in markdown_files() {
        let name = path.file_name().expect("a file").to_string_lossy().to_string();
        let chapter =
            path.parent() == Some(&root.join("docs")) && name != "SUMMARY.md" && name != "claims.md";
        if chapter && !summary.contains(&format!("({name})")) {
            failures.push(format!("docs/{name} is not in docs/SUMMARY.md"));
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        for target in text.split("](").skip(1).filter_map(|rest| rest.split(')').next()) {
            let file = target.split('#').next().unwrap_or("");
            if file.is_empty() || file.contains("://") || file.starts_with("mailto:") {
                continue;
            }
            if !path.parent().expect("a directory").join(file).exists() {
                failures.push(format!("{}: a link to {file}, which does not exist", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- the Python table ----

/// The names a cell of the "Coming from Python" table gives: each `code` span's
/// last path segment, without call parentheses, `.await` or a macro's `!`.
fn names_in(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(|span| {
            let span = span.trim_end_matches(".await");
            let span = span.split('(').next().unwrap_or(span);
            let last = span.rsplit(['.', ':', ' ']).find(|s| !s.is_empty()).unwrap_or(span);
            last.trim_end_matches('!').to_string()
        })
        .collect()
}

/// Whether `name` occurs as a whole word in `text`.
fn has_word(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(word)
            && !text[at + name.len()..].chars().next().is_some_and(word)
    })
}

fn sources(dirs: &[&str]) -> String {
    fn walk(dir: &Path, text: &mut String) {
        for entry in std::fs::read_dir(dir).expect("a source directory").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, text);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                text.push_str(&std::fs::read_to_string(&path).expect("readable source"));
            }
        }
    }
    let mut text = String::new();
    dirs.iter().for_each(|dir| walk(&root().join(dir), &mut text));
    text
}

/// The names in each runtime's column of a Markdown table (tokio, smol,
/// async-std, std-threads, compio) that the runtime's sources do not contain.
fn table_names_missing(markdown: &str) -> Vec<String> {
    let columns = [
        ("tokio", vec!["demos-tokio/src"]),
        ("smol", vec!["demos-smol/src"]),
        ("async-std", vec!["demos-async-std/src"]),
        ("std-threads", vec!["demos-std-threads/src", "core/src"]),
        ("compio", vec!["demos-compio/src"]),
    ];
    let rows: Vec<Vec<&str>> = markdown
        .lines()
        .filter(|line| line.starts_with('|'))
        .map(|line| line.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    let Some(header) = rows.first() else { return vec!["no table".into()] };
    let mut missing = Vec::new();
    for (runtime, dirs) in &columns {
        let Some(at) = header.iter().position(|h| h == runtime) else {
            missing.push(format!("no {runtime} column"));
            continue;
        };
        let text = sources(dirs);
        for row in rows.iter().skip(2) {
            for name in row.get(at).map(|cell| names_in(cell)).unwrap_or_default() {
                if !has_word(&text, &name) {
                    missing.push(format!(
                        "{runtime}: `{name}` (row {:?}) is not in {}",
                        row[0],
                        dirs.join(", ")
                    ));
                }
            }
        }
    }
    missing
}

#[test]
fn the_python_table_names_what_the_code_uses() {
    let page = std::fs::read_to_string(root().join("docs/coming-from-python.md")).expect("the Python page");
    let missing = table_names_missing(&page);
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn a_python_table_naming_what_the_code_does_not_use_fails() {
    let doctored = "| asyncio | tokio | smol | async-std | std-threads | compio |\n|---|---|---|---|---|---|\n\
                    | `asyncio.Lock` | `tokio::sync::RwLockWriteGuardian` | `smol::lock::Mutex` | `async_std::sync::Mutex` | `std::sync::Mutex` | `futures::lock::Mutex` |\n";
    let missing = table_names_missing(doctored);
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].contains("RwLockWriteGuardian"));
    // compio's column is checked against compio's sources: a name only tokio uses fails there.
    let compio = "| asyncio | tokio | smol | async-std | std-threads | compio |\n|---|---|---|---|---|---|\n\
                  | `asyncio.Lock` | `tokio::sync::Mutex` | `smol::lock::Mutex` | `async_std::sync::Mutex` | `std::sync::Mutex` | `tokio::task::JoinSet` |\n";
    let missing = table_names_missing(compio);
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].starts_with("compio: `JoinSet`"), "{missing:?}");
    // A table without a compio column is missing one.
    let four = "| asyncio | tokio | smol | async-std | std-threads |\n|---|---|---|---|---|\n";
    assert_eq!(table_names_missing(four), ["no compio column"]);
    assert_eq!(names_in("`tokio::task::yield_now().await`, `select!`"), ["yield_now", "select"]);
}

// ---- the checks can fail ----

fn sample_of(lines: &[&str], counts_vary: bool) -> Sample {
    Sample {
        place: "doctored".into(),
        command: "demos-tokio race".into(),
        expected: lines.iter().map(|l| l.to_string()).collect(),
        counts_vary,
        json: false,
    }
}

const OUTPUT: &str = "race on tokio (current_thread, 1 worker): 1000 tasks
  ran on current_thread, 1 worker (1 worker seen running tasks) · 13.2 ms · seed 42
  expected          1000
  unsynchronized    1  (999 updates lost)
  take-away: with one worker every task read 0 before any wrote,
  so 999 of 1000 updates were lost.
";

#[test]
fn a_true_sample_matches_with_its_timings_varied_and_lines_cut_or_rewrapped() {
    let sample = sample_of(
        &[
            "race on tokio (current_thread, 1 worker): 1000 tasks",
            "…",
            "  expected          1000",
            "  unsynchronized    1  (999 updates lost)",
            "  take-away: with one worker every task read 0 before any wrote, so 999 …",
        ],
        false,
    );
    assert_eq!(first_difference(&sample, OUTPUT), None);
    let timed = sample_of(
        &["…", "  ran on current_thread, 1 worker (1 worker seen running tasks) · 4.7 ms · seed 42", "…"],
        false,
    );
    assert_eq!(first_difference(&timed, OUTPUT), None);
}

#[test]
fn a_doctored_sample_fails() {
    // A word changed.
    let word = sample_of(&["race on smol (current_thread, 1 worker): 1000 tasks", "…"], false);
    assert!(first_difference(&word, OUTPUT).is_some());
    // A count changed: counts are exact unless the block says counts-vary.
    let count = sample_of(&["…", "  unsynchronized    1  (998 updates lost)", "…"], false);
    assert!(first_difference(&count, OUTPUT).is_some());
    let varied = sample_of(&["…", "  unsynchronized    1  (998 updates lost)", "…"], true);
    assert_eq!(first_difference(&varied, OUTPUT), None);
    // Where counts vary, a plural may follow them; a different word may not.
    let plural = sample_of(
        &["…", "  ran on current_thread, 2 workers (2 workers seen running tasks) · 13.2 ms · seed 42", "…"],
        true,
    );
    assert_eq!(first_difference(&plural, OUTPUT), None);
    let other = sample_of(
        &["…", "  ran on current_thread, 1 thread (1 worker seen running tasks) · 13.2 ms · seed 42", "…"],
        true,
    );
    assert!(first_difference(&other, OUTPUT).is_some());
    // A measurement may change its unit within its kind, not across kinds.
    let scaled = sample_of(
        &["…", "  ran on current_thread, 1 worker (1 worker seen running tasks) · 980 µs · seed 42", "…"],
        false,
    );
    assert_eq!(first_difference(&scaled, OUTPUT), None);
    let mixed = sample_of(
        &["…", "  ran on current_thread, 1 worker (1 worker seen running tasks) · 13.2 KiB · seed 42", "…"],
        false,
    );
    assert!(first_difference(&mixed, OUTPUT).is_some());
    // A seed is a count, not a measurement.
    let seed = sample_of(
        &["…", "  ran on current_thread, 1 worker (1 worker seen running tasks) · 13.2 ms · seed 43", "…"],
        false,
    );
    assert!(first_difference(&seed, OUTPUT).is_some());
    // A line the program no longer prints, and an uncut sample that stops early.
    let gone = sample_of(&["…", "  runtime mutex     1000", "…"], false);
    assert!(first_difference(&gone, OUTPUT).is_some());
    let short = sample_of(&["race on tokio (current_thread, 1 worker): 1000 tasks"], false);
    assert!(first_difference(&short, OUTPUT).is_some());
}

const JSON_OUTPUT: &str = r#"{"scenario":"race","flavor":"current_thread, 1 worker","metrics":{"atomic":200,"atomic_ms":0.0305,"lost_updates":199},"checks":[{"name":"a","passed":true},{"name":"b","passed":true}],"elapsed_ms":4.19,"takeaway":"199 of 200 were lost, between"}
"#;

#[test]
fn a_json_sample_matches_laid_out_with_its_measurements_varied_and_cuts_and_a_stale_one_fails() {
    let json = |lines: &[&str]| Sample { json: true, ..sample_of(lines, false) };
    let laid_out = json(&[
        r#"{"scenario":"race","flavor":"current_thread, 1 worker","#,
        r#" "metrics":{"atomic":200,"atomic_ms":0.0112,"lost_updates":199},"#,
        r#" "checks":[{"name":"a","passed":true}, …],"elapsed_ms":2.5,"#,
        r#" "takeaway":"199 of 200 were …"#,
    ]);
    assert_eq!(first_difference(&laid_out, JSON_OUTPUT), None);
    // A key the output has and the sample does not; a count changed; a count under a
    // key that names no unit.
    for stale in [
        r#" "metrics":{"atomic":200,"lost_updates":199}, …"#,
        r#" "metrics":{"atomic":200,"atomic_ms":0.0112,"lost_updates":198}, …"#,
        r#" "metrics":{"atomic":201,"atomic_ms":0.0112,"lost_updates":199}, …"#,
    ] {
        let sample = json(&[r#"{"scenario":"race","flavor":"current_thread, 1 worker","#, stale]);
        assert!(first_difference(&sample, JSON_OUTPUT).is_some(), "{stale}");
    }
}

#[test]
fn a_doctored_snippet_fails() {
    let source = "fn main() {\n    // ANCHOR: spawn\n    let x = 1;\n    // ANCHOR: inner\n    spawn(x);\n    // ANCHOR_END: inner\n    // ANCHOR_END: spawn\n}\n";
    let dir = std::env::temp_dir().join(format!("docs-snippet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    std::fs::write(dir.join("lib.rs"), source).expect("written");
    let block = |info: String, body: &[&str]| Block {
        place: "doctored".into(),
        info,
        body: body.iter().map(|l| l.to_string()).collect(),
    };
    let path = dir.join("lib.rs").display().to_string();
    // `root().join(absolute)` is the absolute path itself.
    let right = block(format!("rust anchor={path}:spawn"), &["let x = 1;", "spawn(x);"]);
    assert_eq!(snippet_difference(&right), None);
    let edited = block(format!("rust anchor={path}:spawn"), &["let x = 2;", "spawn(x);"]);
    assert!(snippet_difference(&edited).is_some());
    let missing = block(format!("rust anchor={path}:gone"), &["let x = 1;"]);
    assert!(snippet_difference(&missing).is_some());
    let untagged = block("rust".into(), &["anything"]);
    assert_eq!(snippet_difference(&untagged), None);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn blocks_and_commands_parse() {
    let text = "intro\n```console counts-vary\n$ cargo run --release -q -p demos-smol -- queue --threads 1\nqueue on smol\n…\n```\n";
    let found = samples(&blocks("t.md", text));
    assert_eq!(found.len(), 1);
    assert!(found[0].counts_vary);
    assert_eq!(found[0].expected, ["queue on smol", "…"]);
    let (path, args) = program(&found[0].command);
    assert_eq!(path, PathBuf::from(env!("CARGO_BIN_EXE_smol")));
    assert_eq!(args, ["queue", "--threads", "1"]);
    let (path, args) = program("./target/release/demos-tokio race --threads 1");
    assert_eq!(path, PathBuf::from(env!("CARGO_BIN_EXE_tokio")));
    assert_eq!(args, ["race", "--threads", "1"]);
}
