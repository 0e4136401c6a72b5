//! What serde cannot check: ids unique and well-formed, no empty titles or texts, no control
//! characters or escape sequences in any text, at least one perspective. Every problem is found,
//! not just the first.

use std::cell::OnceCell;
use std::collections::HashMap;

use super::problem::{Issue, Place, Problem};
use super::schema::{self, Document, Seg};
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

    /// The text of `field` of the node at `node` has more than white space.
    fn nonempty(&mut self, text: &str, place: Place, node: &[Seg], field: &'static str) {
        if text.trim().is_empty() {
            let mut path = node.to_vec();
            path.push(Seg::field(field));
            self.push(&path, Issue::EmptyText { place, field });
        }
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
