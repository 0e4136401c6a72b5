//! The view: `impl Widget for &App`, in small `render_*` pieces. Nothing here changes state.

use std::borrow::Cow;
use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::app::{Action, App, Focus, LineKind, Window};
use crate::ascii;
use crate::keymap;
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
    let detail = app.detail_text();
    let target = detail.body_row().or(detail.title_row()).unwrap_or(0);
    let y = target
        .saturating_sub(app.detail_scroll)
        .min(usize::from(inner.height.saturating_sub(1)));
    Position::new(inner.x, inner.y + y as u16)
}

/// The marker before a tree row's label: expanded, collapsed, a leaf, or a goal's number (the
/// digit that jumps to it).
fn marker(app: &App, node: usize) -> Cow<'static, str> {
    let symbols = app.symbols();
    if let Some(n) = app.goal_number(node) {
        Cow::Owned(format!("{n} "))
    } else if app.outline.nodes[node].children.is_empty() {
        Cow::Borrowed(symbols.leaf)
    } else if app.expanded[node] {
        Cow::Borrowed(symbols.expanded)
    } else {
        Cow::Borrowed(symbols.collapsed)
    }
}

fn render_too_small(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.strings();
    let mut message = s.too_small(
        app.width,
        app.height,
        (layout::MIN_WIDTH, layout::MIN_HEIGHT),
    );
    if !app.config.kiosk {
        message = format!("{message} {}", s.too_small_quit);
    }
    let lines = text::wrap(&message, usize::from(area.width));
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
    let mut title = format!(
        " {}{}{}",
        app.outline.organisation,
        app.symbols().dot,
        app.outline.title
    );
    // The panes have no frame to say it on.
    if app.config.screen_reader && app.untranslated() {
        title = format!("{title}{}{}", app.symbols().dot, app.strings().in_swedish);
    }
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
        let marker_style = if app.goal_number(node).is_some() {
            theme.node(n.depth)
        } else {
            theme.marker()
        };
        let mut spans = vec![
            Span::raw(pointer),
            Span::raw(indent),
            Span::styled(marker, marker_style),
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
    let detail = app.detail_text();
    let window = app.detail_window();
    let words = app.search.highlighted();
    let highlight = app.search.filtering() && !words.is_empty();
    let marks: Vec<Vec<Range<usize>>> = detail
        .lines
        .iter()
        .map(|line| {
            if highlight && line.kind != LineKind::Breadcrumb {
                Folded::new(&line.text).matches(&words)
            } else {
                Vec::new()
            }
        })
        .collect();
    for (y, row) in detail
        .rows
        .iter()
        .enumerate()
        .skip(window.first)
        .take(window.height)
    {
        let line = &detail.lines[row.line];
        let style = match line.kind {
            LineKind::Breadcrumb => theme.breadcrumb(),
            LineKind::Title => theme.heading(),
            LineKind::Heading => theme.subheading(),
            _ => Style::new(),
        };
        let area = Rect::new(inner.x, inner.y + (y - window.first) as u16, inner.width, 1);
        let spans = styled(
            &line.text,
            row.range.clone(),
            &marks[row.line],
            style,
            theme.highlight(),
        );
        line::render(&Line::from(spans), area, buf);
    }
    if app.config.screen_reader {
        // No border to carry the arrows: a line of text says whether more follows.
        let s = app.strings();
        let status = s.text_status(
            window.more_below(),
            window.first + 1,
            window.end(),
            window.total,
        );
        let status = app.symbols().keys(&status, s.arrows_ascii);
        // Right below the last line when the text ends above the bottom row, so that reading
        // down line by line meets it.
        let below_text = inner.y + (window.end() - window.first) as u16;
        let row = Rect {
            y: areas.detail_status.y.min(below_text),
            ..areas.detail_status
        };
        line::render(&Line::styled(status, theme.scroll()), row, buf);
        return;
    }
    let strings = app.strings();
    let title = if app.untranslated() {
        strings.detail_title_swedish
    } else {
        strings.detail_title
    };
    let mut block = pane_block(app, title, focused);
    if window.scrolls() {
        block = block.title_bottom(scroll_indicator(app, window).alignment(Alignment::Right));
    }
    block.render(areas.detail, buf);
}

/// "▲ rad 3–20 av 31 ▼", with each arrow only when there is more that way.
fn scroll_indicator(app: &App, window: Window) -> Line<'static> {
    let symbols = app.symbols();
    let style = app.theme().scroll();
    let up = if window.more_above() {
        symbols.more_above
    } else {
        " "
    };
    let down = if window.more_below() {
        symbols.more_below
    } else {
        " "
    };
    let label = app
        .strings()
        .lines_of(window.first + 1, window.end(), window.total);
    let label = text::truncate(&label, 40, symbols.ellipsis).into_owned();
    Line::from(vec![
        Span::styled(format!(" {up} "), style),
        Span::styled(symbols.keys(&label, app.strings().arrows_ascii), style),
        Span::styled(format!(" {down} "), style),
    ])
}

/// One key, what it does, and how much it matters when the bar is too narrow for all.
pub type Hint = (String, &'static str, u8);

/// The bottom line's keys where `app` is now, each named from the key table
/// (`keymap::hint_keys`); the least important are dropped first when the line is too narrow.
/// Every key shown does something there, and there is always one back: `Esc` out of the help,
/// the search and the text, `↑` up the tree to the vision.
pub fn hints(app: &App) -> Vec<Hint> {
    let s = app.strings();
    let kiosk = app.config.kiosk;
    let mut hints: Vec<Hint> = Vec::new();
    let mut add = |actions: &[Action], what: &'static str, rank: u8| {
        let keys = keymap::hint_keys(actions, kiosk);
        if !keys.is_empty() {
            hints.push((app.symbols().keys(&keys, s.arrows_ascii), what, rank));
        }
    };
    let arrows = [Action::Up, Action::Down];
    if app.help {
        if app.help_window().scrolls() {
            add(&arrows, s.hint_scroll, 7);
        }
        add(&[Action::Back], s.hint_close, 10);
        return hints;
    }
    if app.search.editing {
        // While typing, Enter ends the search and Esc cancels it (keymap::map).
        add(&[Action::Read], s.hint_search_done, 9);
        add(&[Action::Back], s.hint_search_cancel, 10);
        return hints;
    }
    if app.focus == Focus::Detail {
        if app.detail_window().scrolls() {
            add(&arrows, s.hint_scroll, 7);
        }
        add(&[Action::Back], s.hint_back, 10);
    } else {
        if app.search.active() {
            add(
                &[Action::NextMatch, Action::PrevMatch],
                s.hint_next_match,
                6,
            );
            add(&[Action::Back], s.hint_show_all, 10);
        }
        add(&arrows, s.hint_move, 7);
        add(&[Action::Read], s.hint_read, 9);
        if !app.search.active() {
            add(&[Action::SearchOpen], s.hint_search, 5);
            add(&[Action::NextLang], s.hint_lang, 3);
        }
    }
    add(&[Action::Help], s.hint_help, 8);
    add(&[Action::Quit], s.hint_quit, 4);
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
    app.help_box().text
}

fn render_help(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.strings();
    let theme = app.theme();
    let symbols = app.symbols();
    let plain = app.config.screen_reader;
    let lines = app.help_lines();
    let help = app.help_box();
    let popup = help.popup.intersection(area);
    if popup.width < 6 || popup.height < 3 {
        return;
    }
    let window = app.help_window();
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
        if window.scrolls() {
            let up = if window.more_above() {
                symbols.more_above
            } else {
                " "
            };
            let down = if window.more_below() {
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
    let inner = help.text.intersection(area);
    for (i, line) in lines
        .into_iter()
        .skip(window.first)
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
