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

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path.display(), self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "`{}`: ", self.key)?;
        }
        writeln!(f, "{}", self.message)?;
        if !self.source_line.is_empty() {
            let gutter = self.line.to_string().len();
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{} | {}", self.line, self.source_line)?;
            writeln!(
                f,
                "{:gutter$} | {}{}",
                "",
                " ".repeat(self.column - 1),
                "^".repeat(self.width)
            )?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SceneError {}

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
