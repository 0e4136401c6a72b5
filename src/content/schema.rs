//! The document as the data file writes it: the serde types, and one table of their fields
//! from which the diagnostics, their hints and the span lookup learn what belongs where.

use super::problem::Shape;

mod types;

pub use types::{
    Contact, Document, Goal, MAX_DEPTH, Node, Perspective, Translation, Vision, ron_options,
};

/// The field names, as the data file writes them. Every use outside the serde types of
/// `types` goes through these, and a test holds them to the names serde expects.
pub const ORGANISATION: &str = "organisation";
pub const TITLE: &str = "title";
pub const VISION: &str = "vision";
pub const INTRODUCTION: &str = "introduction";
pub const PERSPECTIVES: &str = "perspectives";
pub const CONTACT: &str = "contact";
pub const LAST_UPDATED_LABEL: &str = "last_updated_label";
pub const LAST_UPDATED: &str = "last_updated";
pub const ID: &str = "id";
pub const TEXT: &str = "text";
pub const GOALS: &str = "goals";
pub const LINES: &str = "lines";
pub const TRANSLATIONS: &str = "translations";
pub const LANG: &str = "lang";
pub const NODES: &str = "nodes";

/// A struct of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Document,
    Vision,
    Perspective,
    Goal,
    Contact,
    Translation,
    Node,
}

/// What a field, or an item of a list, holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Text,
    Record(Record),
    List(&'static Value),
}

/// Every field of every struct, in the order the bundled file writes them.
const FIELDS: &[(Record, &str, Value)] = &[
    (Record::Document, ORGANISATION, Value::Text),
    (Record::Document, TITLE, Value::Text),
    (Record::Document, VISION, Value::Record(Record::Vision)),
    (Record::Document, INTRODUCTION, Value::Text),
    (
        Record::Document,
        PERSPECTIVES,
        Value::List(&Value::Record(Record::Perspective)),
    ),
    (Record::Document, CONTACT, Value::Record(Record::Contact)),
    (Record::Document, LAST_UPDATED_LABEL, Value::Text),
    (Record::Document, LAST_UPDATED, Value::Text),
    (
        Record::Document,
        TRANSLATIONS,
        Value::List(&Value::Record(Record::Translation)),
    ),
    (Record::Vision, ID, Value::Text),
    (Record::Vision, TITLE, Value::Text),
    (Record::Vision, TEXT, Value::Text),
    (Record::Perspective, ID, Value::Text),
    (Record::Perspective, TITLE, Value::Text),
    (Record::Perspective, TEXT, Value::Text),
    (
        Record::Perspective,
        GOALS,
        Value::List(&Value::Record(Record::Goal)),
    ),
    (Record::Goal, ID, Value::Text),
    (Record::Goal, TITLE, Value::Text),
    (Record::Goal, TEXT, Value::Text),
    (Record::Contact, TITLE, Value::Text),
    (Record::Contact, LINES, Value::List(&Value::Text)),
    (Record::Translation, LANG, Value::Text),
    (Record::Translation, ORGANISATION, Value::Text),
    (Record::Translation, TITLE, Value::Text),
    (Record::Translation, INTRODUCTION, Value::Text),
    (
        Record::Translation,
        NODES,
        Value::List(&Value::Record(Record::Node)),
    ),
    (Record::Translation, CONTACT, Value::Record(Record::Contact)),
    (Record::Translation, LAST_UPDATED_LABEL, Value::Text),
    (Record::Node, ID, Value::Text),
    (Record::Node, TITLE, Value::Text),
    (Record::Node, TEXT, Value::Text),
];

impl Record {
    /// The name the data file writes before its `(`.
    pub fn name(self) -> &'static str {
        match self {
            Record::Document => "Document",
            Record::Vision => "Vision",
            Record::Perspective => "Perspective",
            Record::Goal => "Goal",
            Record::Contact => "Contact",
            Record::Translation => "Translation",
            Record::Node => "Node",
        }
    }

    /// What its field `name` holds, if it has one.
    pub fn field(self, name: &str) -> Option<Value> {
        FIELDS
            .iter()
            .find(|(r, n, _)| *r == self && *n == name)
            .map(|&(_, _, v)| v)
    }

    /// Its field names, in order.
    #[cfg(test)]
    pub fn fields(self) -> Vec<&'static str> {
        FIELDS
            .iter()
            .filter(|(r, ..)| *r == self)
            .map(|&(_, n, _)| n)
            .collect()
    }
}

impl Value {
    /// What one step down `seg` holds: a field of a struct, an item of a list.
    pub fn step(self, seg: &Seg) -> Option<Value> {
        match (self, seg) {
            (Value::Record(r), Seg::Field(name)) => r.field(name),
            (Value::List(item), Seg::Index(_)) => Some(*item),
            _ => None,
        }
    }

    /// The shape messages name.
    pub fn shape(self) -> Shape {
        match self {
            Value::Text => Shape::Text,
            Value::Record(r) => Shape::Struct(r.name()),
            Value::List(_) => Shape::List,
        }
    }

    /// What the field `name` holds wherever it stands: the same in every struct that has it.
    pub fn of_field(name: &str) -> Option<Value> {
        FIELDS
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|&(_, _, v)| v)
    }

    /// What the value at `path` holds, from the document down; `None` off the schema.
    pub fn at(path: &[Seg]) -> Option<Value> {
        path.iter()
            .try_fold(Value::Record(Record::Document), |v, seg| v.step(seg))
    }
}

/// One step of a path into the document: a field, or an item of a list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Field(String),
    Index(usize),
}

impl Seg {
    pub fn field(name: &str) -> Seg {
        Seg::Field(name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_holds_the_same_wherever_it_stands() {
        for &(_, name, value) in FIELDS {
            assert_eq!(Value::of_field(name), Some(value), "{name}");
        }
    }

    #[test]
    fn paths_follow_the_schema() {
        let path = [
            Seg::field(PERSPECTIVES),
            Seg::Index(2),
            Seg::field(GOALS),
            Seg::Index(0),
        ];
        assert_eq!(Value::at(&path), Some(Value::Record(Record::Goal)));
        assert_eq!(Value::at(&path[..3]).map(Value::shape), Some(Shape::List));
        assert_eq!(Value::at(&[Seg::field(GOALS)]), None);
        assert_eq!(
            Value::at(&[Seg::field(CONTACT), Seg::field(LINES), Seg::Index(1)]),
            Some(Value::Text)
        );
    }
}
