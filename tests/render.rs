//! Whole screens drawn into a `TestBackend`: named snapshots of what people see, and style
//! assertions where meaning is carried by more than text (selection, focus, search matches,
//! colour).

use std::collections::BTreeSet;
use std::time::Instant;

use malbild::app::{Action, App, Config, Focus, LineKind};
use malbild::content::{self, Outline};
use malbild::i18n::Lang;
use malbild::layout::Areas;
use malbild::text;
use malbild::theme::Glyphs;
use malbild::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// The configuration `malbild` starts with when given no options (colour on).
fn normal() -> Config {
    Config {
        colour: true,
        mouse: true,
        ..Config::default()
    }
}

fn kiosk() -> Config {
    Config {
        kiosk: true,
        ..normal()
    }
}

fn screen_reader() -> Config {
    Config {
        screen_reader: true,
        ..normal()
    }
}

/// An app of `outline` at `width`×`height` after `actions`.
fn app_of(outline: Outline, config: Config, width: u16, height: u16, actions: &[Action]) -> App {
    let now = Instant::now();
    let mut app = App::new(outline, config, now);
    app.update(Action::Resize { width, height }, now);
    for a in actions {
        app.update(a.clone(), now);
    }
    app
}

/// An app of the bundled document.
fn app(config: Config, width: u16, height: u16, actions: &[Action]) -> App {
    app_of(Outline::bundled(), config, width, height, actions)
}

/// The screen as the run loop draws it.
fn draw(app: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal
        .draw(|f| {
            f.render_widget(app, f.area());
            if let Some(c) = ui::cursor(app).filter(|c| c.visible) {
                f.set_cursor_position(c.position);
            }
        })
        .unwrap();
    terminal
}

fn buffer(app: &App) -> Buffer {
    draw(app).backend().buffer().clone()
}

/// The screen's text, one quoted line per row, and where the cursor is left, shown or not.
fn screen(app: &App) -> String {
    let terminal = draw(app);
    let cursor = match ui::cursor(app) {
        Some(c) => format!(
            "cursor: ({}, {}) {}",
            c.position.x,
            c.position.y,
            if c.visible { "shown" } else { "hidden" }
        ),
        None => "cursor: nowhere".to_string(),
    };
    format!("{}{cursor}\n", terminal.backend())
}

fn search(query: &str) -> Vec<Action> {
    let mut actions = vec![Action::SearchOpen];
    // Typed one key at a time, as keymap delivers it.
    actions.extend(query.chars().map(|c| Action::SearchInput(c.to_string())));
    actions
}

fn with(mut actions: Vec<Action>, more: &[Action]) -> Vec<Action> {
    actions.extend_from_slice(more);
    actions
}

/// The text of row `y`, cell by cell, leaving out the cells a wide symbol covers.
fn row_text(buf: &Buffer, y: u16) -> String {
    visible_cells(buf, y).into_iter().map(|(_, s)| s).collect()
}

/// The symbols of row `y` that are drawn, each with its column.
fn visible_cells(buf: &Buffer, y: u16) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    let mut covered_until = 0u16;
    for x in 0..buf.area.width {
        if x < covered_until {
            continue;
        }
        let symbol = buf[(x, y)].symbol().to_string();
        covered_until = x + (symbol.width() as u16).max(1);
        out.push((x, symbol));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------------------------

#[test]
fn snapshot_start_80x24() {
    insta::assert_snapshot!("start_80x24", screen(&app(normal(), 80, 24, &[])));
}

#[test]
fn snapshot_goal_selected() {
    let app = app(normal(), 80, 24, &[Action::Jump(3)]);
    assert_eq!(app.outline.nodes[app.selected].id, "hog-sysselsattning");
    insta::assert_snapshot!("goal_selected_80x24", screen(&app));
}

#[test]
fn snapshot_help() {
    insta::assert_snapshot!(
        "help_80x24",
        screen(&app(normal(), 80, 24, &[Action::Help]))
    );
}

#[test]
fn snapshot_stacked_40x12() {
    insta::assert_snapshot!("stacked_40x12", screen(&app(normal(), 40, 12, &[])));
}

#[test]
fn snapshot_stacked_40x12_goal() {
    let app = app(normal(), 40, 12, &[Action::Jump(1)]);
    insta::assert_snapshot!("stacked_40x12_goal", screen(&app));
}

/// After Enter on a goal at 40×12 the first line of its own text is on screen.
#[test]
fn snapshot_stacked_40x12_goal_open() {
    let app = app(normal(), 40, 12, &[Action::Jump(1), Action::Read]);
    let text = screen(&app);
    assert!(text.contains("Smedjebackens kommun är en"), "{text}");
    insta::assert_snapshot!("stacked_40x12_goal_open", text);
}

/// At the smallest size too.
#[test]
fn snapshot_smallest_goal_open() {
    let (w, h) = (malbild::layout::MIN_WIDTH, malbild::layout::MIN_HEIGHT);
    let app = app(normal(), w, h, &[Action::Jump(1), Action::Read]);
    let text = screen(&app);
    assert!(text.contains("Smedjebackens kommun"), "{text}");
    insta::assert_snapshot!("smallest_goal_open", text);
}

#[test]
fn snapshot_too_small() {
    for (w, h) in [(20, 5), (39, 10)] {
        let app = app(normal(), w, h, &[]);
        let text = screen(&app);
        assert!(
            text.contains("Fönstret"),
            "{w}x{h} shows the too-small message:\n{text}"
        );
        insta::assert_snapshot!(format!("too_small_{w}x{h}"), text);
    }
}

#[test]
fn snapshot_200x60() {
    insta::assert_snapshot!("start_200x60", screen(&app(normal(), 200, 60, &[])));
}

#[test]
fn snapshot_search_typing() {
    let app = app(normal(), 80, 24, &search("kommun"));
    assert!(app.search.editing);
    let text = screen(&app);
    assert!(text.contains("Sök: kommun"));
    insta::assert_snapshot!("search_typing_kommun", text);
}

#[test]
fn snapshot_search_done() {
    let app = app(
        normal(),
        80,
        24,
        &with(search("kommun"), &[Action::SearchDone]),
    );
    assert!(!app.search.editing && app.search.active());
    insta::assert_snapshot!("search_done_kommun", screen(&app));
}

#[test]
fn snapshot_search_no_matches() {
    let app = app(normal(), 80, 24, &search("xyzzy"));
    let text = screen(&app);
    assert!(text.contains("Inga träffar"), "{text}");
    insta::assert_snapshot!("search_no_matches", text);
}

#[test]
fn snapshot_search_escaped() {
    let app = app(
        normal(),
        80,
        24,
        &with(search("kommun"), &[Action::SearchDone, Action::Back]),
    );
    assert!(!app.search.active());
    insta::assert_snapshot!("search_after_esc", screen(&app));
}

#[test]
fn snapshot_ascii() {
    let config = Config {
        glyphs: Glyphs::Ascii,
        ..normal()
    };
    let app = app(config, 80, 24, &[Action::Jump(2)]);
    let buf = buffer(&app);
    for y in 0..buf.area.height {
        let row = row_text(&buf, y);
        // The content itself is Swedish (å, ä, ö); every symbol the interface adds is ASCII.
        let foreign: Vec<char> = row
            .chars()
            .filter(|c| !c.is_ascii() && !"åäöÅÄÖé".contains(*c))
            .collect();
        assert!(foreign.is_empty(), "row {y} has {foreign:?}: {row}");
    }
    insta::assert_snapshot!("ascii_80x24", screen(&app));
}

#[test]
fn snapshot_english() {
    let config = Config {
        lang: Lang::En,
        ..normal()
    };
    let start = app(config.clone(), 80, 24, &[]);
    let text = screen(&start);
    assert!(text.contains("Goals") && text.contains("quit"), "{text}");
    insta::assert_snapshot!("english_start", text);
    insta::assert_snapshot!(
        "english_help",
        screen(&app(config, 80, 24, &[Action::Help]))
    );
}

/// The columns the bottom line of `app` asks for: the match count, if any, and every hint.
fn bottom_line_wants(app: &App) -> usize {
    let hints = ui::hints(app);
    let words: usize = hints
        .iter()
        .map(|(k, w, _)| k.width() + 1 + w.width())
        .sum();
    let count = if app.search.active() && !app.search.query.is_empty() {
        app.strings().matches(app.search.matches.len()).width() + 3
    } else {
        0
    };
    count + words + 2 * hints.len().saturating_sub(1)
}

/// In Finnish the bottom line keeps every hint the Swedish one keeps, at 80×24 and at 40×12.
#[test]
fn the_finnish_bottom_line_fits_where_the_swedish_does() {
    let states: Vec<Vec<Action>> = vec![
        vec![],
        vec![Action::Jump(1)],
        vec![Action::Jump(1), Action::Read],
        vec![Action::Help],
        search("hall"),
        with(search("hall"), &[Action::SearchDone]),
        with(search("hall"), &[Action::SearchDone, Action::NextMatch]),
    ];
    for kiosk in [false, true] {
        for (w, h) in [(80, 24), (40, 12)] {
            for actions in &states {
                let at = |lang| {
                    let config = Config {
                        lang,
                        kiosk,
                        ..normal()
                    };
                    app(config, w, h, actions)
                };
                let (sv, fi) = (at(Lang::Sv), at(Lang::Fi));
                let (sv_wants, fi_wants) = (bottom_line_wants(&sv), bottom_line_wants(&fi));
                assert!(
                    fi_wants <= usize::from(w) || sv_wants > usize::from(w),
                    "kiosk {kiosk}, {w}×{h} after {actions:?}: Finnish wants {fi_wants} columns, \
                     Swedish {sv_wants}:\n{}",
                    screen(&fi)
                );
            }
        }
    }
}

#[test]
fn snapshot_finnish() {
    let config = Config {
        lang: Lang::Fi,
        ..normal()
    };
    let text = screen(&app(config.clone(), 80, 24, &[]));
    assert!(
        text.contains("Tavoitteet") && text.contains("lopeta"),
        "{text}"
    );
    insta::assert_snapshot!("finnish_start", text);
    let goal = app(config.clone(), 80, 24, &[Action::Jump(1), Action::Read]);
    insta::assert_snapshot!("finnish_goal", screen(&goal));
    insta::assert_snapshot!(
        "finnish_help",
        screen(&app(config.clone(), 80, 24, &[Action::Help]))
    );
    let found = app(
        config.clone(),
        80,
        24,
        &with(search("hall"), &[Action::SearchDone]),
    );
    insta::assert_snapshot!("finnish_search_done", screen(&found));
    insta::assert_snapshot!("finnish_40x12", screen(&app(config.clone(), 40, 12, &[])));
    insta::assert_snapshot!(
        "finnish_40x12_goal_open",
        screen(&app(
            config.clone(),
            40,
            12,
            &[Action::Jump(1), Action::Read]
        ))
    );
    let kiosk = Config {
        kiosk: true,
        ..config
    };
    let start = app(kiosk.clone(), 80, 24, &[]);
    let text = screen(&start);
    assert!(
        !text.contains("lopeta"),
        "kiosk mode offers no way out:\n{text}"
    );
    insta::assert_snapshot!("finnish_kiosk_start", text);
    insta::assert_snapshot!(
        "finnish_kiosk_help",
        screen(&app(kiosk, 80, 24, &[Action::Help]))
    );
}

#[test]
fn snapshot_kiosk() {
    let start = app(kiosk(), 80, 24, &[]);
    let text = screen(&start);
    assert!(
        !text.contains("avsluta"),
        "kiosk mode offers no way out:\n{text}"
    );
    insta::assert_snapshot!("kiosk_start", text);
    let help = screen(&app(kiosk(), 80, 24, &[Action::Help]));
    assert!(!help.contains("avsluta"), "{help}");
    insta::assert_snapshot!("kiosk_help", help);
}

#[test]
fn snapshot_screen_reader_tree() {
    let app = app(screen_reader(), 80, 24, &[Action::Down, Action::Down]);
    assert_eq!(app.focus, Focus::Tree);
    let buf = buffer(&app);
    let cursor = ui::cursor(&app).expect("the cursor is on the selection");
    assert!(cursor.visible, "the cursor is shown in screen-reader mode");
    let cursor = cursor.position;
    let label = &app.outline.nodes[app.selected].title;
    let row = row_text(&buf, cursor.y);
    let from: String = visible_cells(&buf, cursor.y)
        .into_iter()
        .skip_while(|(x, _)| *x < cursor.x)
        .map(|(_, s)| s)
        .collect();
    assert!(
        from.starts_with(label.as_str()),
        "the cursor at {cursor:?} is on the label {label:?}: {row:?}"
    );
    // It is on the selected row: the one with the pointer.
    assert!(row.contains('▶'), "{row:?}");
    insta::assert_snapshot!("screen_reader_tree", screen(&app));
}

#[test]
fn snapshot_screen_reader_detail() {
    let app = app(
        screen_reader(),
        80,
        24,
        &[Action::Down, Action::Down, Action::Read],
    );
    assert_eq!(app.focus, Focus::Detail);
    let buf = buffer(&app);
    let cursor = ui::cursor(&app).expect("the cursor is on the text");
    assert!(cursor.visible, "the cursor is shown in screen-reader mode");
    let cursor = cursor.position;
    let lines = app.detail_lines();
    assert_eq!(lines[0].kind, LineKind::Breadcrumb);
    assert_eq!(lines[1].kind, LineKind::Title);
    let first = lines
        .iter()
        .find(|l| {
            !matches!(
                l.kind,
                LineKind::Breadcrumb | LineKind::Title | LineKind::Blank
            )
        })
        .expect("the goal has a text");
    let row = row_text(&buf, cursor.y);
    let from: String = visible_cells(&buf, cursor.y)
        .into_iter()
        .skip_while(|(x, _)| *x < cursor.x)
        .map(|(_, s)| s)
        .collect();
    assert_eq!(cursor.x, 0, "no border in screen-reader mode");
    // The breadcrumb and the title stay above, on the rows under the title bar.
    assert!(row_text(&buf, 1).starts_with(lines[0].text.as_str()));
    assert!(
        cursor.y > 2,
        "the cursor is below the breadcrumb and the title"
    );
    let start: String = first.text.chars().take(20).collect();
    assert!(
        from.starts_with(&start),
        "the cursor at {cursor:?} is on the first line of the text {start:?}: {row:?}"
    );
    insta::assert_snapshot!("screen_reader_detail", screen(&app));
}

/// In screen-reader mode the help is a plain list, no box: a braille line holds only its text,
/// and the cursor is on its first line.
#[test]
fn snapshot_screen_reader_help() {
    let app = app(screen_reader(), 80, 24, &[Action::Help]);
    let buf = buffer(&app);
    let cursor = ui::cursor(&app).expect("the cursor is on the help");
    assert!(cursor.visible);
    assert_eq!(cursor.position, Position::new(0, 1));
    let first = &app.help_lines()[0];
    assert!(
        row_text(&buf, 1).starts_with(first.key.trim_end()),
        "{:?}",
        row_text(&buf, 1)
    );
    for y in 1..app.height - 1 {
        let row = row_text(&buf, y);
        assert!(
            !row.chars().any(|c| "║═╔╗╚╝│─┌┐└┘".contains(c)),
            "a border in the help: {row:?}"
        );
    }
    insta::assert_snapshot!("screen_reader_help", screen(&app));
}

/// The tree is indented by one cell a level in screen-reader mode: a goal's title starts six
/// cells in (marker, indent, tree marker), not eight.
#[test]
fn screen_reader_tree_indents_one_cell_a_level() {
    let app = app(screen_reader(), 80, 24, &[Action::Down, Action::Down]);
    assert_eq!(app.outline.nodes[app.selected].depth, 2);
    let cursor = ui::cursor(&app)
        .expect("the cursor is on the selection")
        .position;
    assert_eq!(cursor.x, 6);
    let normal = app_of(
        Outline::bundled(),
        normal(),
        80,
        24,
        &[Action::Down, Action::Down],
    );
    let at = ui::cursor(&normal)
        .expect("the cursor is on the selection")
        .position;
    assert_eq!(at.x, 1 + 8, "two cells a level inside the border otherwise");
}

#[test]
fn snapshot_detail_scrolled() {
    let app = app(
        normal(),
        40,
        12,
        &[
            Action::Jump(3),
            Action::FocusNext,
            Action::Down,
            Action::Down,
        ],
    );
    assert_eq!(app.detail_scroll, 2);
    let buf = buffer(&app);
    let bottom = row_text(&buf, app.areas().detail.bottom() - 1);
    assert!(bottom.contains("▲ rad 3–"), "{bottom:?}");
    assert!(bottom.contains('▼'), "more below: {bottom:?}");
    insta::assert_snapshot!("detail_scrolled_40x12", screen(&app));
}

#[test]
fn snapshot_console_symbols() {
    let config = Config {
        glyphs: Glyphs::Console,
        ..normal()
    };
    let app = app(config, 80, 24, &[Action::Jump(1)]);
    let text = screen(&app);
    assert!(text.contains('»') && text.contains("■ Mål"), "{text}");
    for c in ['▶', '▾', '▼', '►', '═', '║', '╔'] {
        assert!(!text.contains(c), "{c:?} in {text}");
    }
    // The focused pane's title is in reverse video, the other one not.
    let buf = buffer(&app);
    let title_cell = |needle: &str| {
        let row = row_text(&buf, 1);
        let at = row.find(needle).expect("a pane title");
        let x = row[..at].chars().count() as u16;
        buf[(x, 1)].modifier.contains(Modifier::REVERSED)
    };
    assert!(title_cell("■ Mål"));
    assert!(!title_cell("Text"));
    insta::assert_snapshot!("console_80x24", text);
}

fn wide() -> Outline {
    let source = include_str!("data/wide.ron");
    content::load("tests/data/wide.ron", source).unwrap_or_else(|e| panic!("{e}"))
}

/// Every row between the title and the hints keeps each vertical border in its column.
fn assert_borders_aligned(app: &App) {
    let buf = buffer(app);
    let areas = app.areas();
    let mut columns = vec![areas.tree.right() - 1, areas.detail.right() - 1];
    columns.dedup();
    for rect in [areas.tree, areas.detail] {
        for y in rect.top()..rect.bottom() {
            let cells = visible_cells(&buf, y);
            let drawn: usize = cells.iter().map(|(_, s)| s.width().max(1)).sum();
            assert_eq!(
                drawn,
                usize::from(buf.area.width),
                "row {y} is {drawn} columns wide: {:?}",
                row_text(&buf, y)
            );
            for x in [rect.left(), rect.right() - 1] {
                let at = cells.iter().find(|(cx, _)| *cx == x);
                let symbol = at.map(|(_, s)| s.as_str()).unwrap_or("(covered)");
                assert!(
                    "│║┌┐└┘╔╗╚╝─═".contains(symbol) && !symbol.is_empty(),
                    "row {y}, column {x} should be a border but is {symbol:?}: {:?}",
                    row_text(&buf, y)
                );
            }
        }
    }
}

#[test]
fn snapshot_wide_text_80x24() {
    for actions in [
        vec![],
        vec![Action::Jump(1)],
        vec![Action::Jump(2)],
        vec![Action::FocusNext],
    ] {
        let app = app_of(wide(), normal(), 80, 24, &actions);
        assert_borders_aligned(&app);
    }
    let app = app_of(wide(), normal(), 80, 24, &[Action::Jump(1)]);
    insta::assert_snapshot!("wide_80x24", screen(&app));
}

#[test]
fn snapshot_wide_text_40x12() {
    for actions in [vec![], vec![Action::Jump(1)], vec![Action::Jump(2)]] {
        let app = app_of(wide(), normal(), 40, 12, &actions);
        assert_borders_aligned(&app);
    }
    let app = app_of(wide(), normal(), 40, 12, &[Action::Jump(1)]);
    insta::assert_snapshot!("wide_40x12", screen(&app));
}

#[test]
fn wide_text_borders_at_many_widths() {
    for width in (malbild::layout::MIN_WIDTH..=120).step_by(7) {
        for n in 0..=6 {
            let app = app_of(wide(), normal(), width, 14, &[Action::Jump(n)]);
            assert_borders_aligned(&app);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Styles
// ---------------------------------------------------------------------------------------------

/// The screen row of the selected tree node.
fn selected_row(app: &App) -> u16 {
    let at = app.rows().iter().position(|&n| n == app.selected).unwrap();
    app.areas().tree_inner.y + (at - app.tree_offset) as u16
}

#[test]
fn selected_row_is_reversed_on_every_cell_and_only_there() {
    for (w, h, actions) in [
        (80, 24, vec![]),
        (80, 24, vec![Action::Jump(4)]),
        (40, 12, vec![Action::Jump(6)]),
        (200, 60, vec![Action::Down, Action::Down]),
    ] {
        for colour in [true, false] {
            let config = Config { colour, ..normal() };
            let app = app(config, w, h, &actions);
            let buf = buffer(&app);
            let inner = app.areas().tree_inner;
            let y = selected_row(&app);
            for row in inner.top()..inner.bottom() {
                for x in inner.left()..inner.right() {
                    let reversed = buf[(x, row)].modifier.contains(Modifier::REVERSED);
                    assert_eq!(
                        reversed,
                        row == y,
                        "{w}x{h} {actions:?} colour {colour}: cell ({x}, {row})"
                    );
                }
            }
        }
    }
}

fn assert_double_border(buf: &Buffer, r: Rect, double: bool) {
    let (tl, tr, bl, br, v) = if double {
        ("╔", "╗", "╚", "╝", "║")
    } else {
        ("┌", "┐", "└", "┘", "│")
    };
    assert_eq!(buf[(r.left(), r.top())].symbol(), tl, "{r:?}");
    assert_eq!(buf[(r.right() - 1, r.top())].symbol(), tr, "{r:?}");
    assert_eq!(buf[(r.left(), r.bottom() - 1)].symbol(), bl, "{r:?}");
    assert_eq!(buf[(r.right() - 1, r.bottom() - 1)].symbol(), br, "{r:?}");
    for y in r.top() + 1..r.bottom() - 1 {
        assert_eq!(buf[(r.left(), y)].symbol(), v, "{r:?} row {y}");
        assert_eq!(buf[(r.right() - 1, y)].symbol(), v, "{r:?} row {y}");
    }
}

#[test]
fn focused_pane_has_the_double_border() {
    for (w, h) in [(80, 24), (40, 12), (120, 40)] {
        let tree_focused = app(normal(), w, h, &[]);
        let buf = buffer(&tree_focused);
        let areas = tree_focused.areas();
        // Side by side the panes share no cells; stacked, the detail's top edge is its own.
        assert_double_border(&buf, areas.tree, true);
        assert_double_border(&buf, areas.detail, false);

        // Stacked, the text pane grows while it has the keyboard.
        let detail_focused = app(normal(), w, h, &[Action::FocusNext]);
        let buf = buffer(&detail_focused);
        let areas = detail_focused.areas();
        assert_double_border(&buf, areas.tree, false);
        assert_double_border(&buf, areas.detail, true);
    }
}

/// Folds one cell's symbol as a reader would match it: lower case, Swedish and French accents
/// dropped. Written here, apart from `search.rs`, so the two can disagree.
fn fold_cell(symbol: &str) -> String {
    symbol
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
            'ö' | 'ó' | 'ô' | 'ø' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            c => c,
        })
        .collect()
}

/// The cells where `words` occur in row `y` between columns `from` and `to`.
fn matched_cells(buf: &Buffer, y: u16, from: u16, to: u16, words: &[&str]) -> BTreeSet<(u16, u16)> {
    let cells: Vec<(u16, String)> = visible_cells(buf, y)
        .into_iter()
        .filter(|(x, _)| (from..to).contains(x))
        .map(|(x, s)| (x, fold_cell(&s)))
        .collect();
    let mut out = BTreeSet::new();
    for word in words {
        let word: Vec<char> = word.chars().collect();
        for start in 0..cells.len() {
            let hit = start + word.len() <= cells.len()
                && word
                    .iter()
                    .zip(&cells[start..])
                    .all(|(c, (_, s))| s.chars().eq(std::iter::once(*c)));
            if hit {
                for (x, _) in &cells[start..start + word.len()] {
                    out.insert((*x, y));
                }
            }
        }
    }
    out
}

/// The detail rows that show the breadcrumb (never highlighted).
fn breadcrumb_rows(app: &App) -> Vec<u16> {
    let inner = app.areas().detail_inner;
    let lines = app.detail_lines();
    let Some(first) = lines.first().filter(|l| l.kind == LineKind::Breadcrumb) else {
        return Vec::new();
    };
    let n = text::wrap(&first.text, usize::from(inner.width)).len();
    (0..n)
        .filter_map(|i| i.checked_sub(app.detail_scroll))
        .map(|i| inner.y + i as u16)
        .filter(|&y| y < inner.bottom())
        .collect()
}

fn assert_highlights(app: &App, words: &[&str]) {
    let buf = buffer(app);
    let areas = app.areas();
    let mut expected = BTreeSet::new();
    let tree = areas.tree_inner;
    for y in tree.top()..tree.bottom() {
        expected.extend(matched_cells(&buf, y, tree.left(), tree.right(), words));
    }
    let detail = areas.detail_inner;
    let crumbs = breadcrumb_rows(app);
    for y in detail.top()..detail.bottom() {
        if !crumbs.contains(&y) {
            expected.extend(matched_cells(&buf, y, detail.left(), detail.right(), words));
        }
    }
    assert!(!expected.is_empty(), "the query {words:?} is on screen");
    let mut underlined = BTreeSet::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            if cell.modifier.contains(Modifier::UNDERLINED) {
                underlined.insert((x, y));
                // Bold black is drawn grey by many terminals: bold only without colour.
                if !app.colour {
                    assert!(cell.modifier.contains(Modifier::BOLD), "({x}, {y}) is bold");
                }
                if app.colour {
                    assert_eq!(
                        cell.bg,
                        Color::Yellow,
                        "({x}, {y}) has the yellow background"
                    );
                } else {
                    assert_eq!(cell.bg, Color::Reset, "({x}, {y}) has no background");
                }
            }
        }
    }
    let missing: Vec<_> = expected.difference(&underlined).collect();
    let extra: Vec<_> = underlined.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{words:?}: not highlighted {missing:?}, highlighted but no match {extra:?}\n{}",
        screen(app)
    );
}

#[test]
fn search_matches_are_highlighted_on_exactly_their_cells() {
    for colour in [true, false] {
        for (w, h) in [(80, 24), (40, 12), (120, 30)] {
            let config = Config { colour, ..normal() };
            // While typing, after Enter, and after moving to another match.
            let typing = app(config.clone(), w, h, &search("kommun"));
            assert_highlights(&typing, &["kommun"]);
            let done = with(search("kommun"), &[Action::SearchDone]);
            assert_highlights(&app(config.clone(), w, h, &done), &["kommun"]);
            let next = with(done, &[Action::NextMatch, Action::NextMatch]);
            assert_highlights(&app(config.clone(), w, h, &next), &["kommun"]);
            // Accents and case folded, two words.
            let accents = app(config.clone(), w, h, &search("HALLBAR utslapp"));
            assert_highlights(&accents, &["hallbar", "utslapp"]);
        }
    }
}

#[test]
fn nothing_is_highlighted_without_a_search_or_a_match() {
    for actions in [
        vec![],
        search("xyzzy"),
        with(search("kommun"), &[Action::Back]),
    ] {
        let app = app(normal(), 80, 24, &actions);
        let buf = buffer(&app);
        assert!(
            buf.content
                .iter()
                .all(|c| !c.modifier.contains(Modifier::UNDERLINED)),
            "{actions:?}"
        );
    }
}

/// Screens that together use every style the interface has.
fn screens(config: &Config) -> Vec<App> {
    let c = || config.clone();
    vec![
        app(c(), 80, 24, &[]),
        app(c(), 80, 24, &[Action::Jump(3), Action::FocusNext]),
        app(c(), 80, 24, &[Action::Help]),
        app(
            c(),
            40,
            12,
            &[Action::Jump(3), Action::FocusNext, Action::Down],
        ),
        app(c(), 80, 24, &search("kommun")),
        app(c(), 80, 24, &with(search("kommun"), &[Action::SearchDone])),
        app(c(), 80, 24, &search("xyzzy")),
        app(c(), 80, 24, &[Action::Copy]),
        app(c(), 20, 5, &[]),
        app(Config { kiosk: true, ..c() }, 80, 24, &[Action::Help]),
        app(
            Config {
                screen_reader: true,
                ..c()
            },
            80,
            24,
            &[Action::Read],
        ),
    ]
}

#[test]
fn without_colour_no_cell_has_a_colour() {
    let config = Config {
        colour: false,
        ..normal()
    };
    for app in screens(&config) {
        let buf = buffer(&app);
        for (i, cell) in buf.content.iter().enumerate() {
            assert!(
                cell.fg == Color::Reset && cell.bg == Color::Reset,
                "cell {i} has {:?} on {:?}\n{}",
                cell.fg,
                cell.bg,
                screen(&app)
            );
        }
    }
    // And the c key turns colour on in a session started without it.
    let on = app(config, 80, 24, &[Action::ToggleColour]);
    assert!(buffer(&on).content.iter().any(|c| c.fg != Color::Reset));
}

#[test]
fn with_colour_only_the_16_base_colours() {
    const BASE: [Color; 17] = [
        Color::Reset,
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    let mut used = BTreeSet::new();
    for app in screens(&normal()) {
        for cell in &buffer(&app).content {
            for c in [cell.fg, cell.bg] {
                assert!(BASE.contains(&c), "{c:?} is not a base colour");
                used.insert(format!("{c:?}"));
            }
        }
    }
    assert!(used.len() > 3, "colour is on: {used:?}");
}

// ---------------------------------------------------------------------------------------------
// Tiny and empty screens
// ---------------------------------------------------------------------------------------------

#[test]
fn no_panic_at_tiny_sizes() {
    let states: [Vec<Action>; 4] = [
        vec![],
        vec![Action::Help],
        search("kommun"),
        with(search("bra"), &[Action::SearchDone, Action::FocusNext]),
    ];
    for config in [normal(), kiosk(), screen_reader()] {
        for (w, h) in [(0, 0), (1, 1), (10, 3), (20, 5), (0, 10), (10, 0), (20, 7)] {
            for actions in &states {
                let mut app = app(config.clone(), 80, 24, actions);
                app.update(
                    Action::Resize {
                        width: w,
                        height: h,
                    },
                    Instant::now(),
                );
                let buf = buffer(&app);
                assert_eq!(buf.area, Rect::new(0, 0, w, h));
                if let Some(ui::Cursor {
                    position: Position { x, y },
                    ..
                }) = ui::cursor(&app)
                {
                    assert!(x < w && y < h, "cursor ({x}, {y}) on a {w}x{h} screen");
                }
                // And back to a usable size.
                app.update(
                    Action::Resize {
                        width: 80,
                        height: 24,
                    },
                    Instant::now(),
                );
                let _ = buffer(&app);
            }
        }
    }
}

#[test]
fn too_small_below_the_minimum_only() {
    let (w, h) = (malbild::layout::MIN_WIDTH, malbild::layout::MIN_HEIGHT);
    assert!(!Areas::new(w, h, malbild::layout::Panes::Both, 10).too_small);
    let fits = app(normal(), w, h, &[]);
    let text = screen(&fits);
    assert!(!text.contains("Fönstret"), "{text}");
    let small = screen(&app(normal(), w - 1, h, &[]));
    assert!(small.contains(&format!("{}×{h}", w - 1)), "{small}");
    assert!(
        small.contains(&format!("{w}×{h}")),
        "names the size it needs: {small}"
    );
}

#[test]
fn kiosk_too_small_message_offers_no_quit_key() {
    let text = screen(&app(kiosk(), 20, 5, &[]));
    assert!(text.contains("Fönstret"), "{text}");
    assert!(!text.contains("avsluta"), "{text}");
}

#[test]
fn truncated_tree_labels_use_the_room_they_have() {
    for width in [40, 80] {
        let app = app_of(wide(), normal(), width, 12, &[Action::Jump(1)]);
        let buf = buffer(&app);
        let inner = app.areas().tree_inner;
        for y in inner.top()..inner.bottom() {
            let cells = visible_cells(&buf, y);
            let Some((x, _)) = cells
                .iter()
                .filter(|(x, _)| (inner.left()..inner.right()).contains(x))
                .rfind(|(_, s)| s == "…")
            else {
                continue;
            };
            // Cut with an ellipsis: at most one column (half a wide character) left unused.
            assert!(
                inner.right() - 1 - x <= 1,
                "{width} columns, row {y}: the ellipsis at column {x}, the row ends at {}: {:?}",
                inner.right(),
                row_text(&buf, y)
            );
        }
    }
}

/// The data file of the tests with its Finnish translation, shown in Finnish: the content in
/// Finnish with nothing saying it is Swedish; in English, the Swedish and the note.
#[test]
fn snapshot_translated_content() {
    let translated = || {
        content::load(
            "tests/data/translated.ron",
            include_str!("data/translated.ron"),
        )
        .unwrap()
    };
    let finnish = Config {
        lang: Lang::Fi,
        ..normal()
    };
    let open = [Action::Jump(1), Action::Read];
    let start = screen(&app_of(translated(), finnish.clone(), 80, 24, &[]));
    assert!(
        start.contains("Kaikkien kunta") && !start.contains("ruotsiksi"),
        "{start}"
    );
    insta::assert_snapshot!("translated_finnish_start", start);
    insta::assert_snapshot!(
        "translated_finnish_40x12_goal_open",
        screen(&app_of(translated(), finnish.clone(), 40, 12, &open))
    );
    let screen_reader = Config {
        screen_reader: true,
        ..finnish
    };
    let text = screen(&app_of(translated(), screen_reader, 80, 24, &open));
    assert!(
        text.contains("Kaikkien kunta") && !text.contains("ruotsiksi"),
        "{text}"
    );
    let english = Config {
        lang: Lang::En,
        screen_reader: true,
        ..normal()
    };
    let text = screen(&app_of(translated(), english, 80, 24, &open));
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("Vision och mål · in Swedish"),
        "{text}"
    );
    assert!(text.contains("En kommun för alla"), "{text}");
}
