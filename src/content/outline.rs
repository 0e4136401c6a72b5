//! The one shape the rest of the app reads: the document flattened into a tree of nodes, every
//! text cleaned of anything a terminal would act on.

use super::schema::Document;
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

/// Flattens a valid document into the outline the interface reads, every text cleaned.
pub(super) fn flatten(document: &Document) -> Outline {
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
    // A label with nothing after it says nothing: the date is shown only when there is one.
    let updated = clean(document.last_updated.trim());
    if !updated.is_empty() {
        let label = clean(&document.last_updated_label);
        vision_blocks.push(Block::Line(format!("{label} {updated}")));
    }
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
