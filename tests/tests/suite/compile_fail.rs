//! The `compile_fail` doc tests (each runtime's `!Send` task, in `local.rs`)
//! fail for the reason they teach and no other. Rust gives the error of a
//! `!Send` future no code ("future cannot be sent between threads safely"),
//! so `compile_fail,E0277` cannot pin it — and on a stable toolchain rustdoc
//! ignores error codes anyway. Instead each is followed by a twin doc test
//! that must compile and run: the same lines, but for those marked `// Send`,
//! which give the task `Send` state. An unrelated error in a shared line
//! breaks the twin; this test keeps the two from drifting apart.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, skipping build output.
fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable directory").map(|e| e.expect("an entry")) {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() && name != "target" && name != ".git" {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The lines of each fenced doc block of `text` that opens with `fence`, and
/// of the next block after it.
fn blocks_and_twins(text: &str, fence: &str) -> Vec<(Vec<String>, Option<Vec<String>>)> {
    let lines: Vec<&str> =
        text.lines().map(|l| l.trim_start_matches("//!").trim_start_matches("///")).collect();
    let block_at = |start: usize| -> Option<(Vec<String>, usize)> {
        let end = start + 1 + lines[start + 1..].iter().position(|l| l.trim() == "```")?;
        Some((lines[start + 1..end].iter().map(|l| l.to_string()).collect(), end))
    };
    let mut found = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        if line.trim() != fence {
            continue;
        }
        let (block, end) = block_at(at).expect("a closed block");
        let twin = lines[end + 1..]
            .iter()
            .position(|l| l.trim().starts_with("```"))
            .map(|next| end + 1 + next)
            .filter(|&next| lines[next].trim() == "```")
            .and_then(block_at)
            .map(|(twin, _)| twin);
        found.push((block, twin));
    }
    found
}

#[test]
fn every_compile_fail_doc_test_has_a_compiling_twin_that_differs_only_in_its_send_lines() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace");
    let mut files = Vec::new();
    sources(workspace, &mut files);
    let mut seen = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a readable source");
        for (block, twin) in blocks_and_twins(&text, "```compile_fail") {
            seen += 1;
            let what = format!("{}: the compile_fail block {block:#?}", file.display());
            let twin =
                twin.unwrap_or_else(|| panic!("{what} is not followed by its twin, a block that compiles"));
            assert_eq!(block.len(), twin.len(), "{what}: its twin has other lines: {twin:#?}");
            let marked = twin.iter().filter(|l| l.trim_end().ends_with("// Send")).count();
            assert!(marked > 0, "{what}: its twin marks no line `// Send`");
            for (fails, compiles) in block.iter().zip(&twin) {
                assert!(
                    fails == compiles || compiles.trim_end().ends_with("// Send"),
                    "{what}: a line differs from its twin's and is not marked `// Send`:\n  {fails}\n  {compiles}"
                );
            }
        }
    }
    // A runtime is a `demos-<rt>` crate at the workspace's root.
    let runtimes = std::fs::read_dir(workspace)
        .expect("the workspace is readable")
        .flatten()
        .filter(|e| {
            e.file_name().to_string_lossy().starts_with("demos-") && e.path().join("Cargo.toml").exists()
        })
        .count();
    assert_eq!(seen, runtimes, "one !Send spawn per runtime (compio's: a !Send task sent to another core)");
}
