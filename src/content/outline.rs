//! The one shape the rest of the app reads: the document flattened into a tree of nodes, every
//! text cleaned of anything a terminal would act on.

use super::schema::{Document, Translation};
use crate::i18n::Lang;
use crate::sanitize::clean;

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
    /// The language its texts are in: Swedish, or a translation's.
    pub lang: Lang,
    /// The municipality's own translations: each the same nodes in the same order, in
    /// another language, with no translations of its own.
    pub translations: Vec<Outline>,
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

    /// The outline in `lang`: the translation into it, or this one, in Swedish, when the
    /// document has none. The caller compares [`Outline::lang`] to say so.
    pub fn in_lang(&self, lang: Lang) -> &Outline {
        self.translations
            .iter()
            .find(|t| t.lang == lang)
            .unwrap_or(self)
    }

    /// The bundled document, read by the same loader as `--data`.
    ///
    /// # Panics
    ///
    /// If the bundled file is broken, with the loader's report (`FILE:LINE:COLUMN: message`):
    /// `cargo test` fails on it, and the program reports it through [`super::load_data`] first.
    pub fn bundled() -> Outline {
        super::load(super::BUNDLED_NAME, super::BUNDLED)
            .unwrap_or_else(|e| panic!("{}", e.render(crate::i18n::Lang::En)))
    }
}

/// Flattens a valid document into the outline the interface reads, every text cleaned, with
/// an outline of the same nodes for each of its translations.
pub(super) fn flatten(document: &Document) -> Outline {
    let mut outline = build(document, None);
    outline.translations = document
        .translations
        .iter()
        .map(|t| build(document, Some(t)))
        .collect();
    outline
}

/// The outline of `document` in its own words, or in those of `translation`.
fn build(document: &Document, translation: Option<&Translation>) -> Outline {
    // A valid translation has every node; the document's own text stands in for one that
    // does not, so this never fails.
    let words = |id: &str, title: &str, text: &str| -> (String, String) {
        translation
            .and_then(|t| t.nodes.iter().find(|n| n.id == id))
            .map_or((clean(title), text.to_string()), |n| {
                (clean(&n.title), n.text.clone())
            })
    };
    let mut nodes = Vec::new();
    let paragraphs = |text: &str| -> Vec<Block> {
        text.split("\n\n")
            .map(|p| clean(p.trim()))
            .filter(|p| !p.is_empty())
            .map(Block::Paragraph)
            .collect()
    };
    let pick = |own: &str, translated: fn(&Translation) -> &str| {
        translation.map_or(own, translated).to_string()
    };
    let (title, text) = words(
        &document.vision.id,
        &document.vision.title,
        &document.vision.text,
    );
    let mut vision_blocks = paragraphs(&text);
    vision_blocks.extend(paragraphs(&pick(&document.introduction, |t| {
        &t.introduction
    })));
    let contact = translation.map_or(&document.contact, |t| &t.contact);
    vision_blocks.push(Block::Heading(clean(&contact.title)));
    vision_blocks.extend(contact.lines.iter().map(|l| Block::Line(clean(l))));
    // A label with nothing after it says nothing: the date is shown only when there is one.
    let updated = clean(document.last_updated.trim());
    if !updated.is_empty() {
        let label = clean(&pick(&document.last_updated_label, |t| {
            &t.last_updated_label
        }));
        vision_blocks.push(Block::Line(format!("{label} {updated}")));
    }
    nodes.push(Node {
        id: clean(&document.vision.id),
        kind: Kind::Vision,
        title,
        parent: None,
        children: Vec::new(),
        depth: 0,
        blocks: vision_blocks,
    });
    for perspective in &document.perspectives {
        let p = nodes.len();
        nodes[0].children.push(p);
        let (title, text) = words(&perspective.id, &perspective.title, &perspective.text);
        let goals: Vec<(String, String)> = perspective
            .goals
            .iter()
            .map(|g| words(&g.id, &g.title, &g.text))
            .collect();
        let mut blocks = paragraphs(&text);
        blocks.extend(goals.iter().map(|(title, _)| Block::Item(title.clone())));
        nodes.push(Node {
            id: clean(&perspective.id),
            kind: Kind::Perspective,
            title,
            parent: Some(0),
            children: Vec::new(),
            depth: 1,
            blocks,
        });
        for (goal, (title, text)) in perspective.goals.iter().zip(goals) {
            let g = nodes.len();
            nodes[p].children.push(g);
            nodes.push(Node {
                id: clean(&goal.id),
                kind: Kind::Goal,
                title,
                parent: Some(p),
                children: Vec::new(),
                depth: 2,
                blocks: paragraphs(&text),
            });
        }
    }
    Outline {
        organisation: clean(&pick(&document.organisation, |t| &t.organisation)),
        title: clean(&pick(&document.title, |t| &t.title)),
        nodes,
        lang: translation
            .and_then(|t| Lang::parse(&t.lang))
            .unwrap_or(Lang::Sv),
        translations: Vec::new(),
    }
}
