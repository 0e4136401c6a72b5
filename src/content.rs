//! The document: its RON schema, the bundled copy, loading, validation and cleaning.
//!
//! The RON file is parsed into the serde types below, validated, cleaned of anything a terminal
//! would interpret, and flattened into an [`Outline`]: the one shape the rest of the app reads.

use std::collections::HashMap;
use std::fmt;
use std::io::Read as _;

use serde::Deserialize;

use crate::i18n::Lang;
use crate::text;

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
}

impl Place {
    fn name(&self, lang: Lang) -> String {
        let sv = lang == Lang::Sv;
        match self {
            Place::Document if sv => "dokumentet".into(),
            Place::Document => "the document".into(),
            Place::Vision if sv => "visionen".into(),
            Place::Vision => "the vision".into(),
            Place::Contact if sv => "kontaktblocket".into(),
            Place::Contact => "the contact block".into(),
            Place::Perspectives if sv => "listan med perspektiv".into(),
            Place::Perspectives => "the list of perspectives".into(),
            Place::Perspective(_, Some(id)) if sv => format!("perspektivet \"{}\"", clean(id)),
            Place::Perspective(_, Some(id)) => format!("perspective \"{}\"", clean(id)),
            Place::Perspective(n, None) if sv => format!("perspektiv {n}"),
            Place::Perspective(n, None) => format!("perspective {n}"),
            Place::Goal(n, p, id) if sv => {
                format!(
                    "mål {n} i {}",
                    Place::Perspective(*p, id.clone()).name(lang)
                )
            }
            Place::Goal(n, p, id) => {
                format!(
                    "goal {n} of {}",
                    Place::Perspective(*p, id.clone()).name(lang)
                )
            }
        }
    }
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
    NoPerspectives,
}

/// How ids are written, for hints.
const ID_RULE_SV: &str = "ett id består av a–z, 0–9 och -, t.ex. \"bra-ekonomi\"";
const ID_RULE_EN: &str = "an id uses a–z, 0–9 and -, e.g. \"bra-ekonomi\"";

impl Issue {
    /// The message and, where one helps, a hint.
    pub fn describe(&self, lang: Lang) -> (String, Option<String>) {
        let sv = lang == Lang::Sv;
        let pick = |s: String, e: String| if sv { s } else { e };
        let at = |(l, c): (usize, usize)| {
            if sv {
                format!("rad {l}, kolumn {c}")
            } else {
                format!("line {l}, column {c}")
            }
        };
        match self {
            Issue::NotFound => (pick("filen finns inte".into(), "no such file".into()), None),
            Issue::PermissionDenied => (
                pick(
                    "filen får inte läsas (behörighet saknas)".into(),
                    "permission denied".into(),
                ),
                None,
            ),
            Issue::IsDirectory => (
                pick(
                    "är en katalog, inte en datafil".into(),
                    "is a directory, not a data file".into(),
                ),
                None,
            ),
            Issue::Unreadable(e) => (
                pick(format!("kan inte läsas: {e}"), format!("cannot be read: {e}")),
                None,
            ),
            Issue::TooBig(size) => (
                match size {
                    Some(n) => pick(
                        format!("filen är {n} byte; en datafil får vara högst {MAX_FILE_BYTES} byte"),
                        format!(
                            "the file is {n} bytes; a data file may be at most {MAX_FILE_BYTES} bytes"
                        ),
                    ),
                    None => pick(
                        format!("filen är över {MAX_FILE_BYTES} byte, gränsen för en datafil"),
                        format!(
                            "the file is over {MAX_FILE_BYTES} bytes, the limit for a data file"
                        ),
                    ),
                },
                Some(pick(
                    "är det rätt fil?".into(),
                    "is it the right file?".into(),
                )),
            ),
            Issue::NotUtf8(byte) => (
                pick(
                    format!("filen är inte UTF-8-text (byte {byte})"),
                    format!("the file is not UTF-8 text (byte {byte})"),
                ),
                Some(pick(
                    "spara filen som UTF-8 i textredigeraren".into(),
                    "save the file as UTF-8 in the text editor".into(),
                )),
            ),
            Issue::Empty => (
                pick("filen är tom".into(), "the file is empty".into()),
                Some(pick(
                    format!("börja med en kopia av {BUNDLED_NAME}"),
                    format!("start from a copy of {BUNDLED_NAME}"),
                )),
            ),
            Issue::TooDeep => (
                pick(
                    format!("nästlat djupare än {MAX_DEPTH} nivåer"),
                    format!("nested more than {MAX_DEPTH} levels deep"),
                ),
                Some(pick(
                    "ett dokument har bara några nivåer: Document → perspectives → Perspective → goals → Goal".into(),
                    "a document has only a few levels: Document → perspectives → Perspective → goals → Goal".into(),
                )),
            ),
            Issue::UnknownField {
                place,
                found,
                expected,
            } => {
                let found = clean(found);
                let fields = expected
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let hint = match closest(&found, expected) {
                    Some(c) => pick(
                        format!("menade du `{c}`? Fälten här: {fields}"),
                        format!("did you mean `{c}`? The fields here: {fields}"),
                    ),
                    None => pick(
                        format!("fälten här: {fields}"),
                        format!("the fields here: {fields}"),
                    ),
                };
                let place = place.name(lang);
                (
                    pick(
                        format!("okänt fält `{found}` i {place}"),
                        format!("unknown field `{found}` in {place}"),
                    ),
                    Some(hint),
                )
            }
            Issue::MissingField { place, field } => {
                let place = place.name(lang);
                let shape = match *field {
                    "vision" => "Vision(...)",
                    "contact" => "Contact(...)",
                    "perspectives" | "goals" | "lines" => "[...]",
                    _ => "\"...\"",
                };
                (
                    pick(
                        format!("{place} saknar `{field}`"),
                        format!("{place} has no `{field}`"),
                    ),
                    Some(pick(
                        format!("lägg till `{field}: {shape},` före `)`"),
                        format!("add `{field}: {shape},` before the `)`"),
                    )),
                )
            }
            Issue::DuplicateField {
                place,
                field,
                first,
            } => {
                let place = place.name(lang);
                (
                    pick(
                        format!("fältet `{field}` står två gånger i {place}"),
                        format!("the field `{field}` appears twice in {place}"),
                    ),
                    first.map(|p| {
                        pick(
                            format!("första gången på {}; ta bort det ena", at(p)),
                            format!("it first appears at {}; remove one of them", at(p)),
                        )
                    }),
                )
            }
            Issue::WrongStruct { expected, found } => {
                let found = clean(found);
                (
                    pick(
                        format!("här ska det stå `{expected}`, inte `{found}`"),
                        format!("expected `{expected}` here, not `{found}`"),
                    ),
                    None,
                )
            }
            Issue::WrongType {
                place,
                field,
                shape,
            } => {
                let what = match field {
                    Some(f) if sv => format!("`{}` i {}", clean(f), place.name(lang)),
                    Some(f) => format!("`{}` in {}", clean(f), place.name(lang)),
                    None => place.name(lang),
                };
                let message = match shape {
                    Shape::Text => pick(
                        format!("{what} ska vara en text inom citattecken"),
                        format!("{what} should be a string in double quotes"),
                    ),
                    Shape::List => pick(
                        format!("{what} ska vara en lista inom [ ]"),
                        format!("{what} should be a list in [ ]"),
                    ),
                    Shape::Struct(name) => pick(
                        format!("{what} ska vara `{name}(...)`"),
                        format!("{what} should be `{name}(...)`"),
                    ),
                };
                let hint = match (shape, field) {
                    (Shape::Text, Some(f)) => Some(pick(
                        format!("till exempel `{}: \"...\",`", clean(f)),
                        format!("for example `{}: \"...\",`", clean(f)),
                    )),
                    _ => None,
                };
                (message, hint)
            }
            Issue::MissingComma => (
                pick(
                    "här saknas ett kommatecken".into(),
                    "a comma is missing here".into(),
                ),
                Some(pick(
                    "varje fält och varje listelement slutar med `,`".into(),
                    "every field and every list item ends with `,`".into(),
                )),
            ),
            Issue::MissingColon(field) => {
                let field = field.as_deref().map(clean);
                (
                    match &field {
                        Some(f) => pick(
                            format!("`:` saknas efter `{f}`"),
                            format!("a `:` is missing after `{f}`"),
                        ),
                        None => pick("här saknas `:`".into(), "a `:` is missing here".into()),
                    },
                    Some(pick(
                        format!("skriv `{}: ...`", field.as_deref().unwrap_or("namn")),
                        format!("write `{}: ...`", field.as_deref().unwrap_or("name")),
                    )),
                )
            }
            Issue::Mismatch {
                found,
                open: (open, l, c),
            } => {
                let want = closer(*open);
                (
                    pick(
                        format!("här står `{found}`, men `{open}` på {} är inte stängd med `{want}`", at((*l, *c))),
                        format!("found `{found}`, but the `{open}` at {} is not closed with `{want}`", at((*l, *c))),
                    ),
                    Some(pick(
                        format!("lägg till `{want}` före, eller ta bort en `{found}` för mycket"),
                        format!("add the `{want}` before it, or remove a `{found}` too many"),
                    )),
                )
            }
            Issue::ExpectedField(place) => {
                let place = place.name(lang);
                (
                    pick(
                        format!("här ska ett fältnamn stå, i {place}"),
                        format!("a field name belongs here, in {place}"),
                    ),
                    Some(pick(
                        "ett fält skrivs `namn: värde,`, t.ex. `title: \"...\",`".into(),
                        "a field is written `name: value,`, e.g. `title: \"...\",`".into(),
                    )),
                )
            }
            Issue::UnclosedComment => (
                pick(
                    "kommentaren som börjar här tar aldrig slut".into(),
                    "the comment that starts here never ends".into(),
                ),
                Some(pick(
                    "avsluta den med */".into(),
                    "end it with */".into(),
                )),
            ),
            Issue::Unterminated { runs_to } => (
                pick(
                    "texten som börjar här saknar avslutande `\"`".into(),
                    "the string that starts here has no closing `\"`".into(),
                ),
                Some(match runs_to {
                    Some(line) => pick(
                        format!("utan den fortsätter texten till rad {line}"),
                        format!("without it, the string runs on to line {line}"),
                    ),
                    None => pick(
                        "filen tar slut inne i texten".into(),
                        "the file ends inside the string".into(),
                    ),
                }),
            ),
            Issue::UnexpectedEnd { unclosed } => (
                pick(
                    "filen tar slut mitt i dokumentet".into(),
                    "the file ends in the middle of the document".into(),
                ),
                Some(match unclosed {
                    Some((c, l, col)) => pick(
                        format!("`{c}` på {} stängs aldrig", at((*l, *col))),
                        format!("the `{c}` at {} is never closed", at((*l, *col))),
                    ),
                    None => pick(
                        "är filen avkortad?".into(),
                        "was the file cut short?".into(),
                    ),
                }),
            ),
            Issue::Trailing => (
                pick(
                    "text efter dokumentets slut".into(),
                    "text after the end of the document".into(),
                ),
                Some(pick(
                    "en `)` för mycket, eller något inklistrat efter sista `)`?".into(),
                    "one `)` too many, or something pasted after the last `)`?".into(),
                )),
            ),
            Issue::InvalidEscape => (
                pick(
                    "okänd escape-sekvens i en text".into(),
                    "unknown escape sequence in a string".into(),
                ),
                Some(pick(
                    "skriv \\\\ för ett bakstreck; giltiga är \\n, \\\", \\\\, \\t och \\u{...}"
                        .into(),
                    "write \\\\ for a backslash; valid ones are \\n, \\\", \\\\, \\t and \\u{...}"
                        .into(),
                )),
            ),
            Issue::Syntax(message) => (
                pick(
                    format!("RON-syntaxfel: {message}"),
                    format!("RON syntax error: {message}"),
                ),
                None,
            ),
            Issue::EmptyId(place) => {
                let place = place.name(lang);
                (
                    pick(
                        format!("{place} har ett tomt id"),
                        format!("{place} has an empty id"),
                    ),
                    Some(pick(ID_RULE_SV.into(), ID_RULE_EN.into())),
                )
            }
            Issue::BadId(place, id) => {
                let (place, id) = (place.name(lang), clean(id));
                let rule = pick(ID_RULE_SV.into(), ID_RULE_EN.into());
                let suggestion = suggest_id(&id);
                let hint = if suggestion.is_empty() {
                    rule
                } else if sv {
                    format!("{rule}; här kanske \"{suggestion}\"")
                } else {
                    format!("{rule}; here perhaps \"{suggestion}\"")
                };
                (
                    pick(
                        format!("{place} har id \"{id}\" med andra tecken än a–z, 0–9 och -"),
                        format!("{place} has the id \"{id}\", with characters other than a–z, 0–9 and -"),
                    ),
                    Some(hint),
                )
            }
            Issue::DuplicateId {
                place,
                id,
                first,
                first_place,
            } => {
                let (place, id) = (place.name(lang), clean(id));
                let other = first_place.name(lang);
                let hint = match first {
                    Some(p) => pick(
                        format!("{other} har samma id, på {}", at(*p)),
                        format!("{other} has the same id, at {}", at(*p)),
                    ),
                    None => pick(
                        format!("{other} har samma id"),
                        format!("{other} has the same id"),
                    ),
                };
                (
                    pick(
                        format!("{place} har id \"{id}\", som redan används"),
                        format!("{place} has the id \"{id}\", which is already used"),
                    ),
                    Some(hint),
                )
            }
            Issue::EmptyText { place, field } => {
                let place = place.name(lang);
                (
                    pick(
                        format!("`{field}` i {place} är tom"),
                        format!("the `{field}` of {place} is empty"),
                    ),
                    None,
                )
            }
            Issue::NoPerspectives => (
                pick(
                    "dokumentet har inga perspektiv".into(),
                    "the document has no perspectives".into(),
                ),
                Some(pick(
                    "lägg till minst ett Perspective(id: ..., title: ..., goals: [...])".into(),
                    "add at least one Perspective(id: ..., title: ..., goals: [...])".into(),
                )),
            ),
        }
    }
}

/// An id in the allowed letters that is close to what was written: "Hållbarhet" → "hallbarhet".
fn suggest_id(id: &str) -> String {
    let mut out = String::new();
    for c in id.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'å' | 'ä' | 'á' | 'à' | 'â' => 'a',
            'ö' | 'ó' | 'ò' | 'ô' | 'ø' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            c if c.is_ascii_lowercase() || c.is_ascii_digit() => c,
            _ => '-',
        };
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    out.trim_end_matches('-').to_string()
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

    /// The bundled document, already known to be valid: `cargo test` loads it with every check
    /// and compares, so at start-up it is only parsed and flattened, without the lexing and
    /// checks that are there to explain a broken file (half the work of `load`).
    pub fn bundled() -> Outline {
        let options = ron::Options::default().with_recursion_limit(MAX_DEPTH * 2);
        match options.from_str::<Document>(BUNDLED) {
            Ok(document) => flatten(&document),
            Err(_) => load(BUNDLED_NAME, BUNDLED).unwrap_or_else(|e| unreachable_bundled(&e)),
        }
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

/// The widest excerpt of a source line shown under a message.
const EXCERPT_WIDTH: usize = 100;

impl LoadError {
    fn new(file: &str, source: &str, problems: Vec<Problem>) -> LoadError {
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
        let hint_label = match lang {
            Lang::Sv => "tips",
            Lang::En => "hint",
        };
        let mut out = String::new();
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            let (message, hint) = p.issue.describe(lang);
            match p.position {
                Some((line, col)) => {
                    out.push_str(&format!("{file}:{line}:{col}: {message}"));
                    if let Some(text) = self.source.split('\n').nth(line.saturating_sub(1)) {
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
fn excerpt(line: &str, col: usize) -> (String, String) {
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

/// Reads a data file, refusing what cannot be one: a missing file, a directory, a file over
/// [`MAX_FILE_BYTES`], text that is not UTF-8.
pub fn read(path: &std::path::Path) -> Result<String, LoadError> {
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
        fail(Issue::NotUtf8(at), Some(line_col(valid, at)), &shown)
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
pub fn load_file(path: &std::path::Path) -> Result<Outline, LoadError> {
    let source = read(path)?;
    load(&path.display().to_string(), &source)
}

/// The content every mode shows: the bundled document, or the data file given, with any
/// errors as a message in `lang`.
pub fn load_data(data: Option<&std::path::Path>, lang: Lang) -> Result<Outline, String> {
    match data {
        None => Ok(Outline::bundled()),
        Some(path) => load_file(path),
    }
    .map_err(|e| e.render(lang))
}

/// Parses, validates and cleans a document. `file` names it in messages.
pub fn load(file: &str, source: &str) -> Result<Outline, LoadError> {
    let fail = |problems| LoadError::new(file, source, problems);
    let one = |position, issue| fail(vec![Problem { position, issue }]);
    // A byte-order mark (Windows editors write one) is whitespace, and keeps columns as they are.
    let text: std::borrow::Cow<'_, str> = match source.strip_prefix('\u{feff}') {
        Some(rest) => format!(" {rest}").into(),
        None => source.into(),
    };
    let mut lexer = Lexer::new(&text);
    let tokens: Vec<Token> = lexer.by_ref().collect();
    if let Some(at) = lexer.unclosed_comment {
        return Err(one(Some(line_col(&text, at)), Issue::UnclosedComment));
    }
    if tokens.is_empty() {
        return Err(one(None, Issue::Empty));
    }
    if let Some(at) = too_deep(&tokens) {
        return Err(one(Some(line_col(&text, at)), Issue::TooDeep));
    }
    let options = ron::Options::default().with_recursion_limit(MAX_DEPTH * 2);
    let document: Document = match options.from_str(&text) {
        Ok(d) => d,
        Err(e) => return Err(fail(vec![parse_problem(&text, &e)])),
    };
    let problems = validate(&document, &text);
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    Ok(flatten(&document))
}

/// 1-based line and column (in characters) of byte `at`.
fn line_col(source: &str, at: usize) -> (usize, usize) {
    let at = at.min(source.len());
    let before = source.get(..at).unwrap_or(source);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// Byte offset of a 1-based line and column (in characters).
fn offset(source: &str, (line, col): (usize, usize)) -> usize {
    let start = if line <= 1 {
        0
    } else {
        source
            .match_indices('\n')
            .nth(line - 2)
            .map_or(source.len(), |(i, _)| i + 1)
    };
    source[start..]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(source.len(), |(i, _)| start + i)
}

/// Turns the RON parser's error into a problem in the terms of the document.
fn parse_problem(source: &str, e: &ron::error::SpannedError) -> Problem {
    let spans = Spans::scan(source);
    let mut at = offset(source, (e.span.start.line, e.span.start.col));
    // The parser reports where it stood, often before the whitespace ahead of the culprit.
    let tokens: Vec<Token> = Lexer::new(source).collect();
    if let Some(t) = tokens.iter().find(|t| t.end > at) {
        at = at.max(t.start);
    }
    let problem = |at: usize, issue| Problem {
        position: Some(line_col(source, at)),
        issue,
    };
    // An unclosed string swallows the file up to the next quote, and the parser trips later.
    if let Some(t) = tokens
        .iter()
        .take_while(|t| t.start < at.max(1))
        .filter(|t| t.kind == Tok::Str)
        .last()
        .filter(|t| looks_unclosed(&source[t.start..t.end]))
    {
        let (runs_to, _) = line_col(source, t.end);
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
        let found = source[t.start..].chars().next().unwrap_or(')');
        if let Some(&(bracket, o)) = open.last() {
            let want = closer(bracket);
            if found != want {
                let (line, col) = line_col(source, o);
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
                .map(|k| line_col(source, k));
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
        | ron::Error::InvalidValueForType { .. } => match spans.value_at(at) {
            Some(v) if shape(&v.path).is_some() => {
                let field = match v.path.last() {
                    Some(Seg::Field(f)) => Some(f.clone()),
                    _ => None,
                };
                Issue::WrongType {
                    place: spans.place(&v.path),
                    field,
                    shape: shape(&v.path).unwrap_or(Shape::Text),
                }
            }
            _ => Issue::Syntax(e.code.to_string()),
        },
        ron::Error::ExpectedComma => {
            // Point just after the value that wants the comma, not at the next line.
            if let Some(t) = tokens.iter().take_while(|t| t.end <= at).last() {
                at = t.end;
            }
            Issue::MissingComma
        }
        ron::Error::Eof => Issue::UnexpectedEnd {
            unclosed: spans.unclosed.last().map(|&(c, o)| {
                let (l, col) = line_col(source, o);
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
                .map(|t| source[t.start..t.end].to_string()),
        ),
        ron::Error::UnclosedBlockComment => Issue::UnclosedComment,
        ron::Error::ExpectedIdentifier
        | ron::Error::InvalidIdentifier(_)
        | ron::Error::SuggestRawIdentifier(_) => Issue::ExpectedField(place),
        ron::Error::InvalidEscape(_) => {
            if let Some(t) = tokens.iter().find(|t| t.start <= at && at < t.end) {
                at = bad_escape(&source[t.start..t.end]).map_or(at, |i| t.start + i);
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
fn closer(open: char) -> char {
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

/// The shape a value at `path` should have, from the schema.
fn shape(path: &[Seg]) -> Option<Shape> {
    if path.is_empty() {
        return Some(Shape::Struct("Document"));
    }
    match path.last()? {
        Seg::Index(_) => match path.len().checked_sub(2).map(|i| &path[i])? {
            Seg::Index(_) => None,
            Seg::Field(f) => match f.as_str() {
                "perspectives" => Some(Shape::Struct("Perspective")),
                "goals" => Some(Shape::Struct("Goal")),
                "lines" => Some(Shape::Text),
                _ => None,
            },
        },
        Seg::Field(f) => match f.as_str() {
            "vision" => Some(Shape::Struct("Vision")),
            "contact" => Some(Shape::Struct("Contact")),
            "perspectives" | "goals" | "lines" => Some(Shape::List),
            "organisation" | "title" | "introduction" | "id" | "text" | "last_updated_label"
            | "last_updated" => Some(Shape::Text),
            _ => None,
        },
    }
}

/// Byte offset where nesting first goes deeper than [`MAX_DEPTH`].
fn too_deep(tokens: &[Token]) -> Option<usize> {
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

/// A token of RON, as far as locating things needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Open(char),
    Close,
    Colon,
    Comma,
    Str,
    Ident,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Tok,
    start: usize,
    end: usize,
    /// False for a string the file ends inside.
    closed: bool,
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

/// One step of a path into the document: a field, or an item of a list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Seg {
    Field(String),
    Index(usize),
}

/// One value in the file and where it is.
#[derive(Debug, Clone)]
struct Entry {
    path: Vec<Seg>,
    /// Where its field name starts, for a field.
    key: Option<usize>,
    start: usize,
    end: usize,
    container: bool,
    /// The contents of a string, as written.
    text: Option<String>,
}

/// Where every value of a data file is, found by a forgiving scan that works on broken files.
struct Spans {
    entries: Vec<Entry>,
    /// The first entry at each path, so a large file is looked up in linear time.
    index: HashMap<Vec<Seg>, usize>,
    /// Brackets never closed: the bracket and its byte offset, outermost first.
    unclosed: Vec<(char, usize)>,
}

/// How a container being scanned stands.
struct Frame {
    entry: usize,
    bracket: (char, usize),
    list: bool,
    count: usize,
    field: Option<(String, usize)>,
}

impl Spans {
    fn scan(source: &str) -> Spans {
        let mut entries: Vec<Entry> = Vec::new();
        let mut frames: Vec<Frame> = Vec::new();
        let mut tokens = Lexer::new(source).peekable();
        while let Some(t) = tokens.next() {
            let text = &source[t.start..t.end];
            match t.kind {
                Tok::Ident => {
                    let next = tokens.peek().map(|n| n.kind);
                    let in_struct = frames.last().is_some_and(|f| !f.list);
                    if next == Some(Tok::Colon) && in_struct {
                        tokens.next();
                        if let Some(f) = frames.last_mut() {
                            f.field = Some((text.to_string(), t.start));
                        }
                    } else if let Some(Tok::Open(b)) = next.filter(|_| frames.len() < 4 * MAX_DEPTH)
                    {
                        let open = tokens.next().map_or(t.end, |o| o.start);
                        let entry = Self::value(&mut entries, &mut frames, t.start, None, true);
                        frames.push(Frame {
                            entry,
                            bracket: (b, open),
                            list: b == '[',
                            count: 0,
                            field: None,
                        });
                    } else {
                        let e = Self::value(&mut entries, &mut frames, t.start, None, false);
                        entries[e].end = t.end;
                    }
                }
                Tok::Open(b) if frames.len() < 4 * MAX_DEPTH => {
                    let entry = Self::value(&mut entries, &mut frames, t.start, None, true);
                    frames.push(Frame {
                        entry,
                        bracket: (b, t.start),
                        list: b == '[',
                        count: 0,
                        field: None,
                    });
                }
                Tok::Close => {
                    if let Some(f) = frames.pop() {
                        entries[f.entry].end = t.end;
                    }
                }
                Tok::Comma => {
                    if let Some(f) = frames.last_mut() {
                        f.field = None;
                    }
                }
                Tok::Str => {
                    let inner = text
                        .trim_start_matches('r')
                        .trim_matches('#')
                        .strip_prefix('"')
                        .unwrap_or("");
                    let inner = inner.strip_suffix('"').unwrap_or(inner).to_string();
                    let e = Self::value(&mut entries, &mut frames, t.start, Some(inner), false);
                    entries[e].end = t.end;
                }
                Tok::Other => {
                    let e = Self::value(&mut entries, &mut frames, t.start, None, false);
                    entries[e].end = t.end;
                }
                Tok::Colon | Tok::Open(_) => {}
            }
        }
        let unclosed = frames.iter().map(|f| f.bracket).collect();
        for f in frames {
            entries[f.entry].end = source.len();
        }
        let mut index = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            index.entry(e.path.clone()).or_insert(i);
        }
        Spans {
            entries,
            index,
            unclosed,
        }
    }

    /// Records a value starting at `start` in the innermost open container.
    fn value(
        entries: &mut Vec<Entry>,
        frames: &mut [Frame],
        start: usize,
        text: Option<String>,
        container: bool,
    ) -> usize {
        let (path, key) = match frames.last_mut() {
            None => (Vec::new(), None),
            Some(f) => {
                let mut path = entries[f.entry].path.clone();
                let key = match f.field.take() {
                    Some((name, at)) if !f.list => {
                        path.push(Seg::Field(name));
                        Some(at)
                    }
                    _ => {
                        path.push(Seg::Index(f.count));
                        None
                    }
                };
                f.count += 1;
                (path, key)
            }
        };
        entries.push(Entry {
            path,
            key,
            start,
            end: start,
            container,
            text,
        });
        entries.len() - 1
    }

    /// The first value at `path`.
    fn get(&self, path: &[Seg]) -> Option<&Entry> {
        self.index.get(path).map(|&i| &self.entries[i])
    }

    /// The innermost container holding byte `at`.
    fn container_at(&self, at: usize) -> Option<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.container && e.start <= at && at < e.end.max(e.start + 1))
            .max_by_key(|e| e.path.len())
    }

    /// The innermost value holding byte `at`.
    fn value_at(&self, at: usize) -> Option<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.start <= at && at < e.end.max(e.start + 1))
            .max_by_key(|e| e.path.len())
    }

    /// The node the innermost container at `at` belongs to.
    fn place_at(&self, at: usize) -> Place {
        self.container_at(at)
            .map_or(Place::Document, |c| self.place(&c.path))
    }

    /// The node a path belongs to.
    fn place(&self, path: &[Seg]) -> Place {
        let field = |i: usize| match path.get(i) {
            Some(Seg::Field(f)) => Some(f.as_str()),
            _ => None,
        };
        let index = |i: usize| match path.get(i) {
            Some(Seg::Index(n)) => Some(*n),
            _ => None,
        };
        match field(0) {
            Some("vision") => Place::Vision,
            Some("contact") => Place::Contact,
            Some("perspectives") => {
                let Some(p) = index(1) else {
                    return Place::Perspectives;
                };
                let id = self
                    .get(&[
                        Seg::Field("perspectives".into()),
                        Seg::Index(p),
                        Seg::Field("id".into()),
                    ])
                    .and_then(|e| e.text.clone());
                match (field(2), index(3)) {
                    (Some("goals"), Some(g)) => Place::Goal(g + 1, p + 1, id),
                    _ => Place::Perspective(p + 1, id),
                }
            }
            _ => Place::Document,
        }
    }
}

/// Checks what serde cannot: ids unique and well-formed, no empty titles or texts, at least
/// one perspective. Finds every problem, not just the first.
pub fn validate(document: &Document, source: &str) -> Vec<Problem> {
    // Positions take a scan of the whole file, which a valid one never needs: look first, and
    // scan only to say where the problems are.
    if check(document, source, None).is_empty() {
        return Vec::new();
    }
    check(document, source, Some(&Spans::scan(source)))
}

fn check(document: &Document, source: &str, spans: Option<&Spans>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let f = |name: &str| Seg::Field(name.to_string());
    // Where each line starts, so a position is found without reading the file up to it.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(source.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let at = |path: &[Seg], key: bool| {
        spans?.get(path).map(|e| {
            let at = if key {
                e.key.unwrap_or(e.start)
            } else {
                e.start
            };
            let line = starts.partition_point(|&s| s <= at);
            let start = starts[line - 1];
            (line, source[start..at].chars().count() + 1)
        })
    };
    // Each id so far: the node that has it first, and where.
    let mut seen: HashMap<String, (Place, Option<(usize, usize)>)> = HashMap::new();
    let mut id = |id: &str, place: Place, path: Vec<Seg>, problems: &mut Vec<Problem>| {
        let mut path = path;
        path.push(f("id"));
        let position = at(&path, false);
        if id.is_empty() {
            problems.push(Problem {
                position,
                issue: Issue::EmptyId(place.clone()),
            });
        } else if !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            problems.push(Problem {
                position,
                issue: Issue::BadId(place.clone(), id.to_string()),
            });
        }
        if !id.is_empty()
            && let Some((first_place, first)) = seen.get(id)
        {
            problems.push(Problem {
                position,
                issue: Issue::DuplicateId {
                    place: place.clone(),
                    id: id.to_string(),
                    first: *first,
                    first_place: first_place.clone(),
                },
            });
        }
        seen.entry(id.to_string()).or_insert((place, position));
    };
    let nonempty = |text: &str,
                    place: Place,
                    path: Vec<Seg>,
                    field: &'static str,
                    problems: &mut Vec<Problem>| {
        if text.trim().is_empty() {
            let mut path = path;
            path.push(f(field));
            problems.push(Problem {
                position: at(&path, false),
                issue: Issue::EmptyText { place, field },
            });
        }
    };
    nonempty(
        &document.organisation,
        Place::Document,
        vec![],
        "organisation",
        &mut problems,
    );
    nonempty(
        &document.title,
        Place::Document,
        vec![],
        "title",
        &mut problems,
    );
    let vision = vec![f("vision")];
    id(
        &document.vision.id,
        Place::Vision,
        vision.clone(),
        &mut problems,
    );
    nonempty(
        &document.vision.title,
        Place::Vision,
        vision.clone(),
        "title",
        &mut problems,
    );
    nonempty(
        &document.vision.text,
        Place::Vision,
        vision,
        "text",
        &mut problems,
    );
    if document.perspectives.is_empty() {
        problems.push(Problem {
            position: at(&[f("perspectives")], true),
            issue: Issue::NoPerspectives,
        });
    }
    for (p, perspective) in document.perspectives.iter().enumerate() {
        let known = Some(perspective.id.clone()).filter(|id| !id.is_empty());
        let place = Place::Perspective(p + 1, known.clone());
        let path = vec![f("perspectives"), Seg::Index(p)];
        // Named by number: its id is what may be wrong.
        let numbered = Place::Perspective(p + 1, None);
        id(&perspective.id, numbered, path.clone(), &mut problems);
        nonempty(
            &perspective.title,
            place,
            path.clone(),
            "title",
            &mut problems,
        );
        for (g, goal) in perspective.goals.iter().enumerate() {
            let place = Place::Goal(g + 1, p + 1, known.clone());
            let mut path = path.clone();
            path.extend([f("goals"), Seg::Index(g)]);
            id(&goal.id, place.clone(), path.clone(), &mut problems);
            nonempty(
                &goal.title,
                place.clone(),
                path.clone(),
                "title",
                &mut problems,
            );
            nonempty(&goal.text, place, path, "text", &mut problems);
        }
    }
    nonempty(
        &document.contact.title,
        Place::Contact,
        vec![f("contact")],
        "title",
        &mut problems,
    );
    problems
}

/// The expected name nearest to what was written, if any is near.
fn closest<'a>(found: &str, expected: &[&'a str]) -> Option<&'a str> {
    expected
        .iter()
        .map(|e| (edit_distance(found, e), *e))
        .filter(|(d, e)| *d <= e.len().max(found.len()) / 2)
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
            chars.next_if(|c| !c.is_control());
        }
        Some(c) if !c.is_control() => {
            chars.next();
        }
        _ => {}
    }
}

/// Skips a CSI's parameters up to and including its final byte. A control character ends it
/// too, and is left for the caller: it may begin a sequence of its own.
fn skip_until_final(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next_if(|c| !c.is_control()) {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// Skips an OSC, DCS or similar string up to its terminator: BEL, ST or ESC \\. Any other ESC
/// ends it too, and is left for the caller, as a terminal would start a new sequence there.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(&c) = chars.peek() {
        match c {
            '\u{7}' | '\u{9c}' => {
                chars.next();
                break;
            }
            '\u{1b}' => {
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek() == Some(&'\\') {
                    chars.next();
                    chars.next();
                }
                break;
            }
            _ => {
                chars.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_document_loads_the_same_without_the_checks() {
        let checked = load(BUNDLED_NAME, BUNDLED).expect("bundled file is valid");
        assert!(!BUNDLED.starts_with('\u{feff}'));
        assert_eq!(format!("{:?}", Outline::bundled()), format!("{checked:?}"));
    }

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

    /// The issue of the first problem loading `source`.
    fn first_issue(source: &str) -> Issue {
        load("x.ron", source).unwrap_err().problems.remove(0).issue
    }

    #[test]
    fn every_type_refuses_unknown_fields() {
        for head in ["Document(", "Vision(", "Perspective(", "Goal(", "Contact("] {
            let source = BUNDLED.replacen(head, &format!("{head} bogus: \"x\","), 1);
            assert!(
                matches!(first_issue(&source), Issue::UnknownField { ref found, .. } if found == "bogus"),
                "{head}"
            );
        }
    }

    #[test]
    fn byte_order_mark_and_crlf_are_accepted() {
        let crlf = BUNDLED.replace('\n', "\r\n");
        assert!(load("x.ron", &format!("\u{feff}{crlf}")).is_ok());
        let broken = format!("\u{feff}{}", BUNDLED.replacen("title:", "titel:", 1));
        let e = load("x.ron", &broken).unwrap_err();
        let line = BUNDLED.lines().position(|l| l.contains("title:")).unwrap() + 1;
        assert_eq!(e.problems[0].position, Some((line, 5)));
    }

    #[test]
    fn wrong_type_names_the_field_and_node() {
        let source = BUNDLED.replacen("title: \"Bra ekonomi\"", "title: 42", 1);
        let issue = first_issue(&source);
        assert_eq!(
            issue,
            Issue::WrongType {
                place: Place::Goal(1, 3, Some("effektivitet".into())),
                field: Some("title".into()),
                shape: Shape::Text,
            }
        );
        assert_eq!(
            issue.describe(Lang::En).0,
            "`title` in goal 1 of perspective \"effektivitet\" should be a string in double quotes"
        );
    }

    #[test]
    fn ids_must_be_lowercase_ascii() {
        for bad in ["Bra-ekonomi", "bra ekonomi", "bra_ekonomi", "ekonomi✓"] {
            let source = BUNDLED.replace("\"bra-ekonomi\"", &format!("\"{bad}\""));
            assert!(matches!(first_issue(&source), Issue::BadId(..)), "{bad}");
        }
        assert_eq!(suggest_id("Hållbarhet & Ö"), "hallbarhet-o");
    }

    #[test]
    fn a_long_line_is_shown_around_the_column() {
        let line = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let (text, caret) = excerpt(&line, 301);
        assert!(text::width(&text) <= EXCERPT_WIDTH + 2, "{text}");
        assert_eq!(text.chars().nth(caret.len() - 1), Some('X'));
        let (text, caret) = excerpt("\tå 漢字 x", 7);
        assert_eq!(text, "    å 漢字 x");
        assert_eq!(caret, format!("{}^", " ".repeat(11)));
    }

    #[test]
    fn clean_leaves_the_next_sequence_to_be_removed() {
        assert_eq!(clean("a\u{1b}]0;t\u{1b}[1;1Hb"), "ab");
        assert_eq!(clean("a\u{9b}\nb"), "a\nb");
        assert_eq!(clean("a\u{1b}(\nb"), "a\nb");
        let many = "\u{1b}]".repeat(100_000);
        assert_eq!(clean(&many), "");
    }

    #[test]
    fn closest_field_name() {
        assert_eq!(closest("titel", &["id", "title", "text"]), Some("title"));
        assert_eq!(closest("zzzzzzzz", &["id", "title"]), None);
    }
}
