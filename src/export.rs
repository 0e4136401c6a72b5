//! The whole document as plain text or Markdown, for `--print` and for pipes.

use crate::content::{Block, Kind, Outline};
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

/// The document in `format`, wrapped to `width` columns (text only; Markdown is not wrapped).
pub fn render(outline: &Outline, format: Format, width: usize) -> String {
    match format {
        Format::Text => plain(outline, width.max(20)),
        Format::Markdown => markdown(outline),
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

fn underline(out: &mut String, title: &str, ch: char) {
    out.push_str(title);
    out.push('\n');
    out.extend(std::iter::repeat_n(ch, text::width(title)));
    out.push('\n');
}

fn plain(outline: &Outline, width: usize) -> String {
    let mut out = String::new();
    underline(
        &mut out,
        &format!("{} – {}", outline.organisation, outline.title),
        '=',
    );
    let mut contact: &[Block] = &[];
    for node in &outline.nodes {
        out.push('\n');
        let blocks: &[Block] = match node.kind {
            Kind::Vision => {
                let (body, rest) = split_contact(&node.blocks);
                contact = rest;
                underline(&mut out, &node.title, '-');
                body
            }
            Kind::Perspective => {
                underline(&mut out, &node.title.to_uppercase(), '-');
                // Its goals follow as sections of their own.
                &node.blocks[..node
                    .blocks
                    .iter()
                    .take_while(|b| !matches!(b, Block::Item(_)))
                    .count()]
            }
            Kind::Goal => {
                underline(&mut out, &node.title, '~');
                &node.blocks
            }
        };
        for block in blocks {
            out.push('\n');
            push_wrapped(&mut out, block.text(), width, "");
        }
    }
    for block in contact {
        match block {
            Block::Heading(h) => {
                out.push('\n');
                underline(&mut out, h, '-');
                out.push('\n');
            }
            other => push_wrapped(&mut out, other.text(), width, ""),
        }
    }
    out
}

fn markdown(outline: &Outline) -> String {
    let mut out = format!("# {}\n", outline.title);
    let mut contact: &[Block] = &[];
    for node in &outline.nodes {
        let (hashes, blocks): (&str, &[Block]) = match node.kind {
            Kind::Vision => {
                let (body, rest) = split_contact(&node.blocks);
                contact = rest;
                ("##", body)
            }
            Kind::Perspective => (
                "##",
                &node.blocks[..node
                    .blocks
                    .iter()
                    .take_while(|b| !matches!(b, Block::Item(_)))
                    .count()],
            ),
            Kind::Goal => ("###", &node.blocks),
        };
        out.push_str(&format!("\n{hashes} {}\n", node.title));
        for block in blocks {
            out.push_str(&format!("\n{}\n", block.text()));
        }
    }
    let mut lines = Vec::new();
    for block in contact {
        match block {
            Block::Heading(h) => out.push_str(&format!("\n## {h}\n\n")),
            other => lines.push(other.text()),
        }
    }
    // Hard line breaks keep the contact block's lines apart.
    out.push_str(&lines.join("  \n"));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_paragraph_is_printed() {
        let outline = Outline::bundled();
        for format in [Format::Text, Format::Markdown] {
            let out = render(&outline, format, 10_000);
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
        let out = render(&Outline::bundled(), Format::Markdown, 80);
        assert!(out.starts_with("# Vision och mål\n"));
        assert!(out.contains("\n## Hållbarhet\n"));
        assert!(out.contains("\n### Bra ekonomi\n"));
        assert!(out.contains("\n## Kontakt\n"));
    }

    #[test]
    fn text_is_wrapped_to_the_width() {
        let out = render(&Outline::bundled(), Format::Text, 40);
        assert!(out.lines().all(|l| text::width(l) <= 40), "{out}");
    }
}
