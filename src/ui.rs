//! The view: `impl Widget for &App`, in small `render_*` pieces. Nothing here changes state.

use std::io::{self, Write};
use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::app::{App, Focus, LineKind};
use crate::ascii;
use crate::backend::Lean;
use crate::layout::{self, Areas};
use crate::search::Folded;
use crate::text::{self, truncate, width};
use crate::theme::Glyphs;

mod line;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render_app(self, area, buf);
        // An ASCII terminal gets ASCII in every cell, the content's letters included.
        if self.config.glyphs == Glyphs::Ascii {
            ascii::cells(buf, area);
        }
    }
}

/// Everything but the rewriting for an ASCII terminal.
fn render_app(app: &App, area: Rect, buf: &mut Buffer) {
    let areas = app.areas();
    let area = area.intersection(Rect::new(0, 0, app.width, app.height));
    if area.is_empty() {
        return;
    }
    if areas.too_small {
        render_too_small(app, area, buf);
        return;
    }
    render_title(app, areas.title, buf);
    if !areas.tree.is_empty() {
        render_tree(app, &areas, buf);
    }
    if !areas.detail.is_empty() {
        render_detail(app, &areas, buf);
    }
    render_hints(app, &areas, buf);
    if app.help {
        render_help(app, area, buf);
    }
}

pub use crate::backend::Cursor;

/// Draws `app` into `buf` (the screen's size) and writes it out through `lean` in one write
/// that ends with the cursor on its focused item (see [`cursor`]). Both run loops, local and
/// SSH, draw through this.
pub fn draw<W: Write>(lean: &mut Lean<W>, buf: &mut Buffer, app: &App) -> io::Result<()> {
    lean.park(cursor(app));
    buf.reset();
    app.render(buf.area, buf);
    lean.draw(buf)
}

/// Where the terminal cursor belongs: on the focused item, in every mode, because braille
/// displays and console screen readers follow the cursor whether it is shown or not. It is shown
/// only where sighted users want to see it: in screen-reader mode, and in the search line while
/// typing.
///
/// The focused item is the selected row's label in the tree, the first line of the text (below
/// the breadcrumb and the title) in the text pane, the first line shown of the help, and the
/// input position in the search line.
pub fn cursor(app: &App) -> Option<Cursor> {
    let areas = app.areas();
    let reader = app.config.screen_reader;
    if areas.too_small {
        // On the message, where there is a screen at all.
        return (app.width > 0 && app.height > 0).then_some(Cursor {
            position: Position::ORIGIN,
            visible: false,
        });
    }
    let position = if app.help {
        let first = help_text_area(app);
        Position::new(first.x, first.y)
    } else if app.search.editing {
        let prompt = app.strings().search_prompt;
        let x = width(prompt) + width(&app.search.query);
        let x = u16::try_from(x)
            .unwrap_or(u16::MAX)
            .min(areas.hints.width.saturating_sub(1));
        return Some(Cursor {
            position: Position::new(x, areas.hints.y),
            visible: true,
        });
    } else {
        match app.focus {
            Focus::Tree => tree_cursor(app, &areas)?,
            Focus::Detail => detail_cursor(app, &areas),
        }
    };
    Some(Cursor {
        position,
        visible: reader,
    })
}

/// The start of the selected row's label, if the row is in view.
fn tree_cursor(app: &App, areas: &Areas) -> Option<Position> {
    let rows = app.rows();
    let at = rows.iter().position(|&n| n == app.selected)?;
    let y = at.checked_sub(app.tree_offset)?;
    let inner = areas.tree_inner;
    if y >= usize::from(inner.height) {
        return None;
    }
    let depth = app.outline.nodes[app.selected].depth;
    let x = inner
        .x
        .saturating_add(layout::tree_row(depth, app.config.screen_reader).label);
    Some(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y + u16::try_from(y).ok()?,
    ))
}

/// The first line of the text below the breadcrumb and the title (the title when there is no
/// text), or the top line of the pane once that has scrolled away.
fn detail_cursor(app: &App, areas: &Areas) -> Position {
    let inner = areas.detail_inner;
    let mut row = 0usize;
    let mut title = None;
    let mut body = None;
    for line in app.detail_lines() {
        match line.kind {
            LineKind::Breadcrumb | LineKind::Blank => {}
            LineKind::Title => title = title.or(Some(row)),
            _ => {
                body = Some(row);
                break;
            }
        }
        row += text::wrap(&line.text, usize::from(inner.width)).len();
    }
    let target = body.or(title).unwrap_or(0);
    let y = target
        .saturating_sub(app.detail_scroll)
        .min(usize::from(inner.height.saturating_sub(1)));
    Position::new(inner.x, inner.y + y as u16)
}

/// The marker before a tree row's label: expanded, collapsed, or a leaf.
fn marker(app: &App, node: usize) -> &'static str {
    let symbols = app.symbols();
    if app.outline.nodes[node].children.is_empty() {
        symbols.leaf
    } else if app.expanded[node] {
        symbols.expanded
    } else {
        symbols.collapsed
    }
}

fn render_too_small(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.strings();
    let message = if app.config.kiosk {
        s.too_small_kiosk
    } else {
        s.too_small
    };
    let lines = text::wrap(message, usize::from(area.width));
    for (i, range) in lines.iter().take(usize::from(area.height)).enumerate() {
        let y = area.y + i as u16;
        buf.set_stringn(
            area.x,
            y,
            &message[range.clone()],
            usize::from(area.width),
            Style::new(),
        );
    }
}

fn render_title(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = app.theme();
    buf.set_style(area, theme.title());
    let title = format!(
        " {}{}{}",
        app.outline.organisation,
        app.symbols().dot,
        app.outline.title
    );
    let shown = truncate(&title, usize::from(area.width), app.symbols().ellipsis);
    buf.set_stringn(
        area.x,
        area.y,
        &shown,
        usize::from(area.width),
        theme.title(),
    );
    // Where someone who cannot see the screen looks first: how to get the mode made for them.
    // Kiosk visitors cannot choose options, and in the mode itself it has done its work.
    if app.config.kiosk || app.config.screen_reader {
        return;
    }
    let hint = app.strings().screen_reader_hint;
    let room = usize::from(area.width).saturating_sub(width(&shown) + 2);
    if width(hint) < room {
        let x = area.right() - (width(hint) + 1) as u16;
        buf.set_stringn(x, area.y, hint, width(hint), theme.title());
    }
}

/// Draws a pane's frame (unless in screen-reader mode, which has none).
fn pane_block<'a>(app: &App, title: &'a str, focused: bool) -> Block<'a> {
    let theme = app.theme();
    let symbols = app.symbols();
    let set = if focused {
        symbols.focus_border
    } else {
        symbols.border
    };
    let title = match symbols.focus_mark.filter(|_| focused) {
        Some(mark) => Span::styled(
            format!(" {mark}{title} "),
            theme.pane_title(true).add_modifier(Modifier::REVERSED),
        ),
        None => Span::styled(format!(" {title} "), theme.pane_title(focused)),
    };
    Block::new()
        .borders(Borders::ALL)
        .border_set(set)
        .border_style(theme.border(focused))
        .title(title)
}

fn render_tree(app: &App, areas: &Areas, buf: &mut Buffer) {
    let theme = app.theme();
    let symbols = app.symbols();
    let focused = app.focus == Focus::Tree;
    if !app.config.screen_reader {
        pane_block(app, app.strings().tree_title, focused).render(areas.tree, buf);
    }
    let inner = areas.tree_inner;
    let rows = app.rows();
    let words = app.search.highlighted();
    let highlight = app.search.filtering() && !words.is_empty();
    for (i, &node) in rows
        .iter()
        .skip(app.tree_offset)
        .take(usize::from(inner.height))
        .enumerate()
    {
        let y = inner.y + i as u16;
        let n = &app.outline.nodes[node];
        let selected = node == app.selected;
        let marker = marker(app, node);
        let pointer = if selected { symbols.selected } else { "  " };
        let columns = layout::tree_row(n.depth, app.config.screen_reader);
        let indent = " ".repeat(usize::from(columns.indent));
        let room = usize::from(inner.width.saturating_sub(columns.label));
        let label = truncate(&n.title, room, symbols.ellipsis);
        let mut spans = vec![
            Span::raw(pointer),
            Span::raw(indent),
            Span::styled(marker, theme.marker()),
        ];
        let ranges = if highlight {
            Folded::new(&label).matches(&words)
        } else {
            Vec::new()
        };
        spans.extend(styled(
            &label,
            0..label.len(),
            &ranges,
            theme.node(n.depth),
            theme.highlight(),
        ));
        let row = Rect::new(inner.x, y, inner.width, 1);
        line::render(&Line::from(spans), row, buf);
        if selected {
            buf.set_style(row, theme.selected());
        }
    }
}

/// Splits `text[range]` into spans, the parts inside `marks` in `mark` style.
fn styled<'a>(
    text: &'a str,
    range: Range<usize>,
    marks: &[Range<usize>],
    base: Style,
    mark: Style,
) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    let mut at = range.start;
    for m in marks {
        let start = m.start.max(range.start);
        let end = m.end.min(range.end);
        if start >= end {
            continue;
        }
        if start > at {
            spans.push(Span::styled(&text[at..start], base));
        }
        spans.push(Span::styled(&text[start..end], mark));
        at = end;
    }
    if at < range.end {
        spans.push(Span::styled(&text[at..range.end], base));
    }
    spans
}

fn render_detail(app: &App, areas: &Areas, buf: &mut Buffer) {
    let theme = app.theme();
    let focused = app.focus == Focus::Detail;
    let inner = areas.detail_inner;
    let lines = app.detail_lines();
    let words = app.search.highlighted();
    let highlight = app.search.filtering() && !words.is_empty();
    let mut y = 0usize;
    let first = app.detail_scroll;
    let height = usize::from(inner.height);
    let mut total = 0usize;
    for line in &lines {
        let style = match line.kind {
            LineKind::Breadcrumb => theme.breadcrumb(),
            LineKind::Title => theme.heading(),
            LineKind::Heading => theme.subheading(),
            _ => Style::new(),
        };
        let marks = if highlight && line.kind != LineKind::Breadcrumb {
            Folded::new(&line.text).matches(&words)
        } else {
            Vec::new()
        };
        let wrapped = text::wrap(&line.text, usize::from(inner.width));
        total += wrapped.len();
        for range in wrapped {
            if y >= first && y < first + height {
                let row = Rect::new(inner.x, inner.y + (y - first) as u16, inner.width, 1);
                let spans = styled(&line.text, range, &marks, style, theme.highlight());
                line::render(&Line::from(spans), row, buf);
            }
            y += 1;
        }
    }
    if app.config.screen_reader {
        return;
    }
    let mut block = pane_block(app, app.strings().detail_title, focused);
    if total > height {
        block = block
            .title_bottom(scroll_indicator(app, first, height, total).alignment(Alignment::Right));
    }
    block.render(areas.detail, buf);
}

/// "▲ rad 3–20 av 31 ▼", with each arrow only when there is more that way.
fn scroll_indicator(app: &App, first: usize, height: usize, total: usize) -> Line<'static> {
    let symbols = app.symbols();
    let style = app.theme().scroll();
    let last = (first + height).min(total);
    let up = if first > 0 { symbols.more_above } else { " " };
    let down = if last < total {
        symbols.more_below
    } else {
        " "
    };
    let label = app.strings().lines_of(first + 1, last, total);
    let label = text::truncate(&label, 40, symbols.ellipsis).into_owned();
    Line::from(vec![
        Span::styled(format!(" {up} "), style),
        Span::styled(symbols.keys(&label, app.strings().arrows_ascii), style),
        Span::styled(format!(" {down} "), style),
    ])
}

/// One key, what it does, and how much it matters when the bar is too narrow for all.
pub type Hint = (String, &'static str, u8);

/// The hint bar's keys where `app` is now, most important last dropped.
pub fn hints(app: &App) -> Vec<Hint> {
    let s = app.strings();
    let key = |k: &str| app.symbols().keys(k, s.arrows_ascii);
    if app.help {
        return vec![(key("↑↓"), s.hint_scroll, 7), (key("Esc"), s.hint_close, 9)];
    }
    if app.search.editing {
        return vec![
            (key("Enter"), s.hint_search_done, 9),
            (key("Esc"), s.hint_search_cancel, 9),
        ];
    }
    let mut hints = Vec::new();
    if app.search.active() {
        hints.push((key("n/N"), s.hint_next_match, 6));
        hints.push((key("Esc"), s.hint_show_all, 7));
    }
    if app.config.kiosk {
        hints.push((key("↑↓"), s.kiosk_hint_move, 8));
        hints.push((key("→"), s.kiosk_hint_open, 5));
        hints.push((key("Enter"), s.kiosk_hint_read, 6));
        if !app.search.active() {
            hints.push((key("/"), s.kiosk_hint_search, 7));
        }
        hints.push((key("?"), s.kiosk_hint_help, 9));
        return hints;
    }
    if app.focus == Focus::Detail {
        hints.push((key("↑↓"), s.hint_scroll, 7));
        if !app.search.active() {
            hints.push((key("Esc"), s.hint_back, 6));
        }
    } else {
        hints.push((key("↑↓"), s.hint_move, 7));
        if app.config.screen_reader {
            hints.push((key("Enter"), s.hint_open, 6));
        } else {
            hints.push((key("←→"), s.hint_fold, 4));
        }
    }
    if !app.config.screen_reader {
        hints.push((key("Tab"), s.hint_focus, 3));
    }
    if !app.search.active() {
        hints.push((key("/"), s.hint_search, 5));
    }
    hints.push((key("?"), s.hint_help, 9));
    hints.push((key("q"), s.hint_quit, 8));
    hints
}

/// The columns a row of hints takes, two spaces between them.
fn hints_width(hints: &[Hint]) -> usize {
    let words: usize = hints.iter().map(|(k, w, _)| width(k) + 1 + width(w)).sum();
    words + 2 * hints.len().saturating_sub(1)
}

fn render_hints(app: &App, areas: &Areas, buf: &mut Buffer) {
    let theme = app.theme();
    let area = areas.hints;
    buf.set_style(area, theme.hints());
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0usize;
    let room = usize::from(area.width);
    let push = |spans: &mut Vec<Span<'_>>, used: &mut usize, text: String, style: Style| -> bool {
        let w = width(&text);
        if *used + w > room {
            return false;
        }
        *used += w;
        spans.push(Span::styled(text, style));
        true
    };
    let s = app.strings();
    if app.carousel_running() {
        let text = truncate(s.carousel, room, app.symbols().ellipsis).into_owned();
        push(&mut spans, &mut used, text, theme.status());
        line::render(&Line::from(spans), area, buf);
        return;
    }
    if app.search.editing {
        push(
            &mut spans,
            &mut used,
            s.search_prompt.to_string(),
            theme.status(),
        );
        let query = truncate(
            &app.search.query,
            room.saturating_sub(width(s.search_prompt) + 1),
            "",
        )
        .into_owned();
        push(&mut spans, &mut used, query, Style::new());
        push(&mut spans, &mut used, "   ".into(), Style::new());
    }
    if app.search.active() && !app.search.query.is_empty() {
        let count = s.matches(app.search.matches.len());
        push(&mut spans, &mut used, format!("{count}   "), theme.status());
    }
    if let Some(status) = app.status {
        push(
            &mut spans,
            &mut used,
            format!("{status}   "),
            theme.status(),
        );
    }
    let mut hints = hints(app);
    while !hints.is_empty() && used + hints_width(&hints) > room {
        // Drop the least important hint; `?` (the help, which lists every key) stays longest.
        let least = (0..hints.len())
            .rev()
            .min_by_key(|&i| hints[i].2)
            .unwrap_or(0);
        hints.remove(least);
    }
    for (i, (key, what, _)) in hints.into_iter().enumerate() {
        let gap = if i == 0 { "" } else { "  " };
        if !push(&mut spans, &mut used, format!("{gap}{key}"), theme.key()) {
            break;
        }
        if !push(&mut spans, &mut used, format!(" {what}"), theme.hints()) {
            spans.pop();
            break;
        }
    }
    line::render(&Line::from(spans), area, buf);
}

/// Where the help's lines go: inside the box, one blank column each side, or (screen-reader
/// mode) the whole body, with no box.
fn help_text_area(app: &App) -> Rect {
    let plain = app.config.screen_reader;
    let popup =
        layout::help_area(app.screen(), app.help_lines().len(), plain).intersection(app.screen());
    if plain {
        return popup;
    }
    Rect::new(
        popup.x.saturating_add(2),
        popup.y.saturating_add(1),
        popup.width.saturating_sub(4),
        popup.height.saturating_sub(2),
    )
}

fn render_help(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.strings();
    let theme = app.theme();
    let symbols = app.symbols();
    let plain = app.config.screen_reader;
    let lines = app.help_lines();
    let popup = layout::help_area(app.screen(), lines.len(), plain).intersection(area);
    if popup.width < 6 || popup.height < 3 {
        return;
    }
    let shown = layout::help_visible(app.screen(), plain);
    let first = app.help_scroll.min(lines.len().saturating_sub(shown));
    Clear.render(popup, buf);
    if !plain {
        let mut block = Block::new()
            .borders(Borders::ALL)
            .border_set(symbols.focus_border)
            .border_style(theme.help_border())
            .title(Span::styled(
                format!(" {} ", s.help_title),
                theme.help_border(),
            ));
        if lines.len() > shown {
            let up = if first > 0 { symbols.more_above } else { " " };
            let down = if first + shown < lines.len() {
                symbols.more_below
            } else {
                " "
            };
            block = block.title_bottom(
                Line::styled(format!(" {up}{down} "), theme.scroll()).alignment(Alignment::Right),
            );
        }
        block.render(popup, buf);
    }
    let inner = help_text_area(app).intersection(area);
    for (i, line) in lines
        .into_iter()
        .skip(first)
        .take(usize::from(inner.height))
        .enumerate()
    {
        let style = if line.footer {
            theme.status()
        } else {
            Style::new()
        };
        let spans = vec![
            Span::styled(line.key, theme.key()),
            Span::styled(line.text, style),
        ];
        let row = Rect::new(inner.x, inner.y + i as u16, inner.width, 1);
        line::render(&Line::from(spans), row, buf);
    }
}
