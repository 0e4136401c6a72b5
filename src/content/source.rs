//! The text of a data file as the diagnostics read it: where each line starts, and its tokens,
//! each found once per load however many problems are then located in it.

/// Where each line of a text starts, so a position is found without reading up to it.
#[derive(Debug, Clone)]
pub struct LineMap {
    starts: Vec<usize>,
}

impl LineMap {
    pub fn new(text: &str) -> LineMap {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineMap { starts }
    }

    /// 1-based line and column (in characters) of byte `at` of `text`, the text it was made
    /// from. Past the end, or inside a character, is the end.
    pub fn line_col(&self, text: &str, at: usize) -> (usize, usize) {
        let at = if text.is_char_boundary(at) {
            at
        } else {
            text.len()
        };
        let line = self.starts.partition_point(|&s| s <= at);
        let start = self.starts[line - 1];
        (line, text[start..at].chars().count() + 1)
    }

    /// Byte offset of a 1-based line and column (in characters); past the end is the end.
    pub fn offset(&self, text: &str, (line, col): (usize, usize)) -> usize {
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len());
        text[start..]
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(text.len(), |(i, _)| start + i)
    }

    /// Line `line` (1-based) of `text`, without its newline.
    pub fn line<'a>(&self, text: &'a str, line: usize) -> Option<&'a str> {
        let i = line.saturating_sub(1);
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).map_or(text.len(), |&next| next - 1);
        Some(&text[start..end])
    }
}

/// A data file's text with its lines and tokens.
pub struct Source<'a> {
    pub text: &'a str,
    pub lines: LineMap,
    pub tokens: Vec<Token>,
    /// Where a block comment starts that the file ends inside.
    pub unclosed_comment: Option<usize>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Source<'a> {
        let mut lexer = Lexer::new(text);
        let tokens = lexer.by_ref().collect();
        Source {
            text,
            lines: LineMap::new(text),
            tokens,
            unclosed_comment: lexer.unclosed_comment,
        }
    }

    /// 1-based line and column of byte `at`.
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        self.lines.line_col(self.text, at)
    }

    /// Byte offset of a 1-based line and column.
    pub fn offset(&self, position: (usize, usize)) -> usize {
        self.lines.offset(self.text, position)
    }

    /// The text of a token.
    pub fn of(&self, t: &Token) -> &'a str {
        &self.text[t.start..t.end]
    }
}

/// A token of RON, as far as locating things needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Open(char),
    Close,
    Colon,
    Comma,
    Str,
    Ident,
    Other,
}

#[derive(Debug, Clone, Copy)]
pub struct Token {
    pub kind: Tok,
    pub start: usize,
    pub end: usize,
    /// False for a string the file ends inside.
    pub closed: bool,
}

/// A forgiving RON tokenizer: it never fails, and skips whitespace and comments.
struct Lexer<'a> {
    s: &'a str,
    i: usize,
    /// Where a block comment starts that the file ends inside.
    unclosed_comment: Option<usize>,
}

impl<'a> Lexer<'a> {
    fn new(s: &'a str) -> Self {
        Lexer {
            s,
            i: 0,
            unclosed_comment: None,
        }
    }

    fn peek(&self, n: usize) -> Option<char> {
        self.s[self.i..].chars().nth(n)
    }

    /// Moves past whitespace and comments (`//` to the end of the line, `/* */` nested).
    fn skip_blank(&mut self) {
        loop {
            let rest = &self.s[self.i..];
            let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
            self.i += rest.len() - trimmed.len();
            if trimmed.starts_with("//") {
                self.i += trimmed.find('\n').unwrap_or(trimmed.len());
            } else if trimmed.starts_with("/*") {
                let start = self.i;
                let mut depth = 0usize;
                let bytes = self.s.as_bytes();
                while self.i < self.s.len() {
                    if bytes[self.i..].starts_with(b"/*") {
                        depth += 1;
                        self.i += 2;
                    } else if bytes[self.i..].starts_with(b"*/") {
                        depth -= 1;
                        self.i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        self.i += 1;
                    }
                }
                if depth > 0 {
                    self.unclosed_comment = Some(start);
                }
                // A '/*' may have been stepped into mid-character; realign.
                while !self.s.is_char_boundary(self.i) {
                    self.i += 1;
                }
            } else {
                return;
            }
        }
    }

    /// Moves past a quoted string whose opening quote is at `self.i`; true if it closes.
    fn string(&mut self) -> bool {
        let bytes = self.s.as_bytes();
        let mut j = self.i + 1;
        while j < bytes.len() {
            match bytes[j] {
                b'\\' => j += 2,
                b'"' => {
                    self.i = j + 1;
                    return true;
                }
                _ => j += 1,
            }
        }
        self.i = self.s.len();
        false
    }

    /// Moves past `r#"..."#` whose `r` is at `self.i`; true if it closes.
    fn raw_string(&mut self, hashes: usize) -> bool {
        let open = self.i + 1 + hashes + 1;
        let close = format!("\"{}", "#".repeat(hashes));
        match self.s[open..].find(&close) {
            Some(k) => {
                self.i = open + k + close.len();
                true
            }
            None => {
                self.i = self.s.len();
                false
            }
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        self.skip_blank();
        let start = self.i;
        let c = self.peek(0)?;
        let mut closed = true;
        let kind = match c {
            '(' | '[' | '{' => {
                self.i += 1;
                Tok::Open(c)
            }
            ')' | ']' | '}' => {
                self.i += 1;
                Tok::Close
            }
            ':' => {
                self.i += 1;
                Tok::Colon
            }
            ',' => {
                self.i += 1;
                Tok::Comma
            }
            '"' => {
                closed = self.string();
                Tok::Str
            }
            'r' if matches!(self.peek(1), Some('"' | '#')) => {
                let hashes = self.s[self.i + 1..]
                    .chars()
                    .take_while(|&c| c == '#')
                    .count();
                if self.s[self.i + 1 + hashes..].starts_with('"') {
                    closed = self.raw_string(hashes);
                    Tok::Str
                } else {
                    self.i += 1;
                    Tok::Ident
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let rest = &self.s[self.i..];
                self.i += rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                Tok::Ident
            }
            c if c.is_ascii_digit() || matches!(c, '-' | '+' | '.') => {
                let rest = &self.s[self.i..];
                self.i += rest
                    .char_indices()
                    .skip(1)
                    .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_')))
                    .map_or(rest.len(), |(i, _)| i);
                Tok::Other
            }
            c => {
                self.i += c.len_utf8();
                Tok::Other
            }
        };
        Some(Token {
            kind,
            start,
            end: self.i,
            closed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the line map replaced: a scan from the start of the text for each position.
    fn line_col_by_scanning(source: &str, at: usize) -> (usize, usize) {
        let at = at.min(source.len());
        let before = source.get(..at).unwrap_or(source);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (
            before.matches('\n').count() + 1,
            before[line_start..].chars().count() + 1,
        )
    }

    #[test]
    fn positions_match_a_scan_from_the_start() {
        for text in ["", "a", "\n", "å\nä\r\nö\n\n漢字 x\n", "x\ny"] {
            let map = LineMap::new(text);
            for at in 0..=text.len() + 2 {
                let position = map.line_col(text, at);
                assert_eq!(position, line_col_by_scanning(text, at), "{text:?} {at}");
                if text.is_char_boundary(at) {
                    assert_eq!(map.offset(text, position), at, "{text:?} {at}");
                }
            }
            for (n, line) in text.split('\n').enumerate() {
                assert_eq!(map.line(text, n + 1), Some(line), "{text:?}");
            }
            assert_eq!(map.line(text, text.split('\n').count() + 1), None);
        }
    }
}
