//! One line of styled text into the buffer, as ratatui's `Line` widget draws it, with a short
//! way for the text this interface almost always has: letters, digits, punctuation, box
//! drawing and arrows that each take one cell and are each a grapheme of their own. Such a
//! line needs no grapheme segmentation and no width lookups, which are most of what drawing a
//! frame costs; anything else (a combining accent, an emoji, a wide character, a control
//! character, a centred line) is drawn by ratatui itself.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// Whether `c` takes one cell and is a grapheme on its own whatever stands beside it (its
/// grapheme break property is Other, its width 1): then a line of such characters is a cell a
/// character. The ranges hold no combining mark, joiner, format or control character, no
/// regional indicator and no character that is wide or shown as an emoji by default.
fn simple(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{a0}'..='\u{ac}' | '\u{ae}'..='\u{17f}' // Latin-1 without the soft hyphen, Latin Extended-A
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{203b}' | '\u{203d}'..='\u{2048}' // punctuation
        | '\u{2190}'..='\u{2193}' // arrows
        | '\u{2500}'..='\u{25fc}' // box drawing, blocks, geometric shapes
    )
}

/// Draws `line` into `area` of `buf`, exactly as `line.render(area, buf)` does.
pub fn render(line: &Line<'_>, area: Rect, buf: &mut Buffer) {
    let left = matches!(line.alignment, None | Some(Alignment::Left));
    if !left
        || line.style != Style::default()
        || !line.spans.iter().all(|s| s.content.chars().all(simple))
    {
        line.render(area, buf);
        return;
    }
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let (mut x, y) = (area.x, area.y);
    for span in &line.spans {
        for c in span.content.chars() {
            if x >= area.right() {
                return;
            }
            buf[(x, y)].set_char(c).set_style(span.style);
            x += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;

    /// Both ways into a buffer that already holds something, at an offset, wider and narrower
    /// than the line.
    fn both(line: &Line<'_>) {
        for (x, width) in [(0, 40), (3, 7), (1, 1), (5, 0), (38, 5)] {
            let mut ours = Buffer::with_lines(["#".repeat(40)]);
            ours.set_style(
                ours.area,
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            );
            let mut theirs = ours.clone();
            let area = Rect::new(x, 0, width, 1);
            render(line, area, &mut ours);
            line.clone().render(area, &mut theirs);
            assert_eq!(ours, theirs, "{line:?} at {area:?}");
        }
    }

    #[test]
    fn a_line_is_drawn_as_ratatui_draws_it() {
        both(&Line::from("Smedjebackens kommun · Vision och mål"));
        both(&Line::from(vec![
            Span::raw("  "),
            Span::styled("▾ ", Style::new().dark_gray()),
            Span::styled("Hållbarhet", Style::new().cyan().bold()),
            Span::raw(""),
            Span::styled("…", Style::new().not_bold().on_blue()),
        ]));
        both(&Line::from(""));
        both(&Line::from("╔═ Mål ═╗ ▶ • › – ”"));
    }

    #[test]
    fn what_is_not_simple_goes_to_ratatui() {
        both(&Line::from("e\u{301} combining"));
        both(&Line::from("wide 日本 and 🎉 emoji"));
        both(&Line::from("flag 🇸🇪 joiner 👩‍👩‍👧"));
        both(&Line::from("soft\u{ad}hyphen tab\tcontrol\u{7}"));
        both(&Line::from("centred").centered());
        both(&Line::from("right").right_aligned());
        both(&Line::from("styled line").style(Style::new().reversed()));
    }

    /// Every character the short way takes is drawn as ratatui draws it, alone and beside
    /// others of its kind.
    #[test]
    fn every_simple_character_is_one_cell() {
        let simple: Vec<char> = (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| simple(c))
            .collect();
        assert!(simple.len() > 500, "{} characters", simple.len());
        for pair in simple.chunks(2) {
            let text: String = pair.iter().chain(pair).collect();
            both(&Line::from(vec![
                Span::raw("a"),
                Span::styled(text, Style::new().italic()),
                Span::raw("b"),
            ]));
        }
    }
}
