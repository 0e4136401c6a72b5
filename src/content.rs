//! The document: its RON schema, the bundled copy, loading, validation and cleaning.
//!
//! The RON file is parsed into the serde types below, validated, cleaned of anything a terminal
//! would interpret, and flattened into an [`Outline`]: the one shape the rest of the app reads.

use std::fmt;

use serde::Deserialize;

/// The bundled document, compiled into the binary so it runs with no files beside it.
pub const BUNDLED: &str = include_str!("../data/smedjebacken.ron");

/// The name shown for the bundled document in messages.
pub const BUNDLED_NAME: &str = "data/smedjebacken.ron";

/// The largest data file accepted, so a mistaken path cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Nesting deeper than this is refused before it can exhaust the stack.
pub const MAX_DEPTH: usize = 32;

/// The whole document as written in the data file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub organisation: String,
    pub title: String,
    pub vision: Vision,
    pub introduction: String,
    pub perspectives: Vec<Perspective>,
    pub contact: Contact,
    pub last_updated_label: String,
    #[serde(default)]
    pub last_updated: String,
}

/// The root of the tree.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vision {
    pub id: String,
    pub title: String,
    pub text: String,
}

/// One of the perspectives the goals are grouped under.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Perspective {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub text: String,
    pub goals: Vec<Goal>,
}

/// A goal: a title and its text, paragraphs separated by a blank line.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    pub id: String,
    pub title: String,
    pub text: String,
}

/// Who to ask: a heading and its lines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub title: String,
    pub lines: Vec<String>,
}

/// One problem found in a data file, with where it is when that is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line and column.
    pub position: Option<(usize, usize)>,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Which kind of node a tree row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Vision,
    Perspective,
    Goal,
}

/// A piece of a node's detail text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    Heading(String),
    Item(String),
    Line(String),
}

impl Block {
    /// The block's text, whatever its kind.
    pub fn text(&self) -> &str {
        match self {
            Block::Paragraph(s) | Block::Heading(s) | Block::Item(s) | Block::Line(s) => s,
        }
    }
}

/// One node of the tree, with everything its detail pane shows.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub depth: usize,
    pub blocks: Vec<Block>,
}

/// The document flattened into nodes in document order; node 0 is the vision.
#[derive(Debug, Clone)]
pub struct Outline {
    pub organisation: String,
    pub title: String,
    pub nodes: Vec<Node>,
}

impl Outline {
    /// The index of the node with this id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// Every id, in document order.
    pub fn ids(&self) -> Vec<&str> {
        self.nodes.iter().map(|n| n.id.as_str()).collect()
    }

    /// The goals in document order.
    pub fn goals(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.nodes.len()).filter(|&i| self.nodes[i].kind == Kind::Goal)
    }

    /// The node and its ancestors, root first.
    pub fn path(&self, mut index: usize) -> Vec<usize> {
        let mut path = vec![index];
        while let Some(parent) = self.nodes[index].parent {
            path.push(parent);
            index = parent;
        }
        path.reverse();
        path
    }

    /// The bundled document, already known to be valid.
    pub fn bundled() -> Outline {
        load(BUNDLED_NAME, BUNDLED).unwrap_or_else(|e| unreachable_bundled(&e))
    }
}

#[cold]
fn unreachable_bundled(e: &LoadError) -> ! {
    // A test parses the bundled file, so a broken one never ships.
    panic!("the bundled document is invalid: {e}")
}

/// Why a document could not be loaded: every problem found, and the file they are in.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub file: String,
    pub source: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match p.position {
                Some((line, col)) => {
                    write!(f, "{}:{line}:{col}: {}", self.file, p.message)?;
                    if let Some(text) = self.source.lines().nth(line.saturating_sub(1)) {
                        let text = clean(text);
                        let caret: String = text
                            .chars()
                            .take(col.saturating_sub(1))
                            .map(|c| if c == '\t' { '\t' } else { ' ' })
                            .collect();
                        write!(f, "\n    {text}\n    {caret}^")?;
                    }
                }
                None => write!(f, "{}: {}", self.file, p.message)?,
            }
            if let Some(hint) = &p.hint {
                write!(f, "\n    hint: {hint}")?;
            }
        }
        Ok(())
    }
}

/// Reads a data file, refusing what cannot be one: a directory, a file over
/// [`MAX_FILE_BYTES`], text that is not UTF-8.
pub fn read_file(path: &std::path::Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    })?;
    if meta.is_dir() {
        return Err("is a directory, not a data file".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} bytes; a data file may be at most {MAX_FILE_BYTES} bytes",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        format!("{line}:{col}: the file is not UTF-8 text (byte {at})")
    })
}

/// Parses, validates and cleans a document. `file` names it in messages.
pub fn load(file: &str, source: &str) -> Result<Outline, LoadError> {
    let fail = |problems| LoadError {
        file: file.to_string(),
        source: source.to_string(),
        problems,
    };
    if source.trim().is_empty() {
        return Err(fail(vec![Problem {
            position: None,
            message: "the file is empty".into(),
            hint: Some("start from the bundled data/smedjebacken.ron".into()),
        }]));
    }
    if let Some(position) = too_deep(source) {
        return Err(fail(vec![Problem {
            position: Some(position),
            message: format!("nested more than {MAX_DEPTH} levels deep"),
            hint: None,
        }]));
    }
    let options = ron::Options::default().with_recursion_limit(MAX_DEPTH * 2);
    let document: Document = options
        .from_str(source)
        .map_err(|e| fail(vec![parse_problem(&e)]))?;
    let problems = validate(&document, source);
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    Ok(flatten(&document))
}

fn parse_problem(e: &ron::error::SpannedError) -> Problem {
    let hint = match &e.code {
        ron::Error::NoSuchStructField {
            expected, found, ..
        } => closest(found, expected).map(|c| format!("did you mean `{c}`?")),
        ron::Error::MissingStructField { outer, .. } => outer
            .as_ref()
            .map(|o| format!("every {o} needs this field")),
        _ => None,
    };
    Problem {
        position: Some((e.span.start.line, e.span.start.col)),
        message: e.code.to_string(),
        hint,
    }
}

/// The expected name nearest to what was written, if any is near.
fn closest<'a>(found: &str, expected: &[&'a str]) -> Option<&'a str> {
    expected
        .iter()
        .map(|e| (edit_distance(found, e), *e))
        .filter(|(d, e)| *d <= e.len().max(found.len()) / 2 + 1)
        .min()
        .map(|(_, e)| e)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Where nesting first goes deeper than [`MAX_DEPTH`], outside strings and comments.
fn too_deep(source: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut col) = (0usize, 1usize, 0usize);
    let mut chars = source.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        col += 1;
        if c == '\n' {
            line += 1;
            col = 0;
            continue;
        }
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                    col += 1;
                }
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        col = 0;
                        break;
                    }
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some((line, col));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Where `"value"` first appears after `id:` at or after byte `from`, as line and column.
fn locate_id(source: &str, value: &str, from: usize) -> Option<(usize, usize, usize)> {
    let needle = format!("\"{value}\"");
    let mut start = from;
    while let Some(found) = source.get(start..)?.find(&needle) {
        let at = start + found;
        let before = source[..at].trim_end();
        if before.ends_with(':') && before[..before.len() - 1].trim_end().ends_with("id") {
            let line = source[..at].matches('\n').count() + 1;
            let col = source[..at]
                .rsplit('\n')
                .next()
                .map_or(0, |l| l.chars().count())
                + 1;
            return Some((line, col, at + needle.len()));
        }
        start = at + needle.len();
    }
    None
}

/// Checks what serde cannot: ids unique and well-formed, no empty titles or texts.
pub fn validate(document: &Document, source: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen: Vec<(String, Option<(usize, usize)>)> = Vec::new();
    let mut cursor = 0usize;
    let mut check_id = |id: &str, what: &str, problems: &mut Vec<Problem>| {
        let place = locate_id(source, id, cursor).map(|(line, col, end)| {
            cursor = end;
            (line, col)
        });
        if id.is_empty() {
            problems.push(Problem {
                position: place,
                message: format!("{what} has an empty id"),
                hint: Some("ids use a-z, 0-9 and '-', e.g. \"bra-ekonomi\"".into()),
            });
        } else if !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            problems.push(Problem {
                position: place,
                message: format!(
                    "{what} has the id \"{}\", which is not plain ASCII",
                    clean(id)
                ),
                hint: Some("ids use a-z, 0-9 and '-', e.g. \"bra-ekonomi\"".into()),
            });
        }
        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
            let hint = match first {
                Some((l, c)) => format!("it is first used at line {l}, column {c}"),
                None => "it is used earlier in the file".into(),
            };
            problems.push(Problem {
                position: place,
                message: format!("the id \"{}\" is used twice", clean(id)),
                hint: Some(hint),
            });
        }
        seen.push((id.to_string(), place));
    };
    let nonempty = |text: &str, what: String, problems: &mut Vec<Problem>| {
        if text.trim().is_empty() {
            problems.push(Problem {
                position: None,
                message: format!("{what} is empty"),
                hint: None,
            });
        }
    };
    nonempty(
        &document.organisation,
        "the organisation".into(),
        &mut problems,
    );
    nonempty(&document.title, "the document title".into(), &mut problems);
    check_id(&document.vision.id, "the vision", &mut problems);
    nonempty(
        &document.vision.title,
        "the vision's title".into(),
        &mut problems,
    );
    nonempty(
        &document.vision.text,
        "the vision's text".into(),
        &mut problems,
    );
    if document.perspectives.is_empty() {
        problems.push(Problem {
            position: None,
            message: "the document has no perspectives".into(),
            hint: Some("add at least one Perspective(id: ..., title: ..., goals: [...])".into()),
        });
    }
    for (p, perspective) in document.perspectives.iter().enumerate() {
        let what = format!("perspective {} (\"{}\")", p + 1, clean(&perspective.id));
        check_id(&perspective.id, &what, &mut problems);
        nonempty(
            &perspective.title,
            format!("the title of {what}"),
            &mut problems,
        );
        for (g, goal) in perspective.goals.iter().enumerate() {
            let what = format!("goal {} of {what}", g + 1);
            check_id(&goal.id, &what, &mut problems);
            nonempty(&goal.title, format!("the title of {what}"), &mut problems);
            nonempty(&goal.text, format!("the text of {what}"), &mut problems);
        }
    }
    problems
}

/// Flattens a valid document into the outline the interface reads, every text cleaned.
fn flatten(document: &Document) -> Outline {
    let mut nodes = Vec::new();
    let paragraphs = |text: &str| -> Vec<Block> {
        text.split("\n\n")
            .map(|p| clean(p.trim()))
            .filter(|p| !p.is_empty())
            .map(Block::Paragraph)
            .collect()
    };
    let mut vision_blocks = paragraphs(&document.vision.text);
    vision_blocks.extend(paragraphs(&document.introduction));
    vision_blocks.push(Block::Heading(clean(&document.contact.title)));
    vision_blocks.extend(document.contact.lines.iter().map(|l| Block::Line(clean(l))));
    let updated = format!(
        "{} {}",
        clean(&document.last_updated_label),
        clean(&document.last_updated)
    );
    vision_blocks.push(Block::Line(updated.trim_end().to_string()));
    nodes.push(Node {
        id: clean(&document.vision.id),
        kind: Kind::Vision,
        title: clean(&document.vision.title),
        parent: None,
        children: Vec::new(),
        depth: 0,
        blocks: vision_blocks,
    });
    for perspective in &document.perspectives {
        let p = nodes.len();
        nodes[0].children.push(p);
        let mut blocks = paragraphs(&perspective.text);
        blocks.extend(
            perspective
                .goals
                .iter()
                .map(|g| Block::Item(clean(&g.title))),
        );
        nodes.push(Node {
            id: clean(&perspective.id),
            kind: Kind::Perspective,
            title: clean(&perspective.title),
            parent: Some(0),
            children: Vec::new(),
            depth: 1,
            blocks,
        });
        for goal in &perspective.goals {
            let g = nodes.len();
            nodes[p].children.push(g);
            nodes.push(Node {
                id: clean(&goal.id),
                kind: Kind::Goal,
                title: clean(&goal.title),
                parent: Some(p),
                children: Vec::new(),
                depth: 2,
                blocks: paragraphs(&goal.text),
            });
        }
    }
    Outline {
        organisation: clean(&document.organisation),
        title: clean(&document.title),
        nodes,
    }
}

/// Tab stops used when a tab is expanded to spaces.
const TAB: usize = 4;

/// Makes text safe for a terminal cell or stdout.
///
/// Escape sequences (CSI, OSC, DCS and the rest) are removed whole; any other C0 control but
/// newline, DEL, the C1 controls and the bidirectional overrides are dropped; a tab becomes
/// spaces to the next stop. Text without any of these comes back unchanged.
pub fn clean(text: &str) -> String {
    if !text.chars().any(needs_cleaning) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut column = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                out.push('\n');
                column = 0;
            }
            '\t' => {
                let n = TAB - column % TAB;
                out.extend(std::iter::repeat_n(' ', n));
                column += n;
            }
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{90}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if needs_cleaning(c) => {}
            c => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

/// True for a character [`clean`] removes or rewrites.
pub fn needs_cleaning(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Skips the rest of an escape sequence whose ESC has been read.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_until_final(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        Some(c) if (' '..='/').contains(c) => {
            // Intermediate bytes, then one final byte.
            while chars.next_if(|c| (' '..='/').contains(c)).is_some() {}
            chars.next();
        }
        Some(c) if !c.is_control() => {
            chars.next();
        }
        _ => {}
    }
}

/// Skips a CSI's parameters up to and including its final byte.
fn skip_until_final(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) || c.is_control() {
            break;
        }
    }
}

/// Skips an OSC, DCS or similar string up to its terminator (BEL, ST or ESC \).
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_document_is_valid() {
        let outline = load(BUNDLED_NAME, BUNDLED).expect("bundled file is valid");
        assert_eq!(outline.nodes.len(), 10);
        assert_eq!(outline.goals().count(), 6);
        assert_eq!(outline.nodes[0].kind, Kind::Vision);
        assert_eq!(
            outline.ids(),
            [
                "vision",
                "hallbarhet",
                "en-kommun-for-alla",
                "ekokommun-i-framkant",
                "utveckling",
                "hog-sysselsattning",
                "attraktivt-boende",
                "effektivitet",
                "bra-ekonomi",
                "bra-verksamhet"
            ]
        );
    }

    #[test]
    fn clean_text_passes_unchanged() {
        let s = "Hållbarhet – 0240-66 00 00\n\nå ä ö é ü 漢字 🙂";
        assert_eq!(clean(s), s);
    }

    #[test]
    fn clean_removes_escape_sequences_whole() {
        assert_eq!(clean("a\u{1b}]0;title\u{7}b"), "ab");
        assert_eq!(clean("a\u{1b}]52;c;aGVq\u{1b}\\b"), "ab");
        assert_eq!(clean("a\u{1b}[31;1mb\u{1b}[0m"), "ab");
        assert_eq!(clean("a\u{9b}2Jb"), "ab");
        assert_eq!(clean("a\u{7f}\u{85}\u{0}b\r"), "ab");
        assert_eq!(clean("a\tb"), "a   b");
        assert_eq!(clean("x\u{202e}y"), "xy");
    }

    #[test]
    fn closest_field_name() {
        assert_eq!(closest("titel", &["id", "title", "text"]), Some("title"));
        assert_eq!(closest("zzzzzzzz", &["id", "title"]), None);
    }
}
