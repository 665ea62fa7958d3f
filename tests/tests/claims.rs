//! docs/claims.md kept honest: the table of every claim the program prints or
//! the docs make about a runtime, held against the tree and the lock file.
//!
//! * every claim id is listed once;
//! * each id has a marker — `// claim: C-…` in Rust, `# claim: C-…` in TOML,
//!   `<!-- claim: C-… -->` in Markdown — in every file its where-cell names,
//!   and every marker in the tree names an id of the table;
//! * every `crate-x.y.z` the table cites is the version Cargo.lock holds;
//! * the minimum versions the table states are `[workspace.dependencies]`'s;
//! * only the ids on [`NOT_YET_CORRECT`] have a verdict other than correct
//!   or retired.
//!
//! Each check is a function of text, so the unit tests at the end feed each a
//! doctored table, line or manifest and see it fail.
//!
//! Run it: `cargo test -p demos-tests --test claims`

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Claims allowed a verdict other than correct or retired (wrong, imprecise,
/// version-dependent) while their fix is under way, the correction noted in
/// the row. Empty: every claim holds. The test fails on an id listed here whose
/// row is already settled, so an id leaves the list with its fix.
const NOT_YET_CORRECT: &[&str] = &[];

/// Verdicts a row may carry (docs/claims.md explains each).
const VERDICTS: &[&str] = &["correct", "wrong", "imprecise", "version-dependent", "retired"];

/// One `| C-… |` row of the table.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: String,
    claim: String,
    /// The files the where-cell names, in order.
    files: Vec<String>,
    evidence: String,
    verdict: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The rows of the table; a row that does not have five cells is an error.
fn parse_rows(table: &str) -> Result<Vec<Row>, String> {
    table
        .lines()
        .filter(|line| line.starts_with("| C-"))
        .map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split(" | ").map(str::trim).collect();
            let [id, claim, place, evidence, verdict] = cells[..] else {
                return Err(format!("not five cells: {line}"));
            };
            Ok(Row {
                id: id.to_string(),
                claim: claim.to_string(),
                files: where_files(place),
                evidence: evidence.to_string(),
                verdict: verdict.split_whitespace().next().unwrap_or_default().to_string(),
            })
        })
        .collect()
}

/// "core/src/x.rs (`takeaway`); README.md (…)" → the paths.
fn where_files(place: &str) -> Vec<String> {
    place.split("; ").map(|s| s.split(" (").next().unwrap_or_default().trim().to_string()).collect()
}

fn duplicate_ids(rows: &[Row]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    rows.iter().filter(|r| !seen.insert(r.id.as_str())).map(|r| format!("{} is listed twice", r.id)).collect()
}

/// The claim ids a line's marker names: `// claim: C-a, C-b` or `# claim: …`
/// opening the line, or `<!-- claim: … -->` anywhere in it.
fn marker_ids(line: &str) -> Vec<String> {
    let rest = if let Some(at) = line.find("<!-- claim:") {
        let rest = &line[at + "<!-- claim:".len()..];
        rest.split("-->").next().unwrap_or_default()
    } else {
        let trimmed = line.trim_start();
        match ["// claim:", "# claim:"].iter().find(|opener| trimmed.starts_with(**opener)) {
            Some(opener) => &trimmed[opener.len()..],
            None => return Vec::new(),
        }
    };
    rest.split(',').map(str::trim).filter(|id| !id.is_empty()).map(String::from).collect()
}

/// Every marker in `files` (path relative to the root → text): path → ids.
fn markers<'a>(files: impl IntoIterator<Item = (String, &'a str)>) -> BTreeMap<String, BTreeSet<String>> {
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in files {
        for id in text.lines().flat_map(marker_ids) {
            found.entry(path.clone()).or_default().insert(id);
        }
    }
    found
}

/// Each row's id must be marked in every file it names, and each file must
/// exist.
fn missing_markers(
    rows: &[Row],
    found: &BTreeMap<String, BTreeSet<String>>,
    exists: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    for row in rows {
        for file in &row.files {
            if !exists(file) {
                problems.push(format!("{} names {file}, which does not exist", row.id));
            } else if !found.get(file).is_some_and(|ids| ids.contains(&row.id)) {
                problems.push(format!("{} names {file}, which has no `claim: {}` marker", row.id, row.id));
            }
        }
    }
    problems
}

/// Every marker must name a claim of the table.
fn unknown_markers(rows: &[Row], found: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let known: BTreeSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    found
        .iter()
        .flat_map(|(file, ids)| {
            ids.iter()
                .filter(|id| !known.contains(id.as_str()))
                .map(move |id| format!("{file}: {id} is in no row"))
        })
        .collect()
}

/// Cargo.lock's packages: name → the versions locked.
fn parse_lock(lock: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut packages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            packages.entry(n).or_default().insert(v.trim_matches('"').to_string());
        }
    }
    packages
}

/// `crate-x.y.z` words of a text: ("tokio", "1.54.1").
fn cited_versions(text: &str) -> Vec<(String, String)> {
    let is_version = |v: &str| {
        let parts: Vec<&str> = v.split('.').collect();
        parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .map(|word| word.trim_end_matches('.'))
        .filter_map(|word| {
            let dash = word.rfind('-')?;
            let (name, version) = (&word[..dash], &word[dash + 1..]);
            (!name.is_empty() && is_version(version)).then(|| (name.to_string(), version.to_string()))
        })
        .collect()
}

/// Each cited `crate-x.y.z` must be a version Cargo.lock holds.
fn lock_mismatches(rows: &[Row], locked: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    rows.iter()
        .flat_map(|row| {
            let text = format!("{} {}", row.claim, row.evidence);
            cited_versions(&text).into_iter().filter_map(move |(name, version)| match locked.get(&name) {
                Some(versions) if versions.contains(&version) => None,
                Some(versions) => {
                    Some(format!("{} cites {name}-{version}; Cargo.lock holds {versions:?}", row.id))
                }
                None => Some(format!("{} cites {name}-{version}; Cargo.lock has no {name}", row.id)),
            })
        })
        .collect()
}

/// `[workspace.dependencies]` of a manifest: name → version requirement.
fn workspace_requirements(manifest: &str) -> BTreeMap<String, String> {
    let value: toml::Table = manifest.parse().expect("Cargo.toml parses");
    let deps = value["workspace"]["dependencies"].as_table().expect("[workspace.dependencies]");
    deps.iter()
        .filter_map(|(name, dep)| {
            let version = dep.as_str().or_else(|| dep.get("version").and_then(|v| v.as_str()))?;
            Some((name.clone(), version.to_string()))
        })
        .collect()
}

/// The `C-min-…` rows open their claim with `` `name = "x.y"` ``: that must be
/// the manifest's requirement.
fn minimum_mismatches(rows: &[Row], required: &BTreeMap<String, String>) -> Vec<String> {
    rows.iter()
        .filter(|r| r.id.starts_with("C-min-"))
        .filter_map(|row| {
            let stated = row.claim.strip_prefix('`').and_then(|c| c.split('`').next()).and_then(|c| {
                let (name, version) = c.split_once(" = ")?;
                Some((name.trim().to_string(), version.trim_matches('"').to_string()))
            });
            match stated {
                None => Some(format!("{} does not open with `name = \"x.y\"`", row.id)),
                Some((name, version)) => match required.get(&name) {
                    Some(req) if *req == version => None,
                    Some(req) => Some(format!("{} says {name} {version}; Cargo.toml asks for {req}", row.id)),
                    None => Some(format!("{} names {name}, not in [workspace.dependencies]", row.id)),
                },
            }
        })
        .collect()
}

/// Only allowlisted ids may be other than correct or retired; an allowlisted
/// id must exist and be not yet correct.
fn verdict_problems(rows: &[Row], allowed: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for row in rows {
        let settled = matches!(row.verdict.as_str(), "correct" | "retired");
        if !VERDICTS.contains(&row.verdict.as_str()) {
            problems.push(format!("{}: unknown verdict {:?}", row.id, row.verdict));
        } else if !settled && !allowed.contains(&row.id.as_str()) {
            problems.push(format!("{} is {} and not on the allowlist", row.id, row.verdict));
        }
    }
    for id in allowed {
        match rows.iter().find(|r| r.id == *id) {
            None => problems.push(format!("allowlisted {id} is in no row")),
            Some(r) if matches!(r.verdict.as_str(), "correct" | "retired") => {
                problems.push(format!("allowlisted {id} is {} now: take it off the list", r.verdict))
            }
            Some(_) => {}
        }
    }
    problems
}

// The tree --------------------------------------------------------------------

fn table() -> Vec<Row> {
    parse_rows(&read(&root().join("docs/claims.md"))).expect("docs/claims.md's rows parse")
}

/// The workspace's text files that may carry markers (not target/, not this
/// test, whose doctored lines are not markers, not the table itself).
fn tree_texts() -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    walk(&path, root, out);
                }
            } else if [".rs", ".md", ".toml"].iter().any(|ext| name.ends_with(ext)) {
                let relative =
                    path.strip_prefix(root).expect("under the root").to_string_lossy().replace('\\', "/");
                if relative != "docs/claims.md" && relative != "tests/tests/claims.rs" {
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        out.push((relative, text));
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&root(), &root(), &mut out);
    out
}

fn tree_markers() -> BTreeMap<String, BTreeSet<String>> {
    let texts = tree_texts();
    markers(texts.iter().map(|(p, t)| (p.clone(), t.as_str())))
}

fn assert_none(problems: Vec<String>) {
    assert!(problems.is_empty(), "docs/claims.md:\n  {}", problems.join("\n  "));
}

#[test]
fn every_claim_id_is_unique() {
    let rows = table();
    assert!(rows.len() > 80, "the table has its rows ({})", rows.len());
    assert_none(duplicate_ids(&rows));
}

#[test]
fn every_claim_is_marked_where_its_row_says() {
    assert_none(missing_markers(&table(), &tree_markers(), |f| root().join(f).is_file()));
}

#[test]
fn every_marker_names_a_claim() {
    assert_none(unknown_markers(&table(), &tree_markers()));
}

#[test]
fn every_cited_version_is_the_locked_one() {
    assert_none(lock_mismatches(&table(), &parse_lock(&read(&root().join("Cargo.lock")))));
}

#[test]
fn minimum_versions_are_the_manifests() {
    let rows = table();
    assert!(rows.iter().filter(|r| r.id.starts_with("C-min-")).count() >= 4, "the minimum-versions rows");
    assert_none(minimum_mismatches(&rows, &workspace_requirements(&read(&root().join("Cargo.toml")))));
}

#[test]
fn only_allowlisted_claims_are_not_yet_correct() {
    assert_none(verdict_problems(&table(), NOT_YET_CORRECT));
}

// Each check can fail ----------------------------------------------------------

const DOCTORED: &str = "\
| id | claim | where | evidence | verdict |
|---|---|---|---|---|
| C-a | a tokio claim | x.rs (`//!` header); README.md (§ Run it) | tokio-1.2.3/src/lib.rs | correct |
| C-min-b | `tokio = \"1.50\"`: names | Cargo.toml (comment) | CHANGELOG | wrong |
| C-a | the same id again | y.rs (`f`) | tokio-9.9.9/src/lib.rs; nosuch-0.1.0 | imprecise |
";

fn doctored() -> Vec<Row> {
    parse_rows(DOCTORED).expect("the doctored table parses")
}

#[test]
fn rows_parse_and_a_short_row_is_refused() {
    let rows = doctored();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].files, ["x.rs", "README.md"]);
    assert_eq!(rows[1].verdict, "wrong");
    assert!(parse_rows("| C-x | only | three |").is_err());
}

#[test]
fn a_repeated_id_fails() {
    assert_eq!(duplicate_ids(&doctored()), ["C-a is listed twice"]);
    assert!(duplicate_ids(&doctored()[..2]).is_empty());
}

#[test]
fn markers_are_read_in_each_syntax_and_nowhere_else() {
    assert_eq!(marker_ids("    // claim: C-a, C-b"), ["C-a", "C-b"]);
    assert_eq!(marker_ids("# claim: C-min-tokio"), ["C-min-tokio"]);
    assert_eq!(marker_ids("some prose. <!-- claim: C-a -->"), ["C-a"]);
    assert!(marker_ids("let s = \"x // claim: C-a\";").is_empty());
    assert!(marker_ids("//! a doc line").is_empty());
}

#[test]
fn a_missing_marker_or_file_fails() {
    let rows = doctored();
    let exists = |f: &str| f != "y.rs";
    // x.rs marks C-a and README.md does not; Cargo.toml lacks C-min-b's; y.rs is gone.
    let found = markers([
        ("x.rs".to_string(), "// claim: C-a\nfn f() {}"),
        ("README.md".to_string(), "prose that says it, unmarked"),
    ]);
    let problems = missing_markers(&rows, &found, exists);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[0].contains("C-a names README.md, which has no `claim: C-a` marker"));
    assert!(problems[1].contains("C-min-b names Cargo.toml"));
    assert!(problems[2].contains("y.rs, which does not exist"));
    let all = markers([
        ("x.rs".to_string(), "// claim: C-a"),
        ("README.md".to_string(), "prose that says it. <!-- claim: C-a -->"),
        ("Cargo.toml".to_string(), "# claim: C-min-b"),
        ("y.rs".to_string(), "// claim: C-a"),
    ]);
    assert!(missing_markers(&rows, &all, |_| true).is_empty());
}

#[test]
fn a_marker_naming_no_claim_fails() {
    let found = markers([("x.rs".to_string(), "// claim: C-a\n// claim: C-gone")]);
    assert_eq!(unknown_markers(&doctored(), &found), ["x.rs: C-gone is in no row"]);
}

#[test]
fn a_version_other_than_the_locked_one_fails() {
    let locked = parse_lock("[[package]]\nname = \"tokio\"\nversion = \"1.2.3\"\nsource = \"x\"\n");
    assert_eq!(
        cited_versions("see tokio-1.2.3/src and rayon-core-1.13.0."),
        [("tokio".to_string(), "1.2.3".to_string()), ("rayon-core".to_string(), "1.13.0".to_string())]
    );
    assert!(cited_versions("tokio-rt-worker, blocking-N, tokio 1.49.0's tag").is_empty());
    let problems = lock_mismatches(&doctored(), &locked);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("tokio-9.9.9"));
    assert!(problems[1].contains("no nosuch"));
    assert!(lock_mismatches(&doctored()[..2], &locked).is_empty());
}

#[test]
fn a_minimum_other_than_the_manifests_fails() {
    let manifest = |tokio: &str| {
        format!("[workspace]\n[workspace.dependencies]\ntokio = {{ version = \"{tokio}\", features = [] }}\n")
    };
    assert!(minimum_mismatches(&doctored(), &workspace_requirements(&manifest("1.50"))).is_empty());
    let problems = minimum_mismatches(&doctored(), &workspace_requirements(&manifest("1.40")));
    assert_eq!(problems, ["C-min-b says tokio 1.50; Cargo.toml asks for 1.40"]);
    let mut bare = doctored();
    bare[1].claim = "tokio names its threads".into();
    assert_eq!(minimum_mismatches(&bare, &BTreeMap::new()).len(), 1);
    let stated = workspace_requirements("[workspace.dependencies]\nsmol = \"2\"\n");
    assert_eq!(stated["smol"], "2");
}

#[test]
fn a_claim_not_yet_correct_off_the_allowlist_fails() {
    let rows = doctored();
    // C-min-b is wrong and C-a (the second) imprecise, neither allowed.
    let problems = verdict_problems(&rows, &[]);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("C-min-b is wrong and not on the allowlist"));
    assert!(problems[1].contains("C-a is imprecise and not on the allowlist"));
    // Both allowed: C-a's first row, correct, is flagged on the list.
    assert_eq!(
        verdict_problems(&rows, &["C-a", "C-min-b"]),
        ["allowlisted C-a is correct now: take it off the list"]
    );
    let mut settled = rows.clone();
    settled.truncate(2);
    settled[1].verdict = "correct".into();
    assert_eq!(
        verdict_problems(&settled, &["C-min-b"]),
        ["allowlisted C-min-b is correct now: take it off the list"]
    );
    settled[1].verdict = "maybe".into();
    assert!(verdict_problems(&settled, &[])[0].contains("unknown verdict"));
}
