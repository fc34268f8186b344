//! Located errors about a scene file: which file, line, column and key, what was expected, and a
//! hint. Every user-facing input error in inertia is a [`SceneError`] built here.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// An error in a scene file (or in a data file it reads), located to the byte.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneError {
    /// The file the error is in.
    pub path: PathBuf,
    /// 1-based line of the error's start.
    pub line: usize,
    /// 1-based column (in characters) of the error's start.
    pub column: usize,
    /// The dotted key the error is about, e.g. `optimizer[1].beta`; empty for syntax errors.
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// How to fix it, where we can tell.
    pub hint: Option<String>,
    /// The source line, for the caret display.
    source_line: String,
    /// How many characters the caret underlines (at least 1).
    width: usize,
}

impl SceneError {
    /// Locates `span` (byte offsets into `source`) and builds the error.
    pub fn at(
        path: &Path,
        source: &str,
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = source[..start].matches('\n').count() + 1;
        let column = source[line_start..start].chars().count() + 1;
        let width = source[start..end.min(line_end)].chars().count().max(1);
        SceneError {
            path: path.to_path_buf(),
            line,
            column,
            key: key.into(),
            message: message.into(),
            hint: None,
            source_line: source[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
            width,
        }
    }

    /// An error about the file as a whole (e.g. it cannot be read): line 1, column 1.
    pub fn whole_file(path: &Path, message: impl Into<String>) -> Self {
        SceneError::at(path, "", 0..0, "", message)
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same error without the content of the file it is in: its message says where, not
    /// what (for files outside the project, which may hold anything).
    pub fn hiding_content(mut self) -> Self {
        self.message = format!(
            "line {} is not a row `x,y` of two finite numbers (the file is outside the scene's \
             folder and the working directory: its content is not shown)",
            self.line
        );
        self.source_line.clear();
        self
    }

    /// Adds a hint if there is one.
    pub fn with_optional_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The most characters of a source line shown under an error; a longer line is shown around
/// the error's column, elided at both ends.
const SHOWN_LINE: usize = 100;

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path.display(), self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "`{}`: ", self.key)?;
        }
        writeln!(f, "{}", self.message)?;
        if !self.source_line.is_empty() {
            let chars: Vec<char> = self.source_line.chars().collect();
            // The part of the line shown: all of it, or a window around the column.
            let (from, to) = if chars.len() <= SHOWN_LINE {
                (0, chars.len())
            } else {
                let from = (self.column - 1).saturating_sub(SHOWN_LINE / 3);
                (from, (from + SHOWN_LINE).min(chars.len()))
            };
            let mut shown: String = chars[from..to].iter().map(|&c| visible(c)).collect();
            let mut caret_at = self.column - 1 - from;
            if from > 0 {
                shown.insert(0, '…');
                caret_at += 1;
            }
            if to < chars.len() {
                shown.push('…');
            }
            let width = self.width.min(to.saturating_sub(self.column - 1)).max(1);
            let gutter = self.line.to_string().len();
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{} | {shown}", self.line)?;
            writeln!(
                f,
                "{:gutter$} | {}{}",
                "",
                " ".repeat(caret_at),
                "^".repeat(width)
            )?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SceneError {}

/// A character as shown in a message: itself, or a stand-in where it would not be seen (a tab
/// is a space; other control characters and invisible marks, a byte-order mark or a zero-width
/// space, are replaced by `�`, so the columns of the caret line stay right).
fn visible(c: char) -> char {
    match c {
        '\t' => ' ',
        c if c.is_control() || is_invisible(c) => '\u{FFFD}',
        c => c,
    }
}

/// Marks that take no room on screen.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Text a message quotes (a value as written, a data row): invisible and control characters
/// written as escapes (`\u{FEFF}`), and a long text cut in its middle, so a 10 MB row makes a
/// short message.
pub fn quote(text: &str) -> String {
    const MOST: usize = 60;
    let escaped = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_control() || is_invisible(c) {
                    format!("\\u{{{:04X}}}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    let n = text.chars().count();
    if n <= MOST {
        return escaped(text);
    }
    let head: String = text.chars().take(MOST / 2).collect();
    let tail: String = text.chars().skip(n - MOST / 3).collect();
    format!("{}…{}", escaped(&head), escaped(&tail))
}

pub use crate::keys::compact;

/// The closest of `candidates` to `word`, if it is close enough to be a plausible typo.
///
/// Distances count swapping two neighbours as one edit (optimal string alignment), since
/// transposed letters are the commonest typo (`stpes`, `angel`).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::osa_distance(&word, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column_in_characters() {
        let src = "a = 1\nβ = 2\nbeta = oops\n";
        let start = src.find("oops").unwrap();
        let e = SceneError::at(Path::new("s.toml"), src, start..start + 4, "beta", "bad");
        assert_eq!((e.line, e.column), (3, 8));
        let text = e.to_string();
        assert!(text.starts_with("s.toml:3:8: `beta`: bad"), "{text}");
        assert!(text.contains("3 | beta = oops\n  |        ^^^^"), "{text}");
        let start = src.find('2').unwrap();
        let e = SceneError::at(Path::new("s.toml"), src, start..start + 1, "", "x");
        assert_eq!((e.line, e.column), (2, 5));
    }

    #[test]
    fn long_lines_and_long_or_invisible_text_stay_short_and_visible() {
        let row = format!("3,{}x", "9".repeat(10_000));
        let src = format!("x,y\n{row}\n");
        let e = SceneError::at(Path::new("d.csv"), &src, 4..4 + row.len(), "", quote(&row));
        let text = e.to_string();
        assert!(text.len() < 600, "{} bytes", text.len());
        assert!(text.contains("2 | 3,999") && text.contains('…'), "{text}");
        assert_eq!(quote("\u{FEFF}1,2"), "\\u{FEFF}1,2");
        assert!(quote(&"a".repeat(1000)).chars().count() < 100);
        // Far into a long line, the caret still points at the column.
        let src = format!("{}bad{}", "a".repeat(500), "b".repeat(500));
        let e = SceneError::at(Path::new("s.toml"), &src, 500..503, "", "x");
        let text = e.to_string();
        let lines: Vec<&str> = text.lines().collect();
        let caret = lines[3].find('^').unwrap();
        let shown = &lines[2];
        let at: String = shown.chars().skip(caret).take(3).collect();
        assert_eq!(at, "bad", "{text}");
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(compact(1e308), "1e308");
        assert_eq!(compact(-6.666666666666666e307), "-6.666666666666666e307");
        assert_eq!(compact(0.05), "0.05");
        assert_eq!(compact(0.0095), "0.0095");
        assert_eq!(compact(1e-12), "1e-12");
        assert_eq!(compact(250000.0), "250000");
        assert_eq!(compact(0.0), "0");
    }

    #[test]
    fn suggests_close_names_only() {
        let keys = ["label", "kind", "beta", "lr", "dampening"];
        assert_eq!(did_you_mean("bta", &keys), Some("beta"));
        assert_eq!(did_you_mean("Beta", &keys), Some("beta"));
        assert_eq!(did_you_mean("dampning", &keys), Some("dampening"));
        assert_eq!(did_you_mean("temperature", &keys), None);
        // A swap of neighbours is one edit, so a four-letter key still finds its match.
        assert_eq!(did_you_mean("stpes", &["steps", "size"]), Some("steps"));
        assert_eq!(did_you_mean("agnle", &["angle", "a", "b"]), Some("angle"));
    }
}
