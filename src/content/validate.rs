//! What serde cannot check: ids unique and well-formed, no empty titles or texts, no control
//! characters or escape sequences in any text, at least one perspective. Every problem is found,
//! not just the first.

use std::cell::OnceCell;
use std::collections::HashMap;

use super::messages::closest;
use super::problem::{Issue, Place, Problem};
use super::schema::{self, Document, Node, Seg, Translation};
use super::source::Source;
use super::spans::Spans;

/// The problems in a document that parsed, each where the file has it.
pub fn validate(document: &Document, source: &Source<'_>) -> Vec<Problem> {
    let mut check = Check {
        source,
        spans: OnceCell::new(),
        seen: HashMap::new(),
        problems: Vec::new(),
    };
    let field = Seg::field;
    check.nonempty(
        &document.organisation,
        Place::Document,
        &[],
        schema::ORGANISATION,
    );
    check.nonempty(&document.title, Place::Document, &[], schema::TITLE);
    let vision = [field(schema::VISION)];
    check.id(&document.vision.id, Place::Vision, &vision);
    check.nonempty(
        &document.vision.title,
        Place::Vision,
        &vision,
        schema::TITLE,
    );
    check.nonempty(&document.vision.text, Place::Vision, &vision, schema::TEXT);
    if document.perspectives.is_empty() {
        let position = check.at(&[field(schema::PERSPECTIVES)], true);
        check.problems.push(Problem {
            position,
            issue: Issue::NoPerspectives,
        });
    }
    for (p, perspective) in document.perspectives.iter().enumerate() {
        let known = Some(perspective.id.clone()).filter(|id| !id.is_empty());
        let place = Place::Perspective(p + 1, known.clone());
        let path = [field(schema::PERSPECTIVES), Seg::Index(p)];
        // Named by number: its id is what may be wrong.
        check.id(&perspective.id, Place::Perspective(p + 1, None), &path);
        check.nonempty(&perspective.title, place, &path, schema::TITLE);
        for (g, goal) in perspective.goals.iter().enumerate() {
            let place = Place::Goal(g + 1, p + 1, known.clone());
            let mut path = path.to_vec();
            path.extend([field(schema::GOALS), Seg::Index(g)]);
            check.id(&goal.id, place.clone(), &path);
            check.nonempty(&goal.title, place.clone(), &path, schema::TITLE);
            check.nonempty(&goal.text, place, &path, schema::TEXT);
        }
    }
    check.nonempty(
        &document.contact.title,
        Place::Contact,
        &[field(schema::CONTACT)],
        schema::TITLE,
    );
    for (t, translation) in document.translations.iter().enumerate() {
        check.translation(document, t, translation);
    }
    check.controls(document);
    check.problems
}

/// The checks so far.
struct Check<'s, 'a> {
    source: &'s Source<'a>,
    /// Scanned when the first problem needs a position: a valid file is never scanned.
    spans: OnceCell<Spans>,
    /// Each id so far: the node that has it first, and the path to it.
    seen: HashMap<String, (Place, Vec<Seg>)>,
    problems: Vec<Problem>,
}

impl Check<'_, '_> {
    /// Where the value at `path` starts, or its field name with `key`.
    fn at(&self, path: &[Seg], key: bool) -> Option<(usize, usize)> {
        let spans = self.spans.get_or_init(|| Spans::scan(self.source));
        spans.get(path).map(|e| {
            let at = if key {
                e.key.unwrap_or(e.start)
            } else {
                e.start
            };
            self.source.line_col(at)
        })
    }

    fn push(&mut self, path: &[Seg], issue: Issue) {
        let position = self.at(path, false);
        self.problems.push(Problem { position, issue });
    }

    /// The id of the node at `node`: not empty, in the allowed letters, not used before.
    fn id(&mut self, id: &str, place: Place, node: &[Seg]) {
        let mut path = node.to_vec();
        path.push(Seg::field(schema::ID));
        if id.is_empty() {
            self.push(&path, Issue::EmptyId(place.clone()));
        } else if !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            self.push(&path, Issue::BadId(place.clone(), id.to_string()));
        }
        if !id.is_empty()
            && let Some((first_place, first_path)) = self.seen.get(id)
        {
            let issue = Issue::DuplicateId {
                place: place.clone(),
                id: id.to_string(),
                first: self.at(first_path, false),
                first_place: first_place.clone(),
            };
            self.push(&path, issue);
        }
        self.seen.entry(id.to_string()).or_insert((place, path));
    }

    /// Every text of the document, in the file's order, checked for what a terminal would act
    /// on rather than show.
    fn controls(&mut self, document: &Document) {
        let field = Seg::field;
        let at = |node: &[Seg], name: &str| [node, &[field(name)]].concat();
        let vision = [field(schema::VISION)];
        let contact = [field(schema::CONTACT)];
        let mut texts: Vec<(&str, Place, Vec<Seg>, &'static str)> = vec![
            (
                &document.organisation,
                Place::Document,
                at(&[], schema::ORGANISATION),
                schema::ORGANISATION,
            ),
            (
                &document.title,
                Place::Document,
                at(&[], schema::TITLE),
                schema::TITLE,
            ),
            (
                &document.vision.title,
                Place::Vision,
                at(&vision, schema::TITLE),
                schema::TITLE,
            ),
            (
                &document.vision.text,
                Place::Vision,
                at(&vision, schema::TEXT),
                schema::TEXT,
            ),
            (
                &document.introduction,
                Place::Document,
                at(&[], schema::INTRODUCTION),
                schema::INTRODUCTION,
            ),
        ];
        for (p, perspective) in document.perspectives.iter().enumerate() {
            let known = Some(perspective.id.clone()).filter(|id| !id.is_empty());
            let place = Place::Perspective(p + 1, known.clone());
            let path = [field(schema::PERSPECTIVES), Seg::Index(p)];
            texts.push((
                &perspective.title,
                place.clone(),
                at(&path, schema::TITLE),
                schema::TITLE,
            ));
            texts.push((
                &perspective.text,
                place,
                at(&path, schema::TEXT),
                schema::TEXT,
            ));
            for (g, goal) in perspective.goals.iter().enumerate() {
                let place = Place::Goal(g + 1, p + 1, known.clone());
                let path = [&path[..], &[field(schema::GOALS), Seg::Index(g)]].concat();
                texts.push((
                    &goal.title,
                    place.clone(),
                    at(&path, schema::TITLE),
                    schema::TITLE,
                ));
                texts.push((&goal.text, place, at(&path, schema::TEXT), schema::TEXT));
            }
        }
        texts.push((
            &document.contact.title,
            Place::Contact,
            at(&contact, schema::TITLE),
            schema::TITLE,
        ));
        for (i, line) in document.contact.lines.iter().enumerate() {
            let path = [&at(&contact, schema::LINES)[..], &[Seg::Index(i)]].concat();
            texts.push((line, Place::Contact, path, schema::LINES));
        }
        texts.push((
            &document.last_updated_label,
            Place::Document,
            at(&[], schema::LAST_UPDATED_LABEL),
            schema::LAST_UPDATED_LABEL,
        ));
        texts.push((
            &document.last_updated,
            Place::Document,
            at(&[], schema::LAST_UPDATED),
            schema::LAST_UPDATED,
        ));
        for (t, translation) in document.translations.iter().enumerate() {
            let place = translation_place(t, translation);
            let node = [field(schema::TRANSLATIONS), Seg::Index(t)];
            for name in [
                schema::LANG,
                schema::ORGANISATION,
                schema::TITLE,
                schema::INTRODUCTION,
            ] {
                let text = match name {
                    schema::LANG => &translation.lang,
                    schema::ORGANISATION => &translation.organisation,
                    schema::TITLE => &translation.title,
                    _ => &translation.introduction,
                };
                texts.push((text, place.clone(), at(&node, name), name));
            }
            for (n, text) in translation.nodes.iter().enumerate() {
                let place = node_place(t, translation, n, text);
                let path = [&node[..], &[field(schema::NODES), Seg::Index(n)]].concat();
                texts.push((&text.id, place.clone(), at(&path, schema::ID), schema::ID));
                texts.push((
                    &text.title,
                    place.clone(),
                    at(&path, schema::TITLE),
                    schema::TITLE,
                ));
                texts.push((&text.text, place, at(&path, schema::TEXT), schema::TEXT));
            }
            let contact = at(&node, schema::CONTACT);
            texts.push((
                &translation.contact.title,
                place.clone(),
                at(&contact, schema::TITLE),
                schema::TITLE,
            ));
            for (i, line) in translation.contact.lines.iter().enumerate() {
                let path = [&at(&contact, schema::LINES)[..], &[Seg::Index(i)]].concat();
                texts.push((line, place.clone(), path, schema::LINES));
            }
            texts.push((
                &translation.last_updated_label,
                place,
                at(&node, schema::LAST_UPDATED_LABEL),
                schema::LAST_UPDATED_LABEL,
            ));
        }
        for (text, place, path, field) in texts {
            if let Some(found) = control(text) {
                self.push(
                    &path,
                    Issue::ControlCharacter {
                        place,
                        field,
                        found,
                    },
                );
            }
        }
    }

    /// One translation: a language the interface has, once; every node of the document
    /// translated once, and nothing else; no empty title, nor an empty text where the
    /// document has one.
    fn translation(&mut self, document: &Document, t: usize, translation: &Translation) {
        let field = Seg::field;
        let place = translation_place(t, translation);
        let node = [field(schema::TRANSLATIONS), Seg::Index(t)];
        let lang_path = [&node[..], &[field(schema::LANG)]].concat();
        let code = translation.lang.as_str();
        if !TRANSLATED.contains(&code) {
            self.push(&lang_path, Issue::UnknownLanguage(code.to_string()));
        } else if let Some(first) = document.translations[..t]
            .iter()
            .position(|other| other.lang == code)
        {
            let first_path = [field(schema::TRANSLATIONS), Seg::Index(first)];
            let issue = Issue::DuplicateTranslation {
                lang: code.to_string(),
                first: self.at(&first_path, false),
            };
            self.push(&lang_path, issue);
        }
        self.nonempty(
            &translation.organisation,
            place.clone(),
            &node,
            schema::ORGANISATION,
        );
        self.nonempty(&translation.title, place.clone(), &node, schema::TITLE);
        let originals = originals(document);
        let ids: Vec<&str> = originals.iter().map(|&(id, ..)| id).collect();
        let mut seen: HashMap<&str, (Place, Vec<Seg>)> = HashMap::new();
        for (n, text) in translation.nodes.iter().enumerate() {
            let here = node_place(t, translation, n, text);
            let path = [&node[..], &[field(schema::NODES), Seg::Index(n)]].concat();
            let id_path = [&path[..], &[field(schema::ID)]].concat();
            match originals.iter().find(|(id, ..)| *id == text.id) {
                None => self.push(
                    &id_path,
                    Issue::UnknownNode {
                        place: here.clone(),
                        id: text.id.clone(),
                        nearest: closest(&text.id, &ids).map(str::to_string),
                    },
                ),
                Some(&(_, _, has_text)) => {
                    if has_text {
                        self.nonempty(&text.text, here.clone(), &path, schema::TEXT);
                    }
                }
            }
            self.nonempty(&text.title, here.clone(), &path, schema::TITLE);
            if let Some((first_place, first_path)) = seen.get(text.id.as_str()) {
                let issue = Issue::DuplicateId {
                    place: here.clone(),
                    id: text.id.clone(),
                    first: self.at(first_path, false),
                    first_place: first_place.clone(),
                };
                self.push(&id_path, issue);
            }
            seen.entry(&text.id).or_insert((here, id_path));
        }
        let nodes_at = self.at(&[&node[..], &[field(schema::NODES)]].concat(), true);
        for &(id, title, _) in &originals {
            if !seen.contains_key(id) {
                self.problems.push(Problem {
                    position: nodes_at,
                    issue: Issue::Untranslated {
                        place: place.clone(),
                        id: id.to_string(),
                        title: title.to_string(),
                    },
                });
            }
        }
        let contact = [&node[..], &[field(schema::CONTACT)]].concat();
        self.nonempty(&translation.contact.title, place, &contact, schema::TITLE);
    }

    /// The text of `field` of the node at `node` has more than white space.
    fn nonempty(&mut self, text: &str, place: Place, node: &[Seg], field: &'static str) {
        if text.trim().is_empty() {
            let mut path = node.to_vec();
            path.push(Seg::field(field));
            self.push(&path, Issue::EmptyText { place, field });
        }
    }
}

/// The languages a document may be translated into: the interface's, but Swedish, which the
/// document itself is in.
const TRANSLATED: [&str; 2] = ["fi", "en"];

/// Every node of the document in order: its id, its title, and whether it has a text.
fn originals(document: &Document) -> Vec<(&str, &str, bool)> {
    let vision = &document.vision;
    let mut nodes = vec![(vision.id.as_str(), vision.title.as_str(), true)];
    for p in &document.perspectives {
        nodes.push((p.id.as_str(), p.title.as_str(), !p.text.trim().is_empty()));
        nodes.extend(
            p.goals
                .iter()
                .map(|g| (g.id.as_str(), g.title.as_str(), true)),
        );
    }
    nodes
}

/// A translation's language code as written, if it has one.
fn code(translation: &Translation) -> Option<String> {
    Some(translation.lang.clone()).filter(|l| !l.is_empty())
}

/// A translation, as messages name it.
fn translation_place(t: usize, translation: &Translation) -> Place {
    Place::Translation(t + 1, code(translation))
}

/// A node of a translation, as messages name it.
fn node_place(t: usize, translation: &Translation, n: usize, node: &Node) -> Place {
    Place::Node {
        n: n + 1,
        id: Some(node.id.clone()).filter(|id| !id.is_empty()),
        translation: t + 1,
        lang: code(translation),
    }
}

/// The first character in `text` that a terminal would act on rather than show: a control
/// character (ESC begins an escape sequence), DEL, a C1 control or a bidirectional override. A
/// newline, a tab (shown as spaces) and the CR of a CRLF line end are text.
fn control(text: &str) -> Option<char> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let line_end = c == '\r' && chars.peek() == Some(&'\n');
        if crate::sanitize::needs_cleaning(c) && c != '\t' && !line_end {
            return Some(c);
        }
    }
    None
}
