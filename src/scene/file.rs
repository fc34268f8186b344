//! Stage 1 of checking: the scene file as TOML, every value and every key with its byte span.
//!
//! Nothing here knows what a scene holds: [`SceneFile::parse`] only reads TOML (its syntax
//! errors are the only errors that come from the `toml` crate) into a [`RawTable`] in source
//! order. Stage 2, [`super::Scene::from_toml`], walks this tree against the declared keys.

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::diagnostic::SceneError;

/// A TOML value and the bytes of the scene text it was written as.
#[derive(Debug, Clone, PartialEq)]
pub struct Raw {
    pub value: RawValue,
    pub span: Range<usize>,
}

/// A TOML value.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Bool(bool),
    Integer(i64),
    /// A float as TOML reads it (`inf` and `nan` included; the checker wants finite numbers).
    Float(f64),
    String(String),
    /// A date or time (no scene key takes one), as written.
    Datetime(String),
    /// An array: `[1, 2]`, or the tables of `[[start]]` headers.
    Array(Vec<Raw>),
    Table(RawTable),
}

impl RawValue {
    /// What the value is, for messages: "a number", "text", ...
    pub fn kind(&self) -> &'static str {
        match self {
            RawValue::Bool(_) => "true or false",
            RawValue::Integer(_) | RawValue::Float(_) => "a number",
            RawValue::String(_) => "text",
            RawValue::Datetime(_) => "a date",
            RawValue::Array(_) => "a list",
            RawValue::Table(_) => "a table",
        }
    }

    /// The number, when the value is one (integers included).
    pub fn as_number(&self) -> Option<f64> {
        match *self {
            RawValue::Integer(i) => Some(i as f64),
            RawValue::Float(f) => Some(f),
            _ => None,
        }
    }
}

/// A table's entries, in the order they are written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawTable {
    pub entries: Vec<RawEntry>,
}

/// One `key = value` of a table (or a `[table]` header and its table).
#[derive(Debug, Clone, PartialEq)]
pub struct RawEntry {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: Raw,
}

impl RawTable {
    /// The entry for `key`, if written.
    pub fn get(&self, key: &str) -> Option<&RawEntry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// A whole scene file, read as TOML.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneFile {
    pub root: RawTable,
}

impl SceneFile {
    /// Reads `source` (the text of the file at `path`) as TOML. A syntax error is reported
    /// where the `toml` crate finds it; numbers that do not fit a 64-bit value are reported too,
    /// all of them.
    pub fn parse(path: &Path, source: &str) -> Result<SceneFile, Vec<SceneError>> {
        let table = DeTable::parse(source).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            vec![syntax_error(path, source, span, e.message().trim())]
        })?;
        let mut errors = Vec::new();
        let root = convert_table(table.get_ref(), path, source, "", &mut errors);
        if errors.is_empty() {
            Ok(SceneFile { root })
        } else {
            Err(errors)
        }
    }
}

/// A TOML syntax error in the scene's terms: the `toml` crate's message where it is already
/// plain, and for the slips a newcomer makes most (an unquoted word, a missing `=`), what to
/// write instead.
fn syntax_error(
    path: &Path,
    source: &str,
    span: std::ops::Range<usize>,
    message: &str,
) -> SceneError {
    let start = span.start.min(source.len());
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let line = &source[line_start..line_end];
    // The key written on the line, if any (`kind = quadratic` → `kind`).
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .filter(|k| !k.is_empty() && !k.contains(['[', ' ']));
    // Only a value's own slip names its key (the bare key as written: the file did not parse,
    // so the table it is in is not known for certain).
    let error = |text: String| SceneError::at(path, source, span.clone(), "", text);
    if message.contains("string values must be quoted")
        || message.contains("expected literal string")
    {
        let word = source
            .get(span.clone())
            .unwrap_or("")
            .trim()
            .trim_end_matches(',')
            .to_string();
        let hint = match &key {
            Some(k) if !word.is_empty() => format!("write {k} = \"{word}\""),
            _ => "put the text in double quotes: \"like this\"".to_string(),
        };
        return SceneError::at(
            path,
            source,
            span.clone(),
            key.clone().unwrap_or_default(),
            format!(
                "`{}` is text, and text is written in quotes",
                crate::scene::diagnostic::quote(&word)
            ),
        )
        .with_hint(hint);
    }
    if message.contains("expected `.`, `=`") || message.contains("expected `=`") {
        return error("a key must be followed by `=` and its value".into())
            .with_hint("write key = value, e.g. steps = 60");
    }
    if message.contains("duplicate key") {
        return error(format!("{message}: a key may be given once per table"))
            .with_hint("remove one of the two, or use [[table]] for a list of tables");
    }
    error(message.to_string())
}

fn convert_table(
    table: &DeTable<'_>,
    path: &Path,
    source: &str,
    at: &str,
    errors: &mut Vec<SceneError>,
) -> RawTable {
    let mut entries: Vec<RawEntry> = table
        .iter()
        .map(|(k, v)| {
            let key = k.get_ref().to_string();
            let dotted = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            RawEntry {
                value: convert(v, path, source, &dotted, errors),
                key,
                key_span: k.span(),
            }
        })
        .collect();
    // The parser keeps its entries sorted by name; the file's order reads better.
    entries.sort_by_key(|e| e.key_span.start);
    RawTable { entries }
}

fn convert(
    v: &Spanned<DeValue<'_>>,
    path: &Path,
    source: &str,
    at: &str,
    errors: &mut Vec<SceneError>,
) -> Raw {
    let span = v.span();
    let out_of_range = |errors: &mut Vec<SceneError>, what: &str| {
        errors.push(
            SceneError::at(
                path,
                source,
                span.clone(),
                at,
                format!("`{}` is out of range: {what}", &source[span.clone()]),
            )
            .with_hint("write large numbers as floats, e.g. 1e20"),
        );
        RawValue::Float(f64::NAN)
    };
    let value = match v.get_ref() {
        DeValue::Boolean(b) => RawValue::Bool(*b),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => RawValue::Integer(n),
            Err(_) => out_of_range(errors, "integers are from −2⁶³ to 2⁶³ − 1"),
        },
        DeValue::Float(f) => {
            let text = f.as_str();
            match text.parse::<f64>() {
                // An overflowing literal reads as infinite; only `inf` may.
                Ok(x) if x.is_infinite() && !text.contains("inf") => {
                    out_of_range(errors, "beyond the largest float, about 1.8e308")
                }
                Ok(x) => RawValue::Float(x),
                Err(_) => out_of_range(errors, "not a float"),
            }
        }
        DeValue::String(s) => RawValue::String(s.to_string()),
        DeValue::Datetime(d) => RawValue::Datetime(d.to_string()),
        DeValue::Array(items) => RawValue::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| convert(item, path, source, &format!("{at}[{i}]"), errors))
                .collect(),
        ),
        DeValue::Table(t) => RawValue::Table(convert_table(t, path, source, at, errors)),
    };
    Raw { value, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> RawTable {
        SceneFile::parse(Path::new("t.toml"), source)
            .unwrap_or_else(|e| panic!("{e:?}"))
            .root
    }

    #[test]
    fn keys_and_values_keep_their_spans_in_file_order() {
        let src = "title = \"x\"\n[output]\nsize = [640, 4_80]\nfps = 1e1\n\
                   [[start]]\nat = [1, 2.0]\n[[start]]\nat = [3, 4]\n";
        let root = parse(src);
        let keys: Vec<&str> = root.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["title", "output", "start"]);
        let output = root.get("output").unwrap();
        assert_eq!(&src[output.value.span.clone()], "[output]");
        let RawValue::Table(t) = &output.value.value else {
            panic!("{output:?}")
        };
        let keys: Vec<&str> = t.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["size", "fps"], "file order, not sorted");
        let size = t.get("size").unwrap();
        assert_eq!(&src[size.key_span.clone()], "size");
        let RawValue::Array(items) = &size.value.value else {
            panic!()
        };
        assert_eq!(items[1].value, RawValue::Integer(480));
        assert_eq!(&src[items[1].span.clone()], "4_80");
        assert_eq!(t.get("fps").unwrap().value.value, RawValue::Float(10.0));
        let RawValue::Array(starts) = &root.get("start").unwrap().value.value else {
            panic!()
        };
        assert_eq!(&src[starts[1].span.clone()], "[[start]]");
    }

    #[test]
    fn special_numbers_and_dates() {
        let root = parse("a = 0x10\nb = -inf\nc = nan\nd = 1979-05-27\ne = +5\n");
        let value = |k: &str| root.get(k).unwrap().value.value.clone();
        assert_eq!(value("a"), RawValue::Integer(16));
        assert_eq!(value("b"), RawValue::Float(f64::NEG_INFINITY));
        assert!(matches!(value("c"), RawValue::Float(x) if x.is_nan()));
        assert_eq!(value("d"), RawValue::Datetime("1979-05-27".into()));
        assert_eq!(value("e"), RawValue::Integer(5));
    }

    #[test]
    fn numbers_out_of_range_and_syntax_errors_are_located() {
        let src = "a = 1\nb = 9223372036854775808\nc = [1e400]\n";
        let errors = SceneFile::parse(Path::new("t.toml"), src).unwrap_err();
        let at: Vec<(usize, usize, &str)> = errors
            .iter()
            .map(|e| (e.line, e.column, e.key.as_str()))
            .collect();
        assert_eq!(at, [(2, 5, "b"), (3, 6, "c[0]")]);
        assert!(errors[1].message.contains("out of range"), "{}", errors[1]);
        let errors = SceneFile::parse(Path::new("t.toml"), "a = [1,\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("expected `]`"), "{}", errors[0]);
    }
}
