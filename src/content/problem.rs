//! What can be wrong with a data file, where, and the report that shows it: each problem as
//! `FILE:LINE:COLUMN: message`, the line, a caret and a hint.

use std::fmt;

use super::source::LineMap;
use crate::i18n::Lang;
use crate::sanitize::clean;
use crate::text;

/// One problem found in a data file, with where it is when that is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line and column, the column counted in characters as editors count it.
    pub position: Option<(usize, usize)>,
    pub issue: Issue,
}

/// A node of the document, as messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Document,
    Vision,
    Contact,
    Perspectives,
    /// 1-based number, and its id when the file has one.
    Perspective(usize, Option<String>),
    /// 1-based number of the goal, then of its perspective and that perspective's id.
    Goal(usize, usize, Option<String>),
    /// 1-based number of a translation, and its language code when the file has one.
    Translation(usize, Option<String>),
    /// 1-based number of a node in a translation and its id when written, then the
    /// translation's number and language.
    Node {
        n: usize,
        id: Option<String>,
        translation: usize,
        lang: Option<String>,
    },
}

/// What a value should have been, from the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Text,
    List,
    Struct(&'static str),
}

/// What is wrong. Worded by [`Issue::describe`] in the interface language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issue {
    NotFound,
    PermissionDenied,
    IsDirectory,
    Unreadable(String),
    /// The size when the file system knows it.
    TooBig(Option<u64>),
    NotUtf8(usize),
    Empty,
    TooDeep,
    UnknownField {
        place: Place,
        found: String,
        expected: &'static [&'static str],
    },
    MissingField {
        place: Place,
        field: &'static str,
    },
    DuplicateField {
        place: Place,
        field: &'static str,
        first: Option<(usize, usize)>,
    },
    WrongStruct {
        expected: &'static str,
        found: String,
    },
    WrongType {
        place: Place,
        field: Option<String>,
        shape: Shape,
    },
    MissingComma,
    /// The field name before the missing `:`, if there is one.
    MissingColon(Option<String>),
    /// A closing bracket that does not match the innermost open one (its line and column).
    Mismatch {
        found: char,
        open: (char, usize, usize),
    },
    UnclosedComment,
    /// Something other than a field name where one belongs, in this node.
    ExpectedField(Place),
    Unterminated {
        runs_to: Option<usize>,
    },
    UnexpectedEnd {
        unclosed: Option<(char, usize, usize)>,
    },
    Trailing,
    InvalidEscape,
    /// Anything else the RON parser reports, in its own (English) words.
    Syntax(String),
    EmptyId(Place),
    BadId(Place, String),
    DuplicateId {
        place: Place,
        id: String,
        first: Option<(usize, usize)>,
        first_place: Place,
    },
    EmptyText {
        place: Place,
        field: &'static str,
    },
    /// A character a terminal would act on rather than show, in the text of `field`.
    ControlCharacter {
        place: Place,
        field: &'static str,
        found: char,
    },
    NoPerspectives,
    /// A translation's `lang` that is neither `fi` nor `en`.
    UnknownLanguage(String),
    /// A second translation into the same language; where the first is.
    DuplicateTranslation {
        lang: String,
        first: Option<(usize, usize)>,
    },
    /// A translated node whose id no node of the document has.
    UnknownNode {
        place: Place,
        id: String,
        /// The document's id nearest to it, if one is near.
        nearest: Option<String>,
    },
    /// A translation without this node of the document: its id and Swedish title.
    Untranslated {
        place: Place,
        id: String,
        title: String,
    },
}

/// Why a document could not be loaded: every problem found, and the file they are in.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub file: String,
    pub source: String,
    pub problems: Vec<Problem>,
}

/// The widest excerpt of a source line shown under a message.
pub(super) const EXCERPT_WIDTH: usize = 100;

impl LoadError {
    pub(super) fn new(file: &str, source: &str, problems: Vec<Problem>) -> LoadError {
        LoadError {
            file: file.to_string(),
            source: source.to_string(),
            problems,
        }
    }

    /// Every problem as `FILE:LINE:COLUMN: message`, the line with a caret under the column,
    /// and a hint; problems apart by a blank line. No trailing newline.
    pub fn render(&self, lang: Lang) -> String {
        let file = clean(&self.file);
        let hint_label = lang.pick("tips", "hint", "vihje");
        let lines = LineMap::new(&self.source);
        let mut out = String::new();
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            let (message, hint) = p.issue.describe(lang);
            match p.position {
                Some((line, col)) => {
                    out.push_str(&format!("{file}:{line}:{col}: {message}"));
                    if let Some(text) = lines.line(&self.source, line) {
                        let (text, caret) = excerpt(text, col);
                        out.push_str(&format!("\n    {text}\n    {caret}"));
                    }
                }
                None => out.push_str(&format!("{file}: {message}")),
            }
            if let Some(hint) = hint {
                out.push_str(&format!("\n    {hint_label}: {hint}"));
            }
        }
        out
    }
}

impl fmt::Display for LoadError {
    /// In the default interface language; use [`LoadError::render`] to choose.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::default()))
    }
}

impl std::error::Error for LoadError {}

/// A source line made safe to show, at most [`EXCERPT_WIDTH`] columns around `col`, and a
/// caret line pointing at `col` (1-based, in characters).
pub(super) fn excerpt(line: &str, col: usize) -> (String, String) {
    let split = line
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let before = clean(&line[..split]);
    let after = clean(&line[split..]);
    let mut caret = text::width(&before);
    let mut shown = String::new();
    // Keep the caret within view on a long line: drop whole characters from the left.
    let mut skip = caret.saturating_sub(EXCERPT_WIDTH / 2);
    let mut dropped = false;
    for c in before.chars() {
        let w = text::width(c.encode_utf8(&mut [0; 4]));
        if skip > 0 {
            skip = skip.saturating_sub(w);
            caret -= w;
            dropped = true;
            continue;
        }
        shown.push(c);
    }
    if dropped {
        shown.insert(0, '…');
        caret += 1;
    }
    let mut used = text::width(&shown);
    let mut rest = after.trim_end().chars();
    for c in rest.by_ref() {
        let w = text::width(c.encode_utf8(&mut [0; 4]));
        if used + w > EXCERPT_WIDTH {
            shown.push('…');
            break;
        }
        shown.push(c);
        used += w;
    }
    (
        shown.trim_end().to_string(),
        format!("{}^", " ".repeat(caret)),
    )
}
