//! Property tests: random input through `keymap::map` and `App::update`, every step drawn into a
//! `TestBackend` of the current size, with the model's invariants checked after each one; and the
//! search filter compared with matching computed here, apart from `search.rs`.
//!
//! `PROPTEST_CASES` sets the number of cases (default small enough for CI). A long run:
//! `PROPTEST_CASES=5000 cargo test --release --test props`.
//! The soak test is ignored by default: `cargo test --release --test props -- --ignored soak`.

use std::time::{Duration, Instant};

use malbild::app::{Action, App, Config, Effect, Focus};
use malbild::content::{Block, Outline};
use malbild::i18n::Lang;
use malbild::keymap::{self, Context};
use malbild::layout::Panes;
use malbild::theme::Glyphs;
use malbild::ui;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// Cases per property: `PROPTEST_CASES` when set, else few enough for a debug build on CI.
fn proptest_config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

/// Every key the app binds, with its modifiers.
const BINDINGS: &[(KeyCode, KeyModifiers)] = &[
    (KeyCode::Up, KeyModifiers::NONE),
    (KeyCode::Down, KeyModifiers::NONE),
    (KeyCode::Left, KeyModifiers::NONE),
    (KeyCode::Right, KeyModifiers::NONE),
    (KeyCode::Char('k'), KeyModifiers::NONE),
    (KeyCode::Char('j'), KeyModifiers::NONE),
    (KeyCode::Char('h'), KeyModifiers::NONE),
    (KeyCode::Char('l'), KeyModifiers::NONE),
    (KeyCode::Enter, KeyModifiers::NONE),
    (KeyCode::Char(' '), KeyModifiers::NONE),
    (KeyCode::Home, KeyModifiers::NONE),
    (KeyCode::End, KeyModifiers::NONE),
    (KeyCode::Char('g'), KeyModifiers::NONE),
    (KeyCode::Char('G'), KeyModifiers::SHIFT),
    (KeyCode::PageUp, KeyModifiers::NONE),
    (KeyCode::PageDown, KeyModifiers::NONE),
    (KeyCode::Tab, KeyModifiers::NONE),
    (KeyCode::BackTab, KeyModifiers::SHIFT),
    (KeyCode::Char('?'), KeyModifiers::NONE),
    (KeyCode::F(1), KeyModifiers::NONE),
    (KeyCode::Char('/'), KeyModifiers::NONE),
    (KeyCode::Esc, KeyModifiers::NONE),
    (KeyCode::Backspace, KeyModifiers::NONE),
    (KeyCode::Char('n'), KeyModifiers::NONE),
    (KeyCode::Char('N'), KeyModifiers::SHIFT),
    (KeyCode::Char('0'), KeyModifiers::NONE),
    (KeyCode::Char('1'), KeyModifiers::NONE),
    (KeyCode::Char('2'), KeyModifiers::NONE),
    (KeyCode::Char('3'), KeyModifiers::NONE),
    (KeyCode::Char('4'), KeyModifiers::NONE),
    (KeyCode::Char('5'), KeyModifiers::NONE),
    (KeyCode::Char('6'), KeyModifiers::NONE),
    (KeyCode::Char('7'), KeyModifiers::NONE),
    (KeyCode::Char('8'), KeyModifiers::NONE),
    (KeyCode::Char('9'), KeyModifiers::NONE),
    (KeyCode::Char('c'), KeyModifiers::NONE),
    (KeyCode::Char('y'), KeyModifiers::NONE),
    (KeyCode::Char('q'), KeyModifiers::NONE),
    (KeyCode::Char('c'), KeyModifiers::CONTROL),
];

/// Characters for typed text and pastes: the document's letters, wide ones, and some that a
/// terminal would act on.
const CHARS: &[char] = &[
    'a', 'b', 'e', 'k', 'o', 'm', 'u', 'n', 's', 'r', 'å', 'ä', 'ö', 'Å', 'Ö', 'é', 'K', 'H', ' ',
    '-', '0', '9', '漢', '🙂', '\u{301}', '\u{200d}', '\t', '\n', '\u{1b}', '\u{7f}', '\u{202e}',
];

/// One thing that happens to the app.
#[derive(Debug, Clone)]
enum Input {
    Event(Event),
    /// Time passes; the run loop sends a Tick when a deadline falls due.
    Wait(Duration),
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

/// Decodes four random numbers into an input, so proptest and the soak test share one
/// generator (and proptest shrinks towards the first, simplest kinds).
fn decode(s: [u32; 4]) -> Input {
    let pick = |n: u32, len: usize| n as usize % len;
    let event = match s[0] % 100 {
        0..=44 => {
            let (code, modifiers) = BINDINGS[pick(s[1], BINDINGS.len())];
            key(code, modifiers)
        }
        45..=51 => {
            let c = CHARS[pick(s[1], CHARS.len())];
            key(KeyCode::Char(c), KeyModifiers::NONE)
        }
        52..=54 => {
            // Anything at all, as an odd keyboard layout or a terminal might send it.
            let c = char::from_u32(s[1] % 0x11_0000).unwrap_or('x');
            key(KeyCode::Char(c), KeyModifiers::NONE)
        }
        55..=61 => {
            let c = char::from(b' ' + (s[1] % 95) as u8);
            let modifiers = [
                KeyModifiers::CONTROL,
                KeyModifiers::ALT,
                KeyModifiers::CONTROL | KeyModifiers::ALT,
                KeyModifiers::CONTROL | KeyModifiers::SHIFT,
            ][pick(s[2], 4)];
            key(KeyCode::Char(c), modifiers)
        }
        62..=71 => {
            let kind = [
                MouseEventKind::Down(MouseButton::Left),
                MouseEventKind::Down(MouseButton::Left),
                MouseEventKind::Down(MouseButton::Right),
                MouseEventKind::Up(MouseButton::Left),
                MouseEventKind::ScrollUp,
                MouseEventKind::ScrollDown,
                MouseEventKind::Moved,
                MouseEventKind::Drag(MouseButton::Left),
            ][pick(s[1], 8)];
            // Mostly on screen at common sizes, sometimes far outside.
            let (column, row) = if s[3].is_multiple_of(4) {
                ((s[2] % 310) as u16, (s[3] / 4 % 110) as u16)
            } else {
                ((s[2] % 80) as u16, (s[3] / 4 % 24) as u16)
            };
            Event::Mouse(MouseEvent {
                kind,
                column,
                row,
                modifiers: KeyModifiers::NONE,
            })
        }
        72..=77 => {
            let (w, h) = match s[3] % 3 {
                0 => (s[1] % 301, s[2] % 101),
                1 => (s[1] % 90, s[2] % 30),
                _ => (
                    [80, 40, 39, 20, 120][pick(s[1], 5)],
                    [24, 12, 8, 7, 40][pick(s[2], 5)],
                ),
            };
            Event::Resize(w as u16, h as u16)
        }
        78..=81 => {
            let len = s[1] % 24;
            let mut seed = s[2];
            let text = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    CHARS[pick(seed >> 8, CHARS.len())]
                })
                .collect();
            Event::Paste(text)
        }
        82..=85 => {
            let (code, modifiers) = BINDINGS[pick(s[1], BINDINGS.len())];
            let mut k = KeyEvent::new(code, modifiers);
            k.kind = if s[2].is_multiple_of(2) {
                KeyEventKind::Release
            } else {
                KeyEventKind::Repeat
            };
            match s[3] % 4 {
                0 => Event::FocusGained,
                1 => Event::FocusLost,
                _ => Event::Key(k),
            }
        }
        _ => {
            // Up to 200 s: past the idle reset now and then.
            let ms = if s[2].is_multiple_of(8) {
                u64::from(s[1] % 200_000)
            } else {
                u64::from(s[1] % 3_000)
            };
            return Input::Wait(Duration::from_millis(ms));
        }
    };
    Input::Event(event)
}

fn input() -> impl Strategy<Value = Input> {
    any::<[u32; 4]>().prop_map(decode)
}

/// How the app is started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    Kiosk,
    ScreenReader,
    KioskScreenReader,
}

fn config(mode: Mode, variant: u32) -> Config {
    let kiosk = matches!(mode, Mode::Kiosk | Mode::KioskScreenReader);
    Config {
        kiosk,
        screen_reader: matches!(mode, Mode::ScreenReader | Mode::KioskScreenReader),
        colour: variant.is_multiple_of(2),
        mouse: true,
        lang: if (variant / 2).is_multiple_of(2) {
            Lang::Sv
        } else {
            Lang::En
        },
        glyphs: [Glyphs::Unicode, Glyphs::Console, Glyphs::Ascii][(variant / 4 % 3) as usize],
        idle_reset: (kiosk || (variant / 12).is_multiple_of(2)).then(|| Duration::from_secs(120)),
        carousel: kiosk.then(|| Duration::from_secs(5)),
        start: (variant / 24 % 12) as usize,
    }
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![
        Just(Mode::Normal),
        Just(Mode::Kiosk),
        Just(Mode::ScreenReader),
        Just(Mode::KioskScreenReader),
    ]
}

// ---------------------------------------------------------------------------------------------
// Driving the app
// ---------------------------------------------------------------------------------------------

/// The app, the terminal it draws into, and the clock.
struct Rig {
    app: App,
    terminal: Terminal<TestBackend>,
    now: Instant,
    /// Screens drawn, for the soak test's report.
    draws: u64,
    /// The app asked to end the session.
    quit: bool,
}

impl Rig {
    fn new(config: Config, width: u16, height: u16) -> Rig {
        let now = Instant::now();
        let mut app = App::new(Outline::bundled(), config, now);
        app.update(Action::Resize { width, height }, now);
        let terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let mut rig = Rig {
            app,
            terminal,
            now,
            draws: 0,
            quit: false,
        };
        rig.draw();
        rig
    }

    /// Draws the app as the run loop does, the backend resized with the window.
    fn draw(&mut self) {
        let (w, h) = (self.app.width, self.app.height);
        let size = self.terminal.backend().buffer().area;
        if (size.width, size.height) != (w, h) {
            self.terminal.backend_mut().resize(w, h);
        }
        let app = &self.app;
        self.terminal
            .draw(|f| {
                f.render_widget(app, f.area());
                if let Some(c) = ui::cursor(app).filter(|c| c.visible) {
                    f.set_cursor_position(c.position);
                }
            })
            .unwrap();
        self.draws += 1;
    }

    /// Applies one input as the run loop would: map, then update; true when the app asks for
    /// a redraw.
    fn apply(&mut self, input: &Input) -> bool {
        let action = match input {
            Input::Event(event) => keymap::map(event, Context::of(&self.app, None)),
            Input::Wait(d) => {
                self.now += *d;
                self.app
                    .deadline()
                    .is_some_and(|t| t <= self.now)
                    .then_some(Action::Tick)
            }
        };
        let Some(action) = action else { return false };
        let update = self.app.update(action, self.now);
        self.quit |= update.effect == Some(Effect::Quit);
        update.redraw
    }
}

/// The model's invariants, and that a kiosk never asked to quit; `Err` names the one broken.
fn check_session(app: &App, quit: bool) -> Result<(), String> {
    if app.config.kiosk && quit {
        return Err("kiosk mode quit".into());
    }
    check(app)
}

/// The model's invariants; `Err` names the one broken.
fn check(app: &App) -> Result<(), String> {
    let rows = app.rows();
    if !rows.contains(&app.selected) {
        return Err(format!(
            "selected {} is not among the rows {rows:?}",
            app.selected
        ));
    }
    let max = app.max_detail_scroll();
    if app.detail_scroll > max {
        return Err(format!("detail_scroll {} > max {max}", app.detail_scroll));
    }
    if app.tree_offset >= rows.len() {
        return Err(format!(
            "tree_offset {} with {} rows",
            app.tree_offset,
            rows.len()
        ));
    }
    let areas = app.areas();
    let tree_shown = !areas.too_small && app.panes() != Panes::DetailOnly;
    let height = usize::from(areas.tree_inner.height);
    if tree_shown && height > 0 {
        let at = rows.iter().position(|&n| n == app.selected).unwrap();
        if at < app.tree_offset || at >= app.tree_offset + height {
            return Err(format!(
                "selected row {at} is off screen (offset {}, height {height})",
                app.tree_offset
            ));
        }
    }
    if app.config.screen_reader && app.panes() == Panes::Both {
        return Err("screen-reader mode shows both panes".into());
    }
    match ui::cursor(app) {
        None if !app.areas().too_small => {
            return Err("no cursor on the focused item".into());
        }
        Some(c) => {
            // Shown where sighted users want it: in screen-reader mode, and in the search line.
            let areas = app.areas();
            let shown =
                !areas.too_small && (app.config.screen_reader || (app.search.editing && !app.help));
            if c.visible != shown {
                return Err(format!("cursor shown: {}", c.visible));
            }
        }
        _ => {}
    }
    if let Some(p) = ui::cursor(app).map(|c| c.position)
        && (p.x >= app.width || p.y >= app.height)
    {
        return Err(format!("cursor {p:?} outside {}x{}", app.width, app.height));
    }
    Ok(())
}

fn run(mode: Mode, variant: u32, size: (u16, u16), inputs: &[Input]) -> Result<(), TestCaseError> {
    let mut rig = Rig::new(config(mode, variant), size.0, size.1);
    check(&rig.app).map_err(|e| TestCaseError::fail(format!("at start: {e}")))?;
    for (i, input) in inputs.iter().enumerate() {
        // Every step is drawn, whether or not update asked for it: a stale screen must not
        // be the only thing that keeps a bad state from panicking.
        rig.apply(input);
        rig.draw();
        check_session(&rig.app, rig.quit)
            .map_err(|e| TestCaseError::fail(format!("after input {i} ({input:?}): {e}")))?;
        if rig.quit {
            break;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(proptest_config(256))]

    #[test]
    fn random_input_keeps_the_model_consistent(
        mode in mode(),
        variant in 0u32..288,
        size in (0u16..=300, 0u16..=100),
        inputs in prop::collection::vec(input(), 0..200),
    ) {
        run(mode, variant, size, &inputs)?;
    }

    #[test]
    fn random_input_at_common_sizes(
        mode in mode(),
        variant in 0u32..288,
        size in prop::sample::select(vec![(80u16, 24u16), (40, 12), (40, 8), (120, 40), (79, 24)]),
        inputs in prop::collection::vec(input(), 0..200),
    ) {
        run(mode, variant, size, &inputs)?;
    }
}

#[test]
fn the_invariant_check_finds_broken_states() {
    let good = Rig::new(config(Mode::Normal, 0), 80, 24).app;
    assert_eq!(check(&good), Ok(()));
    let mut hidden = good.clone();
    hidden.expanded[1] = false;
    hidden.selected = 2;
    assert!(check(&hidden).unwrap_err().contains("not among the rows"));
    let mut scrolled = good.clone();
    scrolled.detail_scroll = 1000;
    assert!(check(&scrolled).unwrap_err().contains("detail_scroll"));
    let mut offset = good.clone();
    offset.tree_offset = 10;
    assert!(check(&offset).unwrap_err().contains("tree_offset"));
    let mut small = Rig::new(config(Mode::Normal, 0), 80, 8).app;
    small.selected = 9;
    assert!(check(&small).unwrap_err().contains("off screen"));
    let kiosk = Rig::new(config(Mode::Kiosk, 0), 80, 24).app;
    assert!(check_session(&kiosk, true).unwrap_err().contains("kiosk"));
}

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------

/// Lower case, accents dropped: written here, apart from `search.rs`, for the characters the
/// generated queries and the document use.
fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
            'ö' | 'ó' | 'ô' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            c => c,
        })
        .collect()
}

/// A node's searchable text: its title and its own text, each block on its own line. A
/// perspective's list of its goals is not its own text: the goals match by themselves.
fn node_text(outline: &Outline, node: usize) -> String {
    let n = &outline.nodes[node];
    let mut text = n.title.clone();
    for block in &n.blocks {
        let own = match block {
            Block::Paragraph(t) | Block::Heading(t) | Block::Line(t) => t,
            Block::Item(_) => continue,
        };
        text.push('\n');
        text.push_str(own);
    }
    text
}

/// The nodes whose text has every word of `query`, in document order.
fn expected_matches(outline: &Outline, query: &str) -> Vec<usize> {
    let words: Vec<String> = query.split_whitespace().map(fold).collect();
    if words.is_empty() {
        return Vec::new();
    }
    (0..outline.nodes.len())
        .filter(|&node| {
            let text = fold(&node_text(outline, node));
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .collect()
}

/// The matching nodes and their ancestors, in document order.
fn expected_rows(outline: &Outline, query: &str) -> Vec<usize> {
    let mut shown = vec![false; outline.nodes.len()];
    for node in expected_matches(outline, query) {
        let mut at = Some(node);
        while let Some(n) = at {
            shown[n] = true;
            at = outline.nodes[n].parent;
        }
    }
    (0..shown.len()).filter(|&n| shown[n]).collect()
}

/// Every word of the document, as written.
fn document_words() -> Vec<String> {
    let outline = Outline::bundled();
    let mut words: Vec<String> = (0..outline.nodes.len())
        .flat_map(|n| {
            node_text(&outline, n)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    words.sort();
    words.dedup();
    words
}

/// One word of a query: a document word or a piece of one, accents kept or dropped, letters in
/// random case; or junk.
fn query_word(words: Vec<String>) -> impl Strategy<Value = String> {
    let from_document = (
        prop::sample::select(words),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        any::<bool>(),
        prop::collection::vec(any::<bool>(), 30),
    )
        .prop_map(|(word, a, b, strip, case)| {
            let chars: Vec<char> = word.chars().collect();
            let (i, j) = (a.index(chars.len()), b.index(chars.len() + 1));
            let (from, to) = if i < j { (i, j) } else { (0, chars.len()) };
            chars[from..to]
                .iter()
                .zip(case.iter().cycle())
                .map(|(&c, &upper)| {
                    let c = if strip {
                        fold(&c.to_string()).chars().next().unwrap_or(c)
                    } else {
                        c
                    };
                    if upper {
                        c.to_uppercase().next().unwrap_or(c)
                    } else {
                        c
                    }
                })
                .collect::<String>()
        });
    let junk = "[a-zåäöéA-ZÅÄÖ0-9.,;:!?()-]{1,6}";
    prop_oneof![4 => from_document, 1 => junk]
}

fn query() -> impl Strategy<Value = String> {
    prop::collection::vec(query_word(document_words()), 1..4).prop_map(|w| w.join(" "))
}

/// Navigation before a search, so it starts from varied trees and selections.
fn navigation() -> impl Strategy<Value = Vec<Action>> {
    let step = prop_oneof![
        Just(Action::Up),
        Just(Action::Down),
        Just(Action::Left),
        Just(Action::Right),
        Just(Action::Read),
        Just(Action::Last),
        Just(Action::FocusNext),
        Just(Action::Back),
        (0usize..8).prop_map(Action::Jump),
    ];
    prop::collection::vec(step, 0..20)
}

/// Checks the filter after the query so far; `before` is the tree from before the search.
fn check_filter(
    app: &App,
    before: &(Vec<bool>, usize),
    rows_before: &[usize],
) -> Result<(), TestCaseError> {
    let query = &app.search.query;
    let expected = expected_rows(&app.outline, query);
    let rows = app.rows();
    if expected.is_empty() {
        // Nothing matches: the whole tree as it was, the selection where it was.
        prop_assert_eq!(&rows, rows_before, "no match for {:?}", query);
        prop_assert_eq!(app.selected, before.1);
    } else {
        prop_assert_eq!(&rows, &expected, "rows for {:?}", query);
        // The first match in document order is selected.
        let matches = expected_matches(&app.outline, query);
        prop_assert_eq!(app.selected, matches[0], "selection for {:?}", query);
    }
    Ok(())
}

proptest! {
    #![proptest_config(proptest_config(256))]

    #[test]
    fn search_filters_to_matches_and_their_ancestors_and_esc_restores(
        mode in mode(),
        prior in navigation(),
        query in query(),
        backspaces in 0usize..8,
        paste in any::<bool>(),
        size in prop::sample::select(vec![(80u16, 24u16), (40, 12), (40, 8), (200, 60)]),
    ) {
        let now = Instant::now();
        let mut app = App::new(Outline::bundled(), config(mode, 0), now);
        app.update(Action::Resize { width: size.0, height: size.1 }, now);
        for a in prior {
            if a == Action::Back && app.focus == Focus::Tree {
                // That would quit.
                continue;
            }
            prop_assert_eq!(app.update(a, now).effect, None);
        }
        let before = (app.expanded.clone(), app.selected);
        let rows_before = app.rows();
        app.update(Action::SearchOpen, now);
        if paste {
            app.update(Action::SearchInput(query.clone()), now);
            check_filter(&app, &before, &rows_before)?;
        } else {
            for c in query.chars() {
                app.update(Action::SearchInput(c.to_string()), now);
                check_filter(&app, &before, &rows_before)?;
            }
        }
        prop_assert_eq!(&app.search.query, &query);
        for _ in 0..backspaces {
            app.update(Action::SearchBackspace, now);
            check_filter(&app, &before, &rows_before)?;
        }
        // Esc while typing: the tree and the selection exactly as before.
        let mut escaped = app.clone();
        escaped.update(Action::Back, now);
        prop_assert!(!escaped.search.active());
        prop_assert_eq!(&escaped.expanded, &before.0);
        prop_assert_eq!(escaped.selected, before.1);
        prop_assert_eq!(escaped.rows(), rows_before.clone());
        // Enter keeps the matches; Esc then shows the whole tree, keeping the chosen match.
        let matched = !app.search.matches.is_empty();
        app.update(Action::SearchDone, now);
        if matched {
            let chosen = app.selected;
            app.update(Action::Back, now);
            prop_assert!(!app.search.active());
            prop_assert_eq!(app.selected, chosen);
            prop_assert!(app.rows().contains(&chosen));
        } else {
            prop_assert!(!app.search.active());
            prop_assert_eq!(&app.expanded, &before.0);
            prop_assert_eq!(app.selected, before.1);
        }
        prop_assert!(app.focus == Focus::Tree || app.config.screen_reader);
    }
}

#[test]
fn the_independent_matcher_agrees_on_known_queries() {
    let outline = Outline::bundled();
    let ids = |rows: Vec<usize>| -> Vec<String> {
        rows.into_iter()
            .map(|n| outline.nodes[n].id.clone())
            .collect()
    };
    assert_eq!(
        ids(expected_rows(&outline, "GIFTUTSLAPP")),
        ["vision", "hallbarhet", "ekokommun-i-framkant"]
    );
    assert_eq!(
        ids(expected_rows(&outline, "mälardalen hög")),
        ["vision", "utveckling", "hog-sysselsattning"]
    );
    // A perspective does not match by the titles of its goals.
    assert_eq!(
        ids(expected_matches(&outline, "eko")),
        ["ekokommun-i-framkant", "bra-ekonomi"]
    );
    assert!(expected_rows(&outline, "xyzzy").is_empty());
    assert!(expected_rows(&outline, "  ").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Soak
// ---------------------------------------------------------------------------------------------

/// Resident memory in bytes, from /proc/self/statm, after the allocator has given back what it
/// keeps only for reuse: what stays is what the program holds.
fn rss() -> u64 {
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only returns free memory to the system.
    unsafe {
        libc::malloc_trim(0);
    }
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    pages * page as u64
}

/// A small, fixed-seed generator: the soak run is the same every time.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 32) as u32
    }
}

#[test]
#[ignore = "a million events: run with --release -- --ignored soak"]
fn soak_a_million_events_in_constant_memory() {
    const EVENTS: u64 = 1_000_000;
    const WARM_UP: u64 = 20_000;
    /// One long session per mode.
    const SESSION: u64 = EVENTS / 4;
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let modes = [
        Mode::Normal,
        Mode::Kiosk,
        Mode::ScreenReader,
        Mode::KioskScreenReader,
    ];
    // Windows up to 120x40 here. A screen buffer keeps its capacity when the window shrinks,
    // so each session is drawn at the largest size first: what the buffers hold is then the
    // same all along, and any growth left is the app's.
    const MAX: (u16, u16) = (120, 40);
    let new_rig = |n: u64| {
        let mut rig = Rig::new(config(modes[(n % 4) as usize], n as u32 % 288), 80, 24);
        for size in [MAX, (80, 24)] {
            rig.apply(&Input::Event(Event::Resize(size.0, size.1)));
            rig.draw();
        }
        rig
    };
    // Measured at 80x24, so the window size of the moment does not count.
    let measure = |rig: &mut Rig| {
        rig.apply(&Input::Event(Event::Resize(80, 24)));
        rig.draw();
        rss()
    };
    let mut sessions = 0u64;
    let mut rig = new_rig(sessions);
    let mut draws = 0u64;
    let mut quits = 0u64;
    let mut samples: Vec<(u64, u64)> = Vec::new();
    let started = Instant::now();
    for i in 0..WARM_UP + EVENTS {
        if i == WARM_UP {
            samples.push((0, measure(&mut rig)));
        }
        let mut s = [rng.next(), rng.next(), rng.next(), rng.next()];
        // Resizes now and then only: mostly 80x24, as a long session would be.
        if (72..=77).contains(&(s[0] % 100)) && !s[3].is_multiple_of(16) {
            s[0] = 0;
        }
        let input = match decode(s) {
            Input::Event(Event::Resize(w, h)) => {
                Input::Event(Event::Resize(w % (MAX.0 + 1), h % (MAX.1 + 1)))
            }
            input => input,
        };
        rig.apply(&input);
        rig.draw();
        if let Err(e) = check(&rig.app) {
            panic!("after event {i} ({input:?}): {e}");
        }
        if i % 997 == 0 {
            // Back to 80x24 so most drawing happens at the common size.
            rig.apply(&Input::Event(Event::Resize(80, 24)));
            rig.draw();
        }
        if rig.quit {
            // Keep going in the same session, so whatever it holds keeps growing if it grows.
            quits += 1;
            rig.quit = false;
        }
        let done = (i + 1).saturating_sub(WARM_UP);
        if i >= WARM_UP && done % 50_000 == 0 {
            // Each session is measured up to its last event, before it is dropped.
            samples.push((done, measure(&mut rig)));
        }
        if i >= WARM_UP && done % SESSION == 0 && done < EVENTS {
            draws += rig.draws;
            sessions += 1;
            rig = new_rig(sessions);
        }
    }
    draws += rig.draws;
    let (_, before) = samples[0];
    let (_, after) = *samples.last().unwrap();
    let growth = after.saturating_sub(before);
    let series: Vec<String> = samples
        .iter()
        .map(|(n, r)| format!("{}k:{}", n / 1000, r / 1024))
        .collect();
    println!(
        "soak: {EVENTS} events after {WARM_UP} to warm up, {draws} draws, {} sessions ({quits} \
         quits ignored), {:.1} s; RSS before {} KiB, after {} KiB, growth {} KiB; \
         KiB by events: {}",
        sessions + 1,
        started.elapsed().as_secs_f64(),
        before / 1024,
        after / 1024,
        growth / 1024,
        series.join(" ")
    );
    assert!(
        growth < 1024 * 1024,
        "RSS grew by {growth} bytes over {EVENTS} events"
    );
}
