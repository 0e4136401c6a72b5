//! The model: one `App`, the `Action`s that change it, and `update`. Pure: no terminal here, and
//! the clock is passed in, so every behaviour can be tested by a sequence of actions.

use std::time::{Duration, Instant};

use ratatui::layout::Rect;

use crate::content::{Block, Kind, Outline};
use crate::help::{self, HelpLine};
use crate::i18n::{Lang, Strings};
use crate::layout::{self, Areas, Panes};
use crate::search::{self, Folded, Index};
use crate::text;
use crate::theme::{Glyphs, Symbols, Theme};

/// What a user can ask for, whatever key or click it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    /// Collapse, or go to the parent.
    Left,
    /// Expand, or go to the first child.
    Right,
    /// Enter or Space: toggle; on a goal, read its text.
    Toggle,
    First,
    Last,
    PageUp,
    PageDown,
    FocusNext,
    FocusPrev,
    /// Open or close the help.
    Help,
    /// Esc: close what is open, else go back, else quit (never in kiosk mode).
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
    /// End the session (q, Esc at the top, Ctrl-C; in kiosk mode only the admin exit key).
    Quit,
    /// Put this text on the user's clipboard.
    Copy(String),
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
    pub outline: Outline,
    index: Index,
    pub config: Config,
    pub colour: bool,
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
    /// A short message for the hint bar ("Kopierat"), until the next action.
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
        let index = Index::new(&outline);
        let n = outline.nodes.len();
        let colour = config.colour;
        let mut app = App {
            index,
            colour,
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
            outline,
            config,
        };
        app.selected = app.config.start.min(n.saturating_sub(1));
        // A kiosk with a carousel begins it after the idle time from launch too, as if
        // someone had just left: a kiosk that has just booted does not sit still for ever.
        let attract = app.config.kiosk && app.config.carousel.is_some();
        app.dirty = app.selected != 0 || attract;
        app
    }

    /// The interface strings.
    pub fn strings(&self) -> &'static Strings {
        self.config.lang.strings()
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
        let reset = self
            .config
            .idle_reset
            .filter(|_| self.dirty)
            .map(|d| self.last_input + d);
        match (reset, self.carousel_due) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Which panes are shown.
    pub fn panes(&self) -> Panes {
        match (self.config.screen_reader, self.focus) {
            (false, _) => Panes::Both,
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

    /// How many screen lines the detail takes at `width` columns.
    pub fn detail_height(&self, width: u16) -> usize {
        self.detail_lines()
            .iter()
            .map(|l| text::wrap(&l.text, usize::from(width)).len())
            .sum()
    }

    /// The furthest the detail can scroll at the current size.
    pub fn max_detail_scroll(&self) -> usize {
        let inner = self.areas().detail_inner;
        self.detail_height(inner.width)
            .saturating_sub(usize::from(inner.height))
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
        if self.help {
            return match action {
                Action::Help | Action::Back | Action::Click { .. } => {
                    self.help = false;
                    self.help_scroll = 0;
                    true
                }
                Action::Up | Action::WheelUp { .. } => self.scroll_help(-1),
                Action::Down | Action::WheelDown { .. } => self.scroll_help(1),
                Action::PageUp => self.scroll_help(-(help::visible(self.screen()) as isize)),
                Action::PageDown => self.scroll_help(help::visible(self.screen()) as isize),
                Action::First => self.scroll_help(isize::MIN),
                Action::Last => self.scroll_help(isize::MAX),
                Action::Quit => self.set_quit(),
                Action::Resize { width, height } => self.resize(width, height),
                Action::Tick => self.tick(now),
                Action::ToggleColour => self.toggle_colour(),
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
            Action::Toggle => self.toggle(),
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
        let width = help::text_width(self.screen());
        help::lines(self.strings(), self.symbols(), self.config.kiosk, width)
    }

    /// The furthest the help can scroll.
    pub fn max_help_scroll(&self) -> usize {
        self.help_lines()
            .len()
            .saturating_sub(help::visible(self.screen()))
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

    fn row_of_selected(&self, rows: &[usize]) -> usize {
        rows.iter().position(|&n| n == self.selected).unwrap_or(0)
    }

    fn step(&mut self, delta: isize) -> bool {
        if self.focus == Focus::Detail {
            return self.scroll_detail(delta);
        }
        let rows = self.rows();
        let at = self.row_of_selected(&rows);
        let to = at
            .saturating_add_signed(delta)
            .min(rows.len().saturating_sub(1));
        self.select(rows[to])
    }

    fn scroll_detail(&mut self, delta: isize) -> bool {
        let max = self.max_detail_scroll();
        scroll(&mut self.detail_scroll, delta, max)
    }

    fn page(&mut self, direction: isize) -> bool {
        let areas = self.areas();
        if self.focus == Focus::Detail {
            let page = usize::from(areas.detail_inner.height.max(2) - 1);
            return self.scroll_detail(direction * page as isize);
        }
        let page = usize::from(areas.tree_inner.height.max(2) - 1);
        self.step(direction * page as isize)
    }

    fn first_or_last(&mut self, first: bool) -> bool {
        if self.focus == Focus::Detail {
            return self.scroll_detail(if first { isize::MIN } else { isize::MAX });
        }
        let rows = self.rows();
        let node = if first { rows[0] } else { rows[rows.len() - 1] };
        self.select(node)
    }

    fn has_children(&self, node: usize) -> bool {
        !self.outline.nodes[node].children.is_empty()
    }

    fn left(&mut self) -> bool {
        if self.focus == Focus::Detail {
            return false;
        }
        let node = self.selected;
        if self.has_children(node) && self.expanded[node] {
            self.expanded[node] = false;
            return true;
        }
        match self.outline.nodes[node].parent {
            Some(parent) => self.select(parent),
            None => false,
        }
    }

    fn right(&mut self) -> bool {
        if self.focus == Focus::Detail {
            return false;
        }
        let node = self.selected;
        if !self.has_children(node) {
            return false;
        }
        if !self.expanded[node] {
            self.expanded[node] = true;
            return true;
        }
        // The first child the tree shows (a search may hide some).
        let rows = self.rows();
        match rows
            .iter()
            .find(|&&n| self.outline.nodes[n].parent == Some(node))
        {
            Some(&child) => self.select(child),
            None => false,
        }
    }

    fn toggle(&mut self) -> bool {
        if self.focus == Focus::Detail {
            return false;
        }
        let node = self.selected;
        if self.config.screen_reader {
            // One pane at a time: Enter opens the node's text, Esc goes back.
            self.focus = Focus::Detail;
            true
        } else if self.has_children(node) {
            self.expanded[node] = !self.expanded[node];
            true
        } else {
            self.focus = Focus::Detail;
            true
        }
    }

    fn switch_focus(&mut self) -> bool {
        self.focus = match self.focus {
            Focus::Tree => Focus::Detail,
            Focus::Detail => Focus::Tree,
        };
        true
    }

    fn back(&mut self) -> bool {
        if self.search.active() {
            return self.search_clear();
        }
        if self.focus == Focus::Detail {
            self.focus = Focus::Tree;
            return true;
        }
        if self.config.kiosk {
            return false;
        }
        self.set_quit()
    }

    fn search_open(&mut self) -> bool {
        if self.search.saved.is_none() {
            self.search.saved = Some((self.expanded.clone(), self.selected));
        }
        self.search.editing = true;
        self.focus = Focus::Tree;
        true
    }

    fn search_type(&mut self, typed: &str) -> bool {
        let typed: String = typed
            .chars()
            .filter(|c| !c.is_control())
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        if typed.is_empty() || self.search.query.chars().count() >= 200 {
            return false;
        }
        self.search.query.push_str(&typed);
        self.apply_query();
        true
    }

    fn search_backspace(&mut self) -> bool {
        if self.search.query.pop().is_none() {
            return false;
        }
        self.apply_query();
        true
    }

    /// Re-runs the query: filter, expand the path to each match, select the first one.
    fn apply_query(&mut self) {
        self.search.words = search::words(&self.search.query);
        self.search.matches = self.index.matching(&self.search.words);
        let (saved_expanded, saved_selected) = match &self.search.saved {
            Some((e, s)) => (e.clone(), *s),
            None => (self.expanded.clone(), self.selected),
        };
        if self.search.matches.is_empty() {
            // Nothing matches: the whole tree as before, selection where it was.
            self.expanded = saved_expanded;
            self.select(saved_selected);
            return;
        }
        for m in self.search.matches.clone() {
            for n in self.outline.path(m) {
                if n != m {
                    self.expanded[n] = true;
                }
            }
        }
        let first = self.search.matches[0];
        self.select(first);
        self.scroll_to_first_mark();
    }

    /// Scrolls the detail so its first marked word is in view (two lines of context above).
    fn scroll_to_first_mark(&mut self) {
        let words = self.search.highlighted();
        if words.is_empty() {
            return;
        }
        let inner = self.areas().detail_inner;
        let mut row = 0usize;
        for line in self.detail_lines() {
            let marks = Folded::new(&line.text).matches(&words);
            let wrapped = text::wrap(&line.text, usize::from(inner.width));
            if let Some(first) = marks.first() {
                let at = wrapped
                    .iter()
                    .position(|r| r.end > first.start)
                    .unwrap_or(0);
                let target = row + at;
                let height = usize::from(inner.height);
                if target < self.detail_scroll || target >= self.detail_scroll + height {
                    self.detail_scroll = target.saturating_sub(2).min(self.max_detail_scroll());
                }
                return;
            }
            row += wrapped.len();
        }
    }

    fn search_done(&mut self) -> bool {
        self.search.editing = false;
        if self.search.matches.is_empty() {
            return self.search_cancel();
        }
        true
    }

    /// Esc while typing: everything back as before the search.
    fn search_cancel(&mut self) -> bool {
        if let Some((expanded, selected)) = self.search.saved.take() {
            self.expanded = expanded;
            self.select(selected);
        }
        self.search = Search::default();
        true
    }

    /// Esc after Enter: the whole tree again, keeping the match that was chosen.
    fn search_clear(&mut self) -> bool {
        if self.search.editing {
            return self.search_cancel();
        }
        self.search = Search::default();
        self.reveal(self.selected);
        true
    }

    /// Expands every ancestor of `node` so its row is shown.
    fn reveal(&mut self, node: usize) {
        for n in self.outline.path(node) {
            if n != node {
                self.expanded[n] = true;
            }
        }
    }

    fn next_match(&mut self, direction: isize) -> bool {
        let matches = &self.search.matches;
        if matches.is_empty() {
            return false;
        }
        let n = matches.len();
        let next = match matches.iter().position(|&m| m == self.selected) {
            Some(i) => (i as isize + direction).rem_euclid(n as isize) as usize,
            None if direction > 0 => matches.iter().position(|&m| m > self.selected).unwrap_or(0),
            None => matches
                .iter()
                .rposition(|&m| m < self.selected)
                .unwrap_or(n - 1),
        };
        let node = matches[next];
        let changed = self.select(node);
        self.scroll_to_first_mark();
        changed
    }

    fn jump(&mut self, n: usize) -> bool {
        let target = if n == 0 {
            Some(0)
        } else {
            self.outline.goals().nth(n - 1)
        };
        let Some(target) = target else {
            return false;
        };
        if self.search.filtering() && !self.shown_by_filter()[target] {
            self.search = Search::default();
        }
        self.reveal(target);
        let changed = self.select(target);
        let focus_changed = self.focus != Focus::Tree && !self.config.screen_reader;
        if focus_changed {
            self.focus = Focus::Tree;
        }
        changed || focus_changed
    }

    /// The node on tree row `row` of the screen, if any.
    fn node_at(&self, row: u16) -> Option<usize> {
        let inner = self.areas().tree_inner;
        let i = usize::from(row.checked_sub(inner.y)?) + self.tree_offset;
        self.rows().get(i).copied()
    }

    fn click(&mut self, column: u16, row: u16) -> bool {
        let areas = self.areas();
        if areas.too_small {
            return false;
        }
        if layout::contains(areas.tree_inner, column, row) {
            let Some(node) = self.node_at(row) else {
                return false;
            };
            let focus_changed = self.focus != Focus::Tree;
            self.focus = Focus::Tree;
            let depth = self.outline.nodes[node].depth;
            let marker_start = areas.tree_inner.x + 2 + 2 * depth as u16;
            let on_marker = (marker_start..marker_start + 2).contains(&column);
            if (on_marker || node == self.selected) && self.has_children(node) {
                self.select(node);
                self.expanded[node] = !self.expanded[node];
                return true;
            }
            return self.select(node) || focus_changed;
        }
        if layout::contains(areas.detail, column, row) && self.focus != Focus::Detail {
            self.focus = Focus::Detail;
            return true;
        }
        false
    }

    fn wheel(&mut self, column: u16, row: u16, delta: isize) -> bool {
        let areas = self.areas();
        if layout::contains(areas.detail, column, row) {
            return self.scroll_detail(delta * 3);
        }
        if layout::contains(areas.tree, column, row) {
            let rows = self.rows();
            let at = self.row_of_selected(&rows);
            let to = at.saturating_add_signed(delta).min(rows.len() - 1);
            return self.select(rows[to]);
        }
        false
    }

    fn toggle_colour(&mut self) -> bool {
        self.colour = !self.colour;
        self.status = Some(if self.colour {
            self.strings().colour_on
        } else {
            self.strings().colour_off
        });
        true
    }

    fn copy(&mut self) -> bool {
        if self.config.kiosk {
            return false;
        }
        self.effect = Some(Effect::Copy(self.copy_text()));
        self.status = Some(self.strings().copied);
        true
    }

    fn tick(&mut self, now: Instant) -> bool {
        if let Some(due) = self.carousel_due
            && now >= due
        {
            let next = (self.selected + 1) % self.outline.nodes.len();
            self.select(next);
            self.carousel_due = self.config.carousel.map(|d| now + d);
            return true;
        }
        if let Some(idle) = self.config.idle_reset
            && self.dirty
            && now >= self.last_input + idle
        {
            self.reset();
            if self.config.kiosk {
                self.carousel_due = self.config.carousel.map(|d| now + d);
            }
            return true;
        }
        false
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
mod tests {
    use super::*;

    fn app() -> (App, Instant) {
        let now = Instant::now();
        let mut app = App::new(Outline::bundled(), Config::default(), now);
        app.update(
            Action::Resize {
                width: 80,
                height: 24,
            },
            now,
        );
        (app, now)
    }

    /// Applies `actions`; returns the effects they asked for.
    fn run(app: &mut App, now: Instant, actions: &[Action]) -> Vec<Effect> {
        actions
            .iter()
            .filter_map(|a| app.update(a.clone(), now).effect)
            .collect()
    }

    fn click(app: &mut App, now: Instant, column: u16, row: u16) {
        app.update(Action::Click { column, row }, now);
    }

    fn id(app: &App) -> &str {
        &app.outline.nodes[app.selected].id
    }

    #[test]
    fn starts_fully_expanded_on_the_vision() {
        let (app, _) = app();
        assert_eq!(id(&app), "vision");
        assert_eq!(app.rows().len(), 10);
        assert_eq!(app.focus, Focus::Tree);
    }

    #[test]
    fn down_and_up_move_the_selection() {
        let (mut app, now) = app();
        run(&mut app, now, &[Action::Down, Action::Down]);
        assert_eq!(id(&app), "en-kommun-for-alla");
        run(&mut app, now, &[Action::Up]);
        assert_eq!(id(&app), "hallbarhet");
        run(&mut app, now, &[Action::Up, Action::Up]);
        assert_eq!(id(&app), "vision");
    }

    #[test]
    fn left_collapses_then_goes_to_the_parent() {
        let (mut app, now) = app();
        run(&mut app, now, &[Action::Down, Action::Left]);
        assert_eq!(id(&app), "hallbarhet");
        assert!(!app.expanded[1]);
        assert_eq!(app.rows().len(), 8);
        run(&mut app, now, &[Action::Left]);
        assert_eq!(id(&app), "vision");
        run(&mut app, now, &[Action::Right, Action::Right]);
        assert_eq!(id(&app), "hallbarhet");
        run(&mut app, now, &[Action::Right]);
        assert!(app.expanded[1]);
        run(&mut app, now, &[Action::Right]);
        assert_eq!(id(&app), "en-kommun-for-alla");
    }

    #[test]
    fn enter_on_a_goal_focuses_its_text() {
        let (mut app, now) = app();
        run(&mut app, now, &[Action::Last, Action::Toggle]);
        assert_eq!(id(&app), "bra-verksamhet");
        assert_eq!(app.focus, Focus::Detail);
        assert_eq!(run(&mut app, now, &[Action::Back]), vec![]);
        assert_eq!(app.focus, Focus::Tree);
    }

    #[test]
    fn enter_toggles_a_perspective() {
        let (mut app, now) = app();
        run(&mut app, now, &[Action::Down, Action::Toggle]);
        assert!(!app.expanded[1]);
        run(&mut app, now, &[Action::Toggle]);
        assert!(app.expanded[1]);
    }

    #[test]
    fn home_end_and_pages() {
        let (mut app, now) = app();
        run(&mut app, now, &[Action::Last]);
        assert_eq!(id(&app), "bra-verksamhet");
        run(&mut app, now, &[Action::First]);
        assert_eq!(id(&app), "vision");
        run(&mut app, now, &[Action::PageDown]);
        assert_eq!(id(&app), "bra-verksamhet");
        run(&mut app, now, &[Action::PageUp]);
        assert_eq!(id(&app), "vision");
    }

    #[test]
    fn detail_scrolls_within_its_text() {
        let now = Instant::now();
        let mut app = App::new(Outline::bundled(), Config::default(), now);
        run(
            &mut app,
            now,
            &[
                Action::Resize {
                    width: 40,
                    height: 12,
                },
                Action::Jump(3),
                Action::FocusNext,
            ],
        );
        assert_eq!(app.focus, Focus::Detail);
        let max = app.max_detail_scroll();
        assert!(max > 0);
        run(&mut app, now, &[Action::Down]);
        assert_eq!(app.detail_scroll, 1);
        run(&mut app, now, &[Action::Last]);
        assert_eq!(app.detail_scroll, max);
        run(&mut app, now, &[Action::PageDown, Action::Down]);
        assert_eq!(app.detail_scroll, max);
        run(&mut app, now, &[Action::First]);
        assert_eq!(app.detail_scroll, 0);
        // A smaller window shows less, so it may scroll further; a larger one clamps.
        run(
            &mut app,
            now,
            &[
                Action::Last,
                Action::Resize {
                    width: 200,
                    height: 60,
                },
            ],
        );
        assert_eq!(app.detail_scroll, 0);
    }

    #[test]
    fn quit_keys_and_help() {
        let (mut app, now) = app();
        run(&mut app, now, &[Action::Help]);
        assert!(app.help);
        run(&mut app, now, &[Action::Down]);
        assert_eq!(
            id(&app),
            "vision",
            "keys other than close do nothing under help"
        );
        assert_eq!(run(&mut app, now, &[Action::Back]), vec![]);
        assert!(!app.help);
        assert_eq!(run(&mut app, now, &[Action::Back]), vec![Effect::Quit]);
    }

    #[test]
    fn esc_never_quits_in_kiosk_mode() {
        let now = Instant::now();
        let config = Config {
            kiosk: true,
            ..Config::default()
        };
        let mut app = App::new(Outline::bundled(), config, now);
        let effects = run(&mut app, now, &[Action::Back, Action::Back, Action::Copy]);
        assert_eq!(effects, vec![], "no quit and no copy");
    }

    #[test]
    fn search_filters_selects_and_restores() {
        let (mut app, now) = app();
        run(
            &mut app,
            now,
            &[Action::Jump(5), Action::Left, Action::SearchOpen],
        );
        let before = (app.expanded.clone(), app.selected);
        run(&mut app, now, &[Action::SearchInput("giftutslapp".into())]);
        assert_eq!(app.search.matches.len(), 1);
        assert_eq!(id(&app), "ekokommun-i-framkant");
        assert_eq!(
            app.rows()
                .iter()
                .map(|&n| app.outline.nodes[n].id.as_str())
                .collect::<Vec<_>>(),
            ["vision", "hallbarhet", "ekokommun-i-framkant"]
        );
        run(&mut app, now, &[Action::Back]);
        assert_eq!((app.expanded.clone(), app.selected), before);
        assert!(!app.search.active());
    }

    #[test]
    fn no_match_shows_the_whole_tree() {
        let (mut app, now) = app();
        run(
            &mut app,
            now,
            &[
                Action::Down,
                Action::SearchOpen,
                Action::SearchInput("xyzzy".into()),
            ],
        );
        assert!(app.search.matches.is_empty());
        assert_eq!(app.rows().len(), 10);
        assert_eq!(id(&app), "hallbarhet");
        assert_eq!(app.strings().matches(0), "Inga träffar");
    }

    #[test]
    fn enter_keeps_matches_and_n_cycles() {
        let (mut app, now) = app();
        run(
            &mut app,
            now,
            &[
                Action::SearchOpen,
                Action::SearchInput("kommun".into()),
                Action::SearchDone,
            ],
        );
        assert!(!app.search.editing);
        let matches = app.search.matches.clone();
        assert!(matches.len() > 2);
        assert_eq!(app.selected, matches[0]);
        run(&mut app, now, &[Action::NextMatch]);
        assert_eq!(app.selected, matches[1]);
        run(&mut app, now, &[Action::PrevMatch, Action::PrevMatch]);
        assert_eq!(app.selected, *matches.last().unwrap());
        let chosen = app.selected;
        run(&mut app, now, &[Action::Back]);
        assert!(!app.search.active());
        assert_eq!(app.selected, chosen);
        assert_eq!(app.rows().len(), 10);
    }

    #[test]
    fn a_match_below_the_fold_is_scrolled_into_view() {
        let now = Instant::now();
        let mut app = App::new(Outline::bundled(), Config::default(), now);
        app.update(
            Action::Resize {
                width: 80,
                height: 14,
            },
            now,
        );
        run(
            &mut app,
            now,
            &[Action::SearchOpen, Action::SearchInput("mälardalen".into())],
        );
        assert_eq!(id(&app), "hog-sysselsattning");
        assert!(app.detail_scroll > 0, "the match is below the first screen");
        let inner = app.areas().detail_inner;
        let shown: Vec<String> = app
            .detail_lines()
            .iter()
            .flat_map(|l| {
                text::wrap(&l.text, usize::from(inner.width))
                    .into_iter()
                    .map(|r| l.text[r].to_string())
                    .collect::<Vec<_>>()
            })
            .skip(app.detail_scroll)
            .take(usize::from(inner.height))
            .collect();
        assert!(shown.iter().any(|l| l.contains("Mälardalen")), "{shown:?}");
    }

    #[test]
    fn digits_jump_to_goals() {
        let (mut app, now) = app();
        run(&mut app, now, &[Action::Jump(6)]);
        assert_eq!(id(&app), "bra-verksamhet");
        run(&mut app, now, &[Action::Jump(0)]);
        assert_eq!(id(&app), "vision");
        assert!(!app.update(Action::Jump(9), now).redraw);
        assert_eq!(id(&app), "vision");
    }

    #[test]
    fn jump_reveals_a_collapsed_goal() {
        let (mut app, now) = app();
        run(
            &mut app,
            now,
            &[Action::Down, Action::Left, Action::Jump(1)],
        );
        assert_eq!(id(&app), "en-kommun-for-alla");
        assert!(app.expanded[1]);
    }

    #[test]
    fn collapsing_an_ancestor_keeps_a_visible_selection() {
        let (mut app, now) = app();
        // Collapse the vision by click while a goal is selected.
        run(&mut app, now, &[Action::Jump(2)]);
        let row = app.areas().tree_inner.y;
        let col = app.areas().tree_inner.x + 2;
        click(&mut app, now, col, row);
        assert!(!app.expanded[0]);
        assert_eq!(id(&app), "vision");
    }

    #[test]
    fn clicks_select_and_toggle() {
        let (mut app, now) = app();
        let inner = app.areas().tree_inner;
        click(&mut app, now, inner.x + 12, inner.y + 2);
        assert_eq!(id(&app), "en-kommun-for-alla");
        click(&mut app, now, inner.x + 10, inner.y + 1);
        assert_eq!(id(&app), "hallbarhet");
        click(&mut app, now, inner.x + 10, inner.y + 1);
        assert!(!app.expanded[1], "a second click toggles");
        let detail = app.areas().detail;
        click(&mut app, now, detail.x + 3, detail.y + 3);
        assert_eq!(app.focus, Focus::Detail);
    }

    #[test]
    fn idle_reset_returns_to_the_start_screen() {
        let now = Instant::now();
        let config = Config {
            idle_reset: Some(Duration::from_secs(120)),
            ..Config::default()
        };
        let mut app = App::new(Outline::bundled(), config, now);
        assert_eq!(app.deadline(), None, "nothing to reset at start");
        run(
            &mut app,
            now,
            &[Action::Jump(3), Action::Left, Action::Help],
        );
        let t = now + Duration::from_secs(60);
        run(
            &mut app,
            t,
            &[
                Action::Back,
                Action::SearchOpen,
                Action::SearchInput("bra".into()),
            ],
        );
        assert_eq!(app.deadline(), Some(t + Duration::from_secs(120)));
        assert!(
            !app.update(Action::Tick, t + Duration::from_secs(119))
                .redraw
        );
        assert!(
            app.update(Action::Tick, t + Duration::from_secs(120))
                .redraw
        );
        assert_eq!(app.selected, 0);
        assert!(!app.help && !app.search.active());
        assert!(app.expanded.iter().all(|&e| e));
        assert_eq!(app.deadline(), None);
    }

    #[test]
    fn carousel_steps_and_the_first_touch_only_stops_it() {
        let now = Instant::now();
        let config = Config {
            kiosk: true,
            idle_reset: Some(Duration::from_secs(10)),
            carousel: Some(Duration::from_secs(5)),
            ..Config::default()
        };
        let mut app = App::new(Outline::bundled(), config, now);
        run(&mut app, now, &[Action::Down]);
        let t = now + Duration::from_secs(10);
        run(&mut app, t, &[Action::Tick]);
        assert!(app.carousel_running());
        assert_eq!(app.selected, 0);
        run(&mut app, t + Duration::from_secs(5), &[Action::Tick]);
        assert_eq!(app.selected, 1);
        run(&mut app, t + Duration::from_secs(10), &[Action::Tick]);
        assert_eq!(app.selected, 2);
        assert!(app.update(Action::Down, t + Duration::from_secs(11)).redraw);
        assert!(!app.carousel_running());
        assert_eq!(app.selected, 2, "the first touch does not also move");
        run(&mut app, t + Duration::from_secs(12), &[Action::Down]);
        assert_eq!(app.selected, 3);
    }

    #[test]
    fn the_carousel_also_begins_after_the_idle_time_from_launch() {
        let now = Instant::now();
        let idle = Duration::from_secs(120);
        let config = Config {
            kiosk: true,
            idle_reset: Some(idle),
            carousel: Some(Duration::from_secs(20)),
            ..Config::default()
        };
        let mut app = App::new(Outline::bundled(), config.clone(), now);
        assert_eq!(app.deadline(), Some(now + idle));
        assert!(!app.carousel_running());
        run(&mut app, now + idle, &[Action::Tick]);
        assert!(app.carousel_running());
        // A touch before then is a key like any other, and the clock starts again.
        let mut app = App::new(Outline::bundled(), config.clone(), now);
        run(&mut app, now, &[Action::Down]);
        assert_eq!(app.selected, 1);
        // Without a carousel nothing is due at the start screen: no wake-ups while idle.
        let plain = Config {
            carousel: None,
            ..config
        };
        assert_eq!(App::new(Outline::bundled(), plain, now).deadline(), None);
    }

    #[test]
    fn copy_gives_breadcrumb_title_and_text() {
        let (mut app, now) = app();
        let effects = run(&mut app, now, &[Action::Jump(5), Action::Copy]);
        let [Effect::Copy(text)] = &effects[..] else {
            panic!("{effects:?}");
        };
        assert!(text.starts_with("Vision › Effektivitet › Bra ekonomi\nBra ekonomi\n"));
        assert!(text.contains("långsiktig tillväxt i balans"));
        assert_eq!(app.status, Some("Kopierat"));
    }

    #[test]
    fn unchanged_actions_ask_for_no_redraw() {
        let (mut app, now) = app();
        assert!(!app.update(Action::Up, now).redraw);
        assert!(!app.update(Action::Touch, now).redraw);
        assert!(
            !app.update(
                Action::Resize {
                    width: 80,
                    height: 24
                },
                now
            )
            .redraw
        );
        assert!(app.update(Action::Down, now).redraw);
    }
}
