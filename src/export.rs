//! The whole document as plain text or Markdown, for `--print` and for pipes.

use crate::content::{Block, Kind, Node, Outline};
use crate::i18n::Lang;
use crate::text;

/// Output formats of `--print`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Markdown,
}

impl Format {
    /// Parses `text` or `markdown` (also `md`).
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "text" | "txt" | "plain" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// The node at `root` and everything under it, in `format`, wrapped to `width` columns (text
/// only; Markdown is not wrapped). Both begin with the organisation and the document's title;
/// the vision, at index 0, is the whole document.
///
/// The text is in `lang` when the document has a translation into it; otherwise it is the
/// Swedish, with a line under the title that says so.
pub fn render(outline: &Outline, root: usize, format: Format, width: usize, lang: Lang) -> String {
    let shown = outline.in_lang(lang);
    let note = (shown.lang != lang).then(|| lang.strings().untranslated);
    let sections = Sections::of(shown, root);
    match format {
        Format::Text => plain(shown, note, &sections, width.max(20)),
        Format::Markdown => markdown(shown, note, &sections),
    }
}

/// What an export prints: each node of a subtree with the blocks of its own, and the contact
/// block, which the vision holds and which goes last.
struct Sections<'a> {
    nodes: Vec<(&'a Node, &'a [Block])>,
    contact: &'a [Block],
}

impl<'a> Sections<'a> {
    /// The node at `root` and its descendants, in document order.
    fn of(outline: &'a Outline, root: usize) -> Sections<'a> {
        let depth = outline.nodes[root].depth;
        let end = outline.nodes[root + 1..]
            .iter()
            .position(|n| n.depth <= depth)
            .map_or(outline.nodes.len(), |i| root + 1 + i);
        let mut contact: &[Block] = &[];
        let nodes = outline.nodes[root..end]
            .iter()
            .map(|node| {
                let blocks: &[Block] = match node.kind {
                    Kind::Vision => {
                        let (body, rest) = split_contact(&node.blocks);
                        contact = rest;
                        body
                    }
                    // Its goals follow as sections of their own, not as a list.
                    Kind::Perspective => {
                        let own = node
                            .blocks
                            .iter()
                            .take_while(|b| !matches!(b, Block::Item(_)))
                            .count();
                        &node.blocks[..own]
                    }
                    Kind::Goal => &node.blocks,
                };
                (node, blocks)
            })
            .collect();
        Sections { nodes, contact }
    }
}

/// The vision's blocks before the contact block, and the contact block itself.
fn split_contact(blocks: &[Block]) -> (&[Block], &[Block]) {
    let at = blocks
        .iter()
        .position(|b| matches!(b, Block::Heading(_)))
        .unwrap_or(blocks.len());
    blocks.split_at(at)
}

fn push_wrapped(out: &mut String, text: &str, width: usize, indent: &str) {
    let room = width.saturating_sub(text::width(indent)).max(1);
    let lines = text::wrap(text, room);
    for range in lines {
        out.push_str(indent);
        out.push_str(&text[range]);
        out.push('\n');
    }
}

/// A heading: the title, wrapped if it must be, over a rule of `ch` as wide as its widest line,
/// and under one too if `overline`.
fn heading(out: &mut String, title: &str, ch: char, overline: bool, width: usize) {
    let lines = text::wrap(title, width);
    let rule: String = std::iter::repeat_n(
        ch,
        lines
            .iter()
            .map(|r| text::width(&title[r.clone()]))
            .max()
            .unwrap_or(0),
    )
    .collect();
    if overline {
        out.push_str(&rule);
        out.push('\n');
    }
    for range in lines {
        out.push_str(&title[range]);
        out.push('\n');
    }
    out.push_str(&rule);
    out.push('\n');
}

/// Plain text: the document title framed in `=`, the vision, each perspective and the contact
/// block underlined with `=`, each goal with `-`; paragraphs apart by a blank line, sections by
/// two.
fn plain(outline: &Outline, note: Option<&str>, sections: &Sections<'_>, width: usize) -> String {
    let mut out = String::new();
    heading(
        &mut out,
        &format!("{} – {}", outline.organisation, outline.title),
        '=',
        true,
        width,
    );
    if let Some(note) = note {
        out.push('\n');
        push_wrapped(&mut out, note, width, "");
    }
    for &(node, blocks) in &sections.nodes {
        // Two blank lines before a section of the document, one before a goal.
        let (gap, rule) = match node.kind {
            Kind::Goal => ("\n", '-'),
            Kind::Vision | Kind::Perspective => ("\n\n", '='),
        };
        out.push_str(gap);
        heading(&mut out, &node.title, rule, false, width);
        for block in blocks {
            out.push('\n');
            push_wrapped(&mut out, block.text(), width, "");
        }
    }
    for block in sections.contact {
        match block {
            Block::Heading(h) => {
                out.push_str("\n\n");
                heading(&mut out, h, '=', false, width);
                out.push('\n');
            }
            other => push_wrapped(&mut out, other.text(), width, ""),
        }
    }
    out
}

fn markdown(outline: &Outline, note: Option<&str>, sections: &Sections<'_>) -> String {
    let mut out = format!(
        "# {} – {}\n",
        escape(&outline.organisation),
        escape(&outline.title)
    );
    if let Some(note) = note {
        out.push_str(&format!("\n{}\n", escape(note)));
    }
    for &(node, blocks) in &sections.nodes {
        let hashes = match node.kind {
            Kind::Goal => "###",
            Kind::Vision | Kind::Perspective => "##",
        };
        out.push_str(&format!("\n{hashes} {}\n", escape(&node.title)));
        for block in blocks {
            out.push_str(&format!("\n{}\n", escape(block.text())));
        }
    }
    let mut lines = Vec::new();
    for block in sections.contact {
        match block {
            Block::Heading(h) => out.push_str(&format!("\n## {}\n\n", escape(h))),
            other => lines.push(escape(other.text())),
        }
    }
    if !lines.is_empty() {
        // Hard line breaks keep the contact block's lines apart.
        out.push_str(&lines.join("  \n"));
        out.push('\n');
    }
    out
}

/// Text as Markdown shows it literally: marks that would format it are escaped, as are
/// line starts that would make a heading, list, quote or rule.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let body = line.trim_start();
        out.push_str(&line[..line.len() - body.len()]);
        let digits = body.chars().take_while(char::is_ascii_digit).count();
        let marker = if body.starts_with(['#', '-', '+', '=', '>']) {
            Some(0)
        } else if (1..10).contains(&digits) && body[digits..].starts_with(['.', ')']) {
            Some(digits)
        } else {
            None
        };
        for (j, c) in body.char_indices() {
            if Some(j) == marker || matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_paragraph_is_printed() {
        let outline = Outline::bundled();
        for format in [Format::Text, Format::Markdown] {
            let out = render(&outline, 0, format, 10_000, Lang::Sv);
            for node in &outline.nodes {
                for block in &node.blocks {
                    assert!(
                        out.contains(block.text()),
                        "{format:?} lacks {:?}",
                        block.text()
                    );
                }
            }
        }
    }

    #[test]
    fn markdown_headings() {
        let out = render(&Outline::bundled(), 0, Format::Markdown, 80, Lang::Sv);
        assert!(out.starts_with("# Smedjebackens kommun – Vision och mål\n"));
        assert!(out.contains("\n## Hållbarhet\n"));
        assert!(out.contains("\n### Bra ekonomi\n"));
        assert!(out.contains("\n## Kontakt\n"));
    }

    #[test]
    fn markdown_shows_marks_literally() {
        assert_eq!(
            escape("a *b* _c_ [d](e) <f>"),
            r"a \*b\* \_c\_ \[d\](e) \<f>"
        );
        assert_eq!(
            escape("# x\n- y\n12. z\n0240-66"),
            "\\# x\n\\- y\n12\\. z\n0240-66"
        );
        assert_eq!(
            escape("Hög sysselsättning – 100 bästa"),
            "Hög sysselsättning – 100 bästa"
        );
    }

    #[test]
    fn text_is_wrapped_to_the_width() {
        let out = render(&Outline::bundled(), 0, Format::Text, 40, Lang::Sv);
        assert!(out.lines().all(|l| text::width(l) <= 40), "{out}");
        // Headings too, with rules as wide as their longest line.
        let out = render(&Outline::bundled(), 0, Format::Text, 20, Lang::Sv);
        assert!(out.lines().all(|l| text::width(l) <= 20), "{out}");
        assert!(out.starts_with("====================\nSmedjebackens kommun\n– Vision och mål\n"));
    }

    /// The titles an export of the node `id` holds, in order: what its headings say.
    fn titles(id: &str, format: Format) -> Vec<String> {
        let outline = Outline::bundled();
        let out = render(
            &outline,
            outline.find(id).unwrap(),
            format,
            10_000,
            Lang::Sv,
        );
        let mut titles: Vec<String> = outline
            .nodes
            .iter()
            .map(|n| n.title.clone())
            .filter(|t| out.contains(&format!("{t}\n")))
            .collect();
        titles.sort_by_key(|t| out.find(&format!("{t}\n")));
        titles
    }

    #[test]
    fn a_node_is_printed_with_what_is_under_it() {
        for format in [Format::Text, Format::Markdown] {
            assert_eq!(
                titles("utveckling", format),
                ["Utveckling", "Hög sysselsättning", "Attraktivt boende"],
                "{format:?}"
            );
            assert_eq!(titles("bra-ekonomi", format), ["Bra ekonomi"]);
            assert_eq!(titles("vision", format).len(), 10);
            let outline = Outline::bundled();
            let goal = render(
                &outline,
                outline.find("bra-ekonomi").unwrap(),
                format,
                80,
                Lang::Sv,
            );
            assert!(!goal.contains("Kontakt"), "{goal}");
        }
    }

    #[test]
    fn every_export_begins_with_the_organisation_and_the_title() {
        let outline = Outline::bundled();
        for root in 0..outline.nodes.len() {
            let text = render(&outline, root, Format::Text, 80, Lang::Sv);
            let head: Vec<&str> = text.lines().take(3).collect();
            assert_eq!(head[1], "Smedjebackens kommun – Vision och mål", "{text}");
            assert!(head[0] == head[2] && head[0].chars().all(|c| c == '='));
            let md = render(&outline, root, Format::Markdown, 80, Lang::Sv);
            assert!(
                md.starts_with("# Smedjebackens kommun – Vision och mål\n"),
                "{md}"
            );
        }
    }
}
