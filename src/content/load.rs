//! From a path or a text to an [`Outline`], or to every problem that stands in the way.

use std::io::Read as _;
use std::path::Path;

use super::MAX_FILE_BYTES;
use super::diagnose::{parse_problem, too_deep};
use super::outline::{Outline, flatten};
use super::problem::{Issue, LoadError, Problem};
use super::schema::{Document, ron_options};
use super::source::{LineMap, Source};
use super::validate::validate;
use crate::i18n::Lang;

/// Reads a data file, refusing what cannot be one: a missing file, a directory, a file over
/// [`MAX_FILE_BYTES`], text that is not UTF-8.
pub fn read(path: &Path) -> Result<String, LoadError> {
    let file = path.display().to_string();
    let fail = |issue, position, source: &str| {
        LoadError::new(&file, source, vec![Problem { position, issue }])
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(io_issue(&e), None, ""))?;
    if meta.is_dir() {
        return Err(fail(Issue::IsDirectory, None, ""));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(Issue::TooBig(Some(meta.len())), None, ""));
    }
    // Read one byte past the limit, in case the file grew since it was measured.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| std::io::Read::read_to_end(&mut f.take(MAX_FILE_BYTES + 1), &mut bytes))
        .map_err(|e| fail(io_issue(&e), None, ""))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        // A device or a file still growing: its size is not known.
        return Err(fail(Issue::TooBig(None), None, ""));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let shown = String::from_utf8_lossy(e.as_bytes());
        let valid = std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or_default();
        fail(
            Issue::NotUtf8(at),
            Some(LineMap::new(valid).line_col(valid, at)),
            &shown,
        )
    })
}

fn io_issue(e: &std::io::Error) -> Issue {
    match e.kind() {
        std::io::ErrorKind::NotFound => Issue::NotFound,
        std::io::ErrorKind::PermissionDenied => Issue::PermissionDenied,
        std::io::ErrorKind::IsADirectory => Issue::IsDirectory,
        _ => Issue::Unreadable(e.to_string()),
    }
}

/// Reads, parses, validates and cleans the document in `path`.
pub fn load_file(path: &Path) -> Result<Outline, LoadError> {
    let source = read(path)?;
    load(&path.display().to_string(), &source)
}

/// The content every mode shows: the bundled document, or the data file given, with any
/// errors as a message in `lang`.
pub fn load_data(data: Option<&Path>, lang: Lang) -> Result<Outline, String> {
    match data {
        None => load(super::BUNDLED_NAME, super::BUNDLED),
        Some(path) => load_file(path),
    }
    .map_err(|e| e.render(lang))
}

/// Parses, validates and cleans a document. `file` names it in messages.
pub fn load(file: &str, source: &str) -> Result<Outline, LoadError> {
    load_document(file, source).map(|document| flatten(&document))
}

/// Parses and validates a document, every check made, before it is cleaned and flattened.
pub(super) fn load_document(file: &str, source: &str) -> Result<Document, LoadError> {
    let fail = |problems| LoadError::new(file, source, problems);
    let one = |position, issue| fail(vec![Problem { position, issue }]);
    // A byte-order mark (Windows editors write one) is whitespace, and keeps columns as they are.
    let text: std::borrow::Cow<'_, str> = match source.strip_prefix('\u{feff}') {
        Some(rest) => format!(" {rest}").into(),
        None => source.into(),
    };
    let source_map = Source::new(&text);
    if let Some(at) = source_map.unclosed_comment {
        return Err(one(Some(source_map.line_col(at)), Issue::UnclosedComment));
    }
    if source_map.tokens.is_empty() {
        return Err(one(None, Issue::Empty));
    }
    if let Some(at) = too_deep(&source_map.tokens) {
        return Err(one(Some(source_map.line_col(at)), Issue::TooDeep));
    }
    let document: Document = match ron_options().from_str(&text) {
        Ok(d) => d,
        Err(e) => return Err(fail(vec![parse_problem(&source_map, &e)])),
    };
    let problems = validate(&document, &source_map);
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    Ok(document)
}
