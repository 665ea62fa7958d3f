//! Every line a demo prints fits the reader's terminal: prose is wrapped at
//! word boundaries to the terminal's width, or to [`DEFAULT_WIDTH`] columns
//! when stdout is not a terminal (a pipe, a file, a test).
//!
//! ```
//! let lines = demos_core::wrap::hanging("  take-away: ", "  ", "one two three four", 20);
//! assert_eq!(lines, ["  take-away: one two", "  three four"]);
//! ```

use std::io::IsTerminal;
use std::sync::OnceLock;

/// The width text is wrapped to when stdout is not a terminal.
pub const DEFAULT_WIDTH: usize = 100;
/// The narrowest width text is wrapped to, however narrow the terminal.
const LEAST_WIDTH: usize = 60;

/// The columns printed text may use: the terminal's width when stdout is one
/// (never under 60), else [`DEFAULT_WIDTH`]. Read once per process.
pub fn width() -> usize {
    static WIDTH: OnceLock<usize> = OnceLock::new();
    *WIDTH.get_or_init(|| {
        if std::io::stdout().is_terminal() { textwrap::termwidth().max(LEAST_WIDTH) } else { DEFAULT_WIDTH }
    })
}

/// `text` wrapped to `width` columns, its first line starting with `first`
/// and every further line with `rest` (a hanging indent). A text that fits
/// is one line, left as it is.
pub fn hanging(first: &str, rest: &str, text: &str, width: usize) -> Vec<String> {
    let text = &units_kept(text);
    let whole = format!("{first}{text}");
    if textwrap::core::display_width(&whole) <= width {
        return vec![whole];
    }
    // textwrap counts an indent's style codes as columns: wrap behind blanks as
    // wide as the first prefix shows, then put the prefix in their place.
    let blank = " ".repeat(textwrap::core::display_width(first));
    let options = textwrap::Options::new(width)
        .initial_indent(&blank)
        .subsequent_indent(rest)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    let mut lines: Vec<String> =
        textwrap::wrap(text, options).into_iter().map(|line| line.into_owned()).collect();
    if let Some(line) = lines.first_mut() {
        line.replace_range(..blank.len(), first);
    }
    lines
}

/// Units a figure is written in: a line never breaks between the number and
/// its unit ("536 ms").
const UNITS: &[&str] = &["ms", "µs", "ns", "s", "KiB", "MiB", "GiB", "B", "bytes", "%"];

/// `text` with the space between a number and its unit made non-breaking
/// (U+00A0, which a terminal shows as a space).
fn units_kept(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(' ') {
        return text.into();
    }
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = String::with_capacity(text.len());
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            let number = words[i - 1].chars().last().is_some_and(|c| c.is_ascii_digit());
            let unit = UNITS
                .iter()
                .any(|u| word.strip_prefix(u).is_some_and(|r| r.chars().all(|c| !c.is_alphanumeric())));
            out.push(if number && unit { '\u{a0}' } else { ' ' });
        }
        out.push_str(word);
    }
    out.into()
}

/// The columns `text` takes on a terminal (style codes take none).
pub fn display_width(text: &str) -> usize {
    textwrap::core::display_width(text)
}

/// [`hanging`] to [`width`], joined into one string of lines.
pub fn paragraph(first: &str, rest: &str, text: &str) -> String {
    hanging(first, rest, text, width()).join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wrapped_line_fits_and_no_word_is_split() {
        let text = "CPU jobs sped up ×1.94 side by side, against at most ×2 from the fewest of 2 jobs, \
                    2 threads that ran them and 2 cores: only real cores and workers make CPU work faster.";
        let lines = hanging("  take-away: ", "  ", text, 40);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| textwrap::core::display_width(l) <= 40), "{lines:#?}");
        let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
        let mut expected = vec!["take-away:"];
        expected.extend(text.split_whitespace());
        assert_eq!(words, expected);
        assert!(lines[1..].iter().all(|l| l.starts_with("  ") && !l.starts_with("   ")));
    }

    #[test]
    fn a_number_keeps_its_unit() {
        let lines = hanging("", "", "it took 536 ms · seed 42", 12);
        assert_eq!(lines, ["it took", "536\u{a0}ms ·", "seed 42"]);
    }

    #[test]
    fn a_hyphenated_word_stays_whole() {
        assert_eq!(hanging("", "", "the async-io thread", 10), ["the", "async-io", "thread"]);
    }

    #[test]
    fn a_line_that_fits_keeps_its_spacing() {
        assert_eq!(hanging("  ", "    ", "a  b   c", 40), ["  a  b   c"]);
    }

    #[test]
    fn styles_take_no_columns() {
        let bold = "\u{1b}[1mtake-away:\u{1b}[0m ";
        let lines = hanging(bold, "  ", "aaaa bbbb cccc", 20);
        assert_eq!(lines, [format!("{bold}aaaa bbbb"), "  cccc".to_string()]);
    }
}
