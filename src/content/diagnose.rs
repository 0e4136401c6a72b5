//! The RON parser's complaint, restated in the terms of the document: which node, which field,
//! what it should have been, and where the mistake most likely is rather than where the parser
//! gave up.

use super::MAX_DEPTH;
use super::problem::{Issue, Problem};
use super::schema::{Seg, Value};
use super::source::{Source, Tok, Token};
use super::spans::Spans;

/// Turns the RON parser's error into a problem in the terms of the document.
pub fn parse_problem(source: &Source<'_>, e: &ron::error::SpannedError) -> Problem {
    let spans = Spans::scan(source);
    let tokens = &source.tokens;
    let mut at = source.offset((e.span.start.line, e.span.start.col));
    // The parser reports where it stood, often before the whitespace ahead of the culprit.
    if let Some(t) = tokens.iter().find(|t| t.end > at) {
        at = at.max(t.start);
    }
    let problem = |at: usize, issue| Problem {
        position: Some(source.line_col(at)),
        issue,
    };
    // An unclosed string swallows the file up to the next quote, and the parser trips later.
    if let Some(t) = tokens
        .iter()
        .take_while(|t| t.start < at.max(1))
        .filter(|t| t.kind == Tok::Str)
        .last()
        .filter(|t| looks_unclosed(source.of(t)))
    {
        let (runs_to, _) = source.line_col(t.end);
        return problem(
            t.start,
            Issue::Unterminated {
                runs_to: Some(runs_to),
            },
        );
    }
    if let Some(t) = tokens
        .iter()
        .find(|t| t.kind == Tok::Str && !t.closed && t.start <= at)
    {
        return problem(t.start, Issue::Unterminated { runs_to: None });
    }
    // A closing bracket of the wrong kind explains the parser's complaint best.
    if let Some(t) = tokens
        .iter()
        .find(|t| t.start == at && t.kind == Tok::Close)
    {
        let mut open = Vec::new();
        for t in tokens.iter().take_while(|t| t.start < at) {
            match t.kind {
                Tok::Open(c) => open.push((c, t.start)),
                Tok::Close => {
                    open.pop();
                }
                _ => {}
            }
        }
        let found = source.text[t.start..].chars().next().unwrap_or(')');
        if let Some(&(bracket, o)) = open.last() {
            let want = closer(bracket);
            if found != want {
                let (line, col) = source.line_col(o);
                return problem(
                    at,
                    Issue::Mismatch {
                        found,
                        open: (bracket, line, col),
                    },
                );
            }
        }
    }
    let place = spans.place_at(at);
    let issue = match &e.code {
        ron::Error::NoSuchStructField {
            expected, found, ..
        } => Issue::UnknownField {
            place,
            found: found.clone(),
            expected,
        },
        ron::Error::MissingStructField { field, .. } => Issue::MissingField { place, field },
        ron::Error::DuplicateStructField { field, .. } => {
            let first = spans
                .container_at(at)
                .and_then(|c| {
                    let mut path = c.path.clone();
                    path.push(Seg::Field((*field).to_string()));
                    spans.get(&path)
                })
                .and_then(|e| e.key)
                .map(|k| source.line_col(k));
            Issue::DuplicateField {
                place,
                field,
                first,
            }
        }
        ron::Error::ExpectedDifferentStructName { expected, found } => Issue::WrongStruct {
            expected,
            found: found.clone(),
        },
        ron::Error::ExpectedString
        | ron::Error::ExpectedArray
        | ron::Error::ExpectedStructLike
        | ron::Error::ExpectedNamedStructLike(_)
        | ron::Error::InvalidValueForType { .. } => {
            match spans
                .value_at(at)
                .and_then(|v| Some((v, Value::at(&v.path)?)))
            {
                Some((v, value)) => {
                    let field = match v.path.last() {
                        Some(Seg::Field(f)) => Some(f.clone()),
                        _ => None,
                    };
                    Issue::WrongType {
                        place: spans.place(&v.path),
                        field,
                        shape: value.shape(),
                    }
                }
                None => Issue::Syntax(e.code.to_string()),
            }
        }
        ron::Error::ExpectedComma => {
            // Point just after the value that wants the comma, not at the next line.
            if let Some(t) = tokens.iter().take_while(|t| t.end <= at).last() {
                at = t.end;
            }
            Issue::MissingComma
        }
        ron::Error::Eof => Issue::UnexpectedEnd {
            unclosed: spans.unclosed.last().map(|&(c, o)| {
                let (l, col) = source.line_col(o);
                (c, l, col)
            }),
        },
        ron::Error::TrailingCharacters => Issue::Trailing,
        ron::Error::ExpectedMapColon => Issue::MissingColon(
            tokens
                .iter()
                .take_while(|t| t.end <= at)
                .last()
                .filter(|t| t.kind == Tok::Ident)
                .map(|t| source.of(t).to_string()),
        ),
        ron::Error::UnclosedBlockComment => Issue::UnclosedComment,
        ron::Error::ExpectedIdentifier
        | ron::Error::InvalidIdentifier(_)
        | ron::Error::SuggestRawIdentifier(_) => Issue::ExpectedField(place),
        ron::Error::InvalidEscape(_) => {
            if let Some(t) = tokens.iter().find(|t| t.start <= at && at < t.end) {
                at = bad_escape(source.of(t)).map_or(at, |i| t.start + i);
            }
            Issue::InvalidEscape
        }
        ron::Error::ExceededRecursionLimit => Issue::TooDeep,
        other => Issue::Syntax(other.to_string()),
    };
    problem(at, issue)
}

/// Where in a string literal the first escape RON refuses starts, roughly: an unknown
/// letter after `\\`, else the first `\\x` or `\\u`, whose digits may be wrong.
fn bad_escape(literal: &str) -> Option<usize> {
    let mut escapes = Vec::new();
    let mut chars = literal.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            escapes.push((i, chars.next().map_or(' ', |(_, c)| c)));
        }
    }
    escapes
        .iter()
        .find(|(_, c)| !matches!(c, '\'' | '"' | '\\' | 'n' | 'r' | 't' | '0' | 'x' | 'u'))
        .or_else(|| escapes.iter().find(|(_, c)| matches!(c, 'x' | 'u')))
        .map(|&(i, _)| i)
}

/// The bracket that closes `open`.
pub fn closer(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// True for a string that seems to have swallowed the file up to the next field's opening
/// quote: it spans lines and ends in `name:`.
fn looks_unclosed(literal: &str) -> bool {
    let inner = literal.trim_end_matches('"').trim_end();
    let Some(before) = inner.strip_suffix(':') else {
        return false;
    };
    let name = before.trim_end();
    let word = name
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    let ahead = name[..name.len() - word.len()].trim_end_matches([' ', '\t', '\r']);
    !word.is_empty() && inner.contains('\n') && ahead.ends_with('\n')
}

/// Byte offset where nesting first goes deeper than [`MAX_DEPTH`].
pub fn too_deep(tokens: &[Token]) -> Option<usize> {
    let mut depth = 0usize;
    for t in tokens {
        match t.kind {
            Tok::Open(_) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(t.start);
                }
            }
            Tok::Close => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}
