//! The serde types of the document: the bundled file and `--data FILE` are both read into them,
//! by the same loader.

use serde::Deserialize;

/// Nesting deeper than this is refused before it can exhaust the stack.
pub const MAX_DEPTH: usize = 32;

/// The parser's options, the same at run time and at build time. Ron's own limit is only a
/// backstop: `load` refuses nesting past [`MAX_DEPTH`] first, and names where it happens.
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_recursion_limit(MAX_DEPTH * 2)
}

/// The whole document as written in the data file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
    /// The municipality's own translations of the texts, one per language.
    #[serde(default)]
    pub translations: Vec<Translation>,
}

/// The root of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vision {
    pub id: String,
    pub title: String,
    pub text: String,
}

/// One of the perspectives the goals are grouped under.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Perspective {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub text: String,
    pub goals: Vec<Goal>,
}

/// A goal: a title and its text, paragraphs separated by a blank line.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    pub id: String,
    pub title: String,
    pub text: String,
}

/// Who to ask: a heading and its lines.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub title: String,
    pub lines: Vec<String>,
}

/// Every text of the document in one other language, as the municipality translates it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// The language's code: `fi` or `en`.
    pub lang: String,
    pub organisation: String,
    pub title: String,
    pub introduction: String,
    /// The vision, each perspective and each goal, by id.
    pub nodes: Vec<Node>,
    pub contact: Contact,
    pub last_updated_label: String,
}

/// The title and text of one node of the tree in a translation, named by the node's id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub text: String,
}
