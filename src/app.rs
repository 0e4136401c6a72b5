//! The model: one `App`, the `Action`s that change it, and `update`. Pure: no terminal here, and
//! the clock is passed in, so every behaviour can be tested by a sequence of actions.

use std::time::{Duration, Instant};

use ratatui::layout::Rect;

use crate::content::{Block, Kind, Outline};
use crate::help::{self, HelpLine};
use crate::i18n::{Lang, Strings};
use crate::layout::{self, Areas, Panes};
use crate::search::Index;
use crate::theme::{Glyphs, Symbols, Theme};

mod detail;
mod navigate;
mod query;

pub use detail::{DetailRow, DetailText, Window};

/// What a user can ask for, whatever key or click it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    /// Go to the parent row.
    Left,
    /// Unfold a folded row, or go to its first child.
    Right,
    /// Enter or Space: read the selected row's text.
    Read,
    First,
    Last,
    PageUp,
    PageDown,
    FocusNext,
    FocusPrev,
    /// Open or close the help.
    Help,
    /// Esc: close what is open (the help, the search, the text); never quits.
    Back,
    Quit,
    SearchOpen,
    SearchInput(String),
    SearchBackspace,
    SearchDone,
    NextMatch,
    PrevMatch,
    /// 0 is the vision, N the Nth goal.
    Jump(usize),
    Click {
        column: u16,
        row: u16,
    },
    WheelUp {
        column: u16,
        row: u16,
    },
    WheelDown {
        column: u16,
        row: u16,
    },
    Resize {
        width: u16,
        height: u16,
    },
    ToggleColour,
    Copy,
    /// The next interface language: Swedish, Finnish, English, Swedish.
    NextLang,
    /// Input that asks for nothing but still counts as someone being there.
    Touch,
    /// A deadline fell due (idle reset, carousel step).
    Tick,
}

impl Action {
    /// True for actions that come from a person (they restart the idle clock).
    fn is_input(&self) -> bool {
        !matches!(self, Action::Tick)
    }
}

/// What one `update` did: whether the screen changed, and what the shell around the model
/// must do about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    pub redraw: bool,
    pub effect: Option<Effect>,
}

impl Update {
    fn redraw() -> Update {
        Update {
            redraw: true,
            effect: None,
        }
    }
}

/// What the model asks of the world outside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// End the session (q outside the help, Ctrl-C; in kiosk mode only the admin exit key).
    Quit,
    /// Put this text on the user's clipboard.
    Copy(String),
}

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    /// The carousel shows the next node.
    CarouselStep,
    /// Nobody has touched anything for the idle time: back to the start screen.
    IdleReset,
}

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Tree,
    Detail,
}

/// How the app was started: fixed for its lifetime.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub kiosk: bool,
    pub lang: Lang,
    pub glyphs: Glyphs,
    pub colour: bool,
    pub screen_reader: bool,
    pub mouse: bool,
    /// Go back to the start screen after this long without input.
    pub idle_reset: Option<Duration>,
    /// After an idle reset, step through the nodes this often.
    pub carousel: Option<Duration>,
    /// The node selected at start (`--goal`).
    pub start: usize,
}

/// The search: the query being typed or applied, and what it matched.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// The search line is open for typing.
    pub editing: bool,
    pub query: String,
    /// Folded words of the query.
    pub words: Vec<String>,
    /// Matching nodes, in document order. Empty when nothing matches.
    pub matches: Vec<usize>,
    /// The tree and selection from before the search, for Esc.
    saved: Option<(Vec<bool>, usize)>,
}

impl Search {
    /// True while a query filters the tree (being typed, or applied with Enter).
    pub fn filtering(&self) -> bool {
        !self.matches.is_empty()
    }

    /// True while the search line is open or its matches are kept.
    pub fn active(&self) -> bool {
        self.editing || self.saved.is_some()
    }

    /// The words to highlight: single letters filter the tree but are not marked, since a mark
    /// on every "e" helps nobody and costs a style change per letter on a slow link.
    pub fn highlighted(&self) -> Vec<String> {
        self.words
            .iter()
            .filter(|w| w.chars().count() >= 2)
            .cloned()
            .collect()
    }
}

/// One logical line of the detail pane, before wrapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailLine {
    pub kind: LineKind,
    pub text: String,
}

/// What a detail line is, which decides its style and whether it is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Breadcrumb,
    Title,
    Blank,
    Paragraph,
    Heading,
    Item,
    Line,
}

/// The whole state of the interface.
#[derive(Debug, Clone)]
pub struct App {
    /// The document as loaded, with its translations.
    document: Outline,
    /// The document as shown: in the interface language when it is translated into it, else
    /// in Swedish (and the detail pane says so).
    pub outline: Outline,
    /// Folded on the first search, not at start: most visits never search, and the first
    /// frame is sooner without it.
    index: std::sync::OnceLock<Index>,
    pub config: Config,
    pub colour: bool,
    /// The interface language now: the configured one until the language key changes it,
    /// and again after an idle reset.
    pub lang: Lang,
    pub expanded: Vec<bool>,
    pub selected: usize,
    pub focus: Focus,
    pub help: bool,
    /// First help line shown.
    pub help_scroll: usize,
    pub search: Search,
    /// First tree row shown.
    pub tree_offset: usize,
    /// First detail line shown.
    pub detail_scroll: usize,
    pub width: u16,
    pub height: u16,
    /// A short message for the hint bar ("Skickat till terminalen"), until the next action.
    pub status: Option<&'static str>,
    /// What the last action asks of the world outside the model, until `update` hands it on.
    effect: Option<Effect>,
    /// When the last input came, for the idle reset.
    last_input: Instant,
    /// Something changed since the start screen, so an idle reset is due.
    dirty: bool,
    /// The carousel's next step, while it runs.
    carousel_due: Option<Instant>,
}

impl App {
    /// The start screen for `outline`, at `now`.
    pub fn new(outline: Outline, config: Config, now: Instant) -> App {
        let index = std::sync::OnceLock::new();
        let n = outline.nodes.len();
        let colour = config.colour;
        let lang = config.lang;
        let mut app = App {
            index,
            colour,
            lang,
            expanded: vec![true; n],
            selected: 0,
            focus: Focus::Tree,
            help: false,
            help_scroll: 0,
            search: Search::default(),
            tree_offset: 0,
            detail_scroll: 0,
            width: 80,
            height: 24,
            status: None,
            effect: None,
            last_input: now,
            dirty: false,
            carousel_due: None,
            outline: shown(&outline, lang),
            document: outline,
            config,
        };
        app.selected = app.config.start.min(n.saturating_sub(1));
        // A kiosk with a carousel begins it after the idle time from launch too, as if
        // someone had just left: a kiosk that has just booted does not sit still for ever.
        let attract = app.config.kiosk && app.config.carousel.is_some();
        app.dirty = app.selected != 0 || attract;
        app
    }

    /// Speaks `lang` from now on, and shows the document's translation into it if it has one.
    /// The tree keeps its shape: a translation has the same nodes in the same order.
    pub(crate) fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
        if self.outline.lang != self.document.in_lang(lang).lang {
            self.outline = shown(&self.document, lang);
            self.index = std::sync::OnceLock::new();
            if !self.search.words.is_empty() {
                let outline = &self.outline;
                let index = self.index.get_or_init(|| Index::new(outline));
                self.search.matches = index.matching(&self.search.words);
            }
        }
    }

    /// True when the document is shown in Swedish to someone who chose another language:
    /// it has no translation into theirs.
    pub fn untranslated(&self) -> bool {
        self.outline.lang != self.lang
    }

    /// The interface strings.
    pub fn strings(&self) -> &'static Strings {
        self.lang.strings()
    }

    /// The symbol set.
    pub fn symbols(&self) -> &'static Symbols {
        self.config.glyphs.symbols()
    }

    /// The styles, as colour is now.
    pub fn theme(&self) -> Theme {
        Theme {
            colour: self.colour,
        }
    }

    /// True while the carousel steps through the nodes.
    pub fn carousel_running(&self) -> bool {
        self.carousel_due.is_some()
    }

    /// The next moment something happens without input, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.due().map(|(at, _)| at)
    }

    /// What happens next without input, and when: the one place both `deadline` (for the
    /// shells' clocks) and `tick` (which acts on it) read.
    fn due(&self) -> Option<(Instant, Due)> {
        let reset = self
            .config
            .idle_reset
            .filter(|_| self.dirty)
            .map(|d| (self.last_input + d, Due::IdleReset));
        let step = self.carousel_due.map(|at| (at, Due::CarouselStep));
        [step, reset]
            .into_iter()
            .flatten()
            .min_by_key(|&(at, _)| at)
    }

    /// Which panes are shown.
    pub fn panes(&self) -> Panes {
        match (self.config.screen_reader, self.focus) {
            (false, Focus::Tree) => Panes::Both,
            (false, Focus::Detail) => Panes::BothReading,
            (true, Focus::Tree) => Panes::TreeOnly,
            (true, Focus::Detail) => Panes::DetailOnly,
        }
    }

    /// The layout at the current size.
    pub fn areas(&self) -> Areas {
        Areas::new(self.width, self.height, self.panes(), self.rows().len())
    }

    /// The nodes shown in the tree, top to bottom.
    pub fn rows(&self) -> Vec<usize> {
        let filter = self.search.filtering().then(|| self.shown_by_filter());
        let mut rows = Vec::with_capacity(self.outline.nodes.len());
        self.push_rows(0, filter.as_deref(), &mut rows);
        rows
    }

    fn push_rows(&self, node: usize, filter: Option<&[bool]>, rows: &mut Vec<usize>) {
        if filter.is_some_and(|f| !f[node]) {
            return;
        }
        rows.push(node);
        if self.expanded[node] {
            for &child in &self.outline.nodes[node].children {
                self.push_rows(child, filter, rows);
            }
        }
    }

    /// Per node: whether the filter shows it (it matches, or a descendant does).
    fn shown_by_filter(&self) -> Vec<bool> {
        let mut shown = vec![false; self.outline.nodes.len()];
        for &m in &self.search.matches {
            for n in self.outline.path(m) {
                shown[n] = true;
            }
        }
        shown
    }

    /// True when `node` matches the current search.
    pub fn is_match(&self, node: usize) -> bool {
        self.search.matches.binary_search(&node).is_ok()
    }

    /// The detail of the selected node, line by line, before wrapping.
    pub fn detail_lines(&self) -> Vec<DetailLine> {
        let node = &self.outline.nodes[self.selected];
        let sep = self.symbols().breadcrumb;
        let crumbs: Vec<&str> = self
            .outline
            .path(self.selected)
            .into_iter()
            .map(|i| self.outline.nodes[i].title.as_str())
            .collect();
        let line = |kind, text: &str| DetailLine {
            kind,
            text: text.to_string(),
        };
        let mut lines = Vec::with_capacity(node.blocks.len() * 2 + 2);
        if crumbs.len() > 1 {
            lines.push(line(LineKind::Breadcrumb, &crumbs.join(sep)));
        }
        lines.push(line(LineKind::Title, &node.title));
        let mut previous: Option<&Block> = None;
        for block in &node.blocks {
            let tight = matches!(
                (previous, block),
                (Some(Block::Line(_) | Block::Heading(_)), Block::Line(_))
                    | (Some(Block::Item(_)), Block::Item(_))
            );
            if !tight {
                lines.push(line(LineKind::Blank, ""));
            }
            let (kind, text) = match block {
                Block::Paragraph(t) => (LineKind::Paragraph, t.clone()),
                Block::Heading(t) => (LineKind::Heading, t.clone()),
                Block::Item(t) => (LineKind::Item, format!("{}{t}", self.symbols().bullet)),
                Block::Line(t) => (LineKind::Line, t.clone()),
            };
            lines.push(DetailLine { kind, text });
            previous = Some(block);
        }
        lines
    }

    /// The text `y` copies: breadcrumb, title and text.
    pub fn copy_text(&self) -> String {
        let mut out = String::new();
        for line in self.detail_lines() {
            out.push_str(&line.text);
            out.push('\n');
        }
        out
    }

    /// Applies one action at `now`; says whether the screen must be redrawn and what, if
    /// anything, the world outside the model must do.
    pub fn update(&mut self, action: Action, now: Instant) -> Update {
        let input = action.is_input();
        if input {
            self.last_input = now;
            let touch = !matches!(action, Action::Resize { .. });
            if touch && self.carousel_due.take().is_some() {
                // The first touch only stops the carousel.
                return Update::redraw();
            }
        }
        let had_status = self.status.take().is_some();
        let changed = self.apply(action, now);
        if changed && input {
            self.dirty = true;
        }
        self.keep_in_view();
        Update {
            redraw: changed || had_status,
            effect: self.effect.take(),
        }
    }

    fn apply(&mut self, action: Action, now: Instant) -> bool {
        if self.areas().too_small {
            // Only the message is shown: keys wait until the window is large enough.
            return match action {
                Action::Resize { width, height } => self.resize(width, height),
                Action::Tick => self.tick(now),
                Action::Quit => self.set_quit(),
                _ => false,
            };
        }
        if self.help {
            return match action {
                Action::Help | Action::Back | Action::Quit | Action::Click { .. } => {
                    self.help = false;
                    self.help_scroll = 0;
                    true
                }
                Action::Up | Action::WheelUp { .. } => self.scroll_help(-1),
                Action::Down | Action::WheelDown { .. } => self.scroll_help(1),
                Action::PageUp => self.scroll_help(
                    -(layout::help_visible(self.screen(), self.config.screen_reader) as isize),
                ),
                Action::PageDown => self
                    .scroll_help(
                        layout::help_visible(self.screen(), self.config.screen_reader) as isize,
                    ),
                Action::First => self.scroll_help(isize::MIN),
                Action::Last => self.scroll_help(isize::MAX),
                Action::Resize { width, height } => self.resize(width, height),
                Action::Tick => self.tick(now),
                Action::ToggleColour => self.toggle_colour(),
                Action::NextLang => self.next_lang(),
                _ => false,
            };
        }
        if self.search.editing {
            match action {
                Action::SearchInput(s) => return self.search_type(&s),
                Action::SearchBackspace => return self.search_backspace(),
                Action::SearchDone => return self.search_done(),
                Action::Back => return self.search_cancel(),
                _ => {}
            }
        }
        match action {
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::Left => self.left(),
            Action::Right => self.right(),
            Action::Read => self.read(),
            Action::First => self.first_or_last(true),
            Action::Last => self.first_or_last(false),
            Action::PageUp => self.page(-1),
            Action::PageDown => self.page(1),
            Action::FocusNext | Action::FocusPrev => self.switch_focus(),
            Action::Help => {
                self.help = true;
                true
            }
            Action::Back => self.back(),
            Action::Quit => self.set_quit(),
            Action::SearchOpen => self.search_open(),
            Action::SearchInput(_) | Action::SearchBackspace | Action::SearchDone => false,
            Action::NextMatch => self.next_match(1),
            Action::PrevMatch => self.next_match(-1),
            Action::Jump(n) => self.jump(n),
            Action::Click { column, row } => self.click(column, row),
            Action::WheelUp { column, row } => self.wheel(column, row, -1),
            Action::WheelDown { column, row } => self.wheel(column, row, 1),
            Action::Resize { width, height } => self.resize(width, height),
            Action::ToggleColour => self.toggle_colour(),
            Action::Copy => self.copy(),
            Action::NextLang => self.next_lang(),
            Action::Touch => false,
            Action::Tick => self.tick(now),
        }
    }

    /// The whole screen.
    pub fn screen(&self) -> Rect {
        Rect::new(0, 0, self.width, self.height)
    }

    /// The help's lines at the current size.
    pub fn help_lines(&self) -> Vec<HelpLine> {
        let width = layout::help_text_width(self.screen(), self.config.screen_reader);
        help::lines(
            self.strings(),
            self.symbols(),
            self.config.kiosk,
            self.outline.goals().count(),
            width,
            self.config.screen_reader,
        )
    }

    /// Where the help goes at the current size.
    pub fn help_box(&self) -> layout::HelpBox {
        layout::help_box(
            self.screen(),
            self.help_lines().len(),
            self.config.screen_reader,
        )
    }

    /// The part of the help in view.
    pub fn help_window(&self) -> Window {
        let total = self.help_lines().len();
        let height = layout::help_visible(self.screen(), self.config.screen_reader);
        Window {
            first: self.help_scroll.min(total.saturating_sub(height)),
            height,
            total,
        }
    }

    /// The furthest the help can scroll.
    pub fn max_help_scroll(&self) -> usize {
        self.help_window().max_first()
    }

    fn scroll_help(&mut self, delta: isize) -> bool {
        let max = self.max_help_scroll();
        scroll(&mut self.help_scroll, delta, max)
    }

    fn set_quit(&mut self) -> bool {
        self.effect = Some(Effect::Quit);
        true
    }

    fn resize(&mut self, width: u16, height: u16) -> bool {
        let changed = (width, height) != (self.width, self.height);
        self.width = width;
        self.height = height;
        self.detail_scroll = self.detail_scroll.min(self.max_detail_scroll());
        changed
    }

    /// Selects `node`, resetting the detail's scroll when it is a different node.
    fn select(&mut self, node: usize) -> bool {
        if node == self.selected {
            return false;
        }
        self.selected = node;
        self.detail_scroll = 0;
        true
    }

    fn tick(&mut self, now: Instant) -> bool {
        let Some((_, due)) = self.due().filter(|&(at, _)| now >= at) else {
            return false;
        };
        match due {
            Due::CarouselStep => {
                let next = (self.selected + 1) % self.outline.nodes.len();
                self.select(next);
                self.carousel_due = self.config.carousel.map(|d| now + d);
            }
            Due::IdleReset => {
                self.reset();
                if self.config.kiosk {
                    self.carousel_due = self.config.carousel.map(|d| now + d);
                }
            }
        }
        true
    }

    /// Back to exactly the start screen.
    fn reset(&mut self) {
        self.help = false;
        self.help_scroll = 0;
        self.search = Search::default();
        self.expanded.iter_mut().for_each(|e| *e = true);
        self.selected = 0;
        self.focus = Focus::Tree;
        self.tree_offset = 0;
        self.detail_scroll = 0;
        self.status = None;
        self.colour = self.config.colour;
        self.set_lang(self.config.lang);
        self.dirty = false;
    }

    /// Scrolls the tree so the selected row is on screen, and keeps offsets in range.
    fn keep_in_view(&mut self) {
        let rows = self.rows();
        if !rows.contains(&self.selected) {
            // The selection's row was hidden (a collapsed ancestor): select the visible ancestor.
            if let Some(&n) = self
                .outline
                .path(self.selected)
                .iter()
                .rev()
                .find(|n| rows.contains(n))
            {
                self.select(n);
            }
        }
        let height = usize::from(self.areas().tree_inner.height).max(1);
        let at = self.row_of_selected(&rows);
        if at < self.tree_offset {
            self.tree_offset = at;
        } else if at >= self.tree_offset + height {
            self.tree_offset = at + 1 - height;
        }
        self.tree_offset = self.tree_offset.min(rows.len().saturating_sub(height));
        self.detail_scroll = self.detail_scroll.min(self.max_detail_scroll());
        if self.help {
            self.help_scroll = self.help_scroll.min(self.max_help_scroll());
        }
    }

    /// A goal's number, the digit that jumps to it (1–9); `None` for other nodes and later goals.
    pub fn goal_number(&self, node: usize) -> Option<usize> {
        self.outline
            .goals()
            .position(|g| g == node)
            .map(|i| i + 1)
            .filter(|&n| n <= 9)
    }

    /// The kind of the selected node.
    pub fn selected_kind(&self) -> Kind {
        self.outline.nodes[self.selected].kind
    }
}

/// Moves a scroll offset by `delta`, kept within `0..=max`; true when it moved.
fn scroll(offset: &mut usize, delta: isize, max: usize) -> bool {
    let to = offset.saturating_add_signed(delta).min(max);
    let moved = to != *offset;
    *offset = to;
    moved
}

#[cfg(test)]
mod tests;

/// The outline to show in `lang`, without the translations it is one of.
fn shown(document: &Outline, lang: Lang) -> Outline {
    let in_lang = document.in_lang(lang);
    Outline {
        organisation: in_lang.organisation.clone(),
        title: in_lang.title.clone(),
        nodes: in_lang.nodes.clone(),
        lang: in_lang.lang,
        translations: Vec::new(),
    }
}
