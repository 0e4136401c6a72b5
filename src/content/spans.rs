//! Where every value of a data file is, found by a forgiving scan of its tokens that works on
//! files the parser refuses, and the node of the document each place belongs to.

use std::collections::HashMap;

use super::MAX_DEPTH;
use super::problem::Place;
use super::schema::{self, Record, Seg, Value};
use super::source::{Source, Tok};

/// One value in the file and where it is.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: Vec<Seg>,
    /// Where its field name starts, for a field.
    pub key: Option<usize>,
    pub start: usize,
    pub end: usize,
    container: bool,
    /// The contents of a string, as written.
    pub text: Option<String>,
}

/// Where every value of a data file is, found by a forgiving scan that works on broken files.
pub struct Spans {
    entries: Vec<Entry>,
    /// The first entry at each path, so a large file is looked up in linear time.
    index: HashMap<Vec<Seg>, usize>,
    /// Brackets never closed: the bracket and its byte offset, outermost first.
    pub unclosed: Vec<(char, usize)>,
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
    pub fn scan(source: &Source<'_>) -> Spans {
        let mut entries: Vec<Entry> = Vec::new();
        let mut frames: Vec<Frame> = Vec::new();
        let mut tokens = source.tokens.iter().copied().peekable();
        while let Some(t) = tokens.next() {
            let text = source.of(&t);
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
            entries[f.entry].end = source.text.len();
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
    pub fn get(&self, path: &[Seg]) -> Option<&Entry> {
        self.index.get(path).map(|&i| &self.entries[i])
    }

    /// The innermost container holding byte `at`.
    pub fn container_at(&self, at: usize) -> Option<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.container && e.start <= at && at < e.end.max(e.start + 1))
            .max_by_key(|e| e.path.len())
    }

    /// The innermost value holding byte `at`.
    pub fn value_at(&self, at: usize) -> Option<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.start <= at && at < e.end.max(e.start + 1))
            .max_by_key(|e| e.path.len())
    }

    /// The node the innermost container at `at` belongs to.
    pub fn place_at(&self, at: usize) -> Place {
        self.container_at(at)
            .map_or(Place::Document, |c| self.place(&c.path))
    }

    /// The string in the field `name` of the struct at `node`, as written.
    fn text_of(&self, node: &[Seg], name: &str) -> Option<String> {
        let mut path = node.to_vec();
        path.push(Seg::field(name));
        self.get(&path).and_then(|e| e.text.clone())
    }

    /// The node a path belongs to: the innermost perspective or goal, the vision, the
    /// contact block, or the list of perspectives, as far as the path follows the schema.
    pub fn place(&self, path: &[Seg]) -> Place {
        let mut value = Value::Record(Record::Document);
        let mut place = Place::Document;
        for (i, seg) in path.iter().enumerate() {
            let Some(next) = value.step(seg) else {
                break;
            };
            value = next;
            place = match (value, seg) {
                (Value::Record(Record::Vision), _) => Place::Vision,
                // A translation's contact block is named by its translation.
                (Value::Record(Record::Contact), _) if matches!(place, Place::Translation(..)) => {
                    place
                }
                (Value::Record(Record::Contact), _) => Place::Contact,
                (Value::Record(Record::Translation), Seg::Index(t)) => {
                    Place::Translation(t + 1, self.text_of(&path[..=i], schema::LANG))
                }
                (Value::Record(Record::Node), Seg::Index(n)) => match place {
                    Place::Translation(translation, lang) => Place::Node {
                        n: n + 1,
                        id: self.text_of(&path[..=i], schema::ID),
                        translation,
                        lang,
                    },
                    other => other,
                },
                (Value::List(Value::Record(Record::Perspective)), _) => Place::Perspectives,
                (Value::Record(Record::Perspective), Seg::Index(p)) => {
                    Place::Perspective(p + 1, self.text_of(&path[..=i], schema::ID))
                }
                (Value::Record(Record::Goal), Seg::Index(g)) => match place {
                    Place::Perspective(p, id) => Place::Goal(g + 1, p, id),
                    other => other,
                },
                _ => place,
            };
        }
        place
    }
}
