//! The search line: typing a query, its matches in the tree, n and N, and Esc back to the tree
//! as it was.

use super::{App, Focus, Search};
use crate::search::{self, Folded, Index};

impl App {
    pub(super) fn search_open(&mut self) -> bool {
        if self.search.saved.is_none() {
            self.search.saved = Some((self.expanded.clone(), self.selected));
        }
        self.search.editing = true;
        self.focus = Focus::Tree;
        true
    }

    pub(super) fn search_type(&mut self, typed: &str) -> bool {
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

    pub(super) fn search_backspace(&mut self) -> bool {
        if self.search.query.pop().is_none() {
            return false;
        }
        self.apply_query();
        true
    }

    /// Re-runs the query: filter, expand the path to each match, select the first one.
    pub(super) fn apply_query(&mut self) {
        self.search.words = search::words(&self.search.query);
        let outline = &self.outline;
        let index = self.index.get_or_init(|| Index::new(outline));
        self.search.matches = index.matching(&self.search.words);
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
    pub(super) fn scroll_to_first_mark(&mut self) {
        let words = self.search.highlighted();
        if words.is_empty() {
            return;
        }
        let detail = self.detail_text();
        let marks: Vec<_> = detail
            .lines
            .iter()
            .map(|line| Folded::new(&line.text).matches(&words))
            .collect();
        let Some(target) = detail.rows.iter().position(|row| {
            marks[row.line]
                .first()
                .is_some_and(|m| row.range.end > m.start)
        }) else {
            return;
        };
        let window = self.detail_window();
        if target < window.first || target >= window.end() {
            self.detail_scroll = target.saturating_sub(2).min(window.max_first());
        }
    }

    pub(super) fn search_done(&mut self) -> bool {
        self.search.editing = false;
        if self.search.matches.is_empty() {
            return self.search_cancel();
        }
        true
    }

    /// Esc while typing: everything back as before the search.
    pub(super) fn search_cancel(&mut self) -> bool {
        if let Some((expanded, selected)) = self.search.saved.take() {
            self.expanded = expanded;
            self.select(selected);
        }
        self.search = Search::default();
        true
    }

    /// Esc after Enter: the whole tree again, keeping the match that was chosen.
    pub(super) fn search_clear(&mut self) -> bool {
        if self.search.editing {
            return self.search_cancel();
        }
        self.search = Search::default();
        self.reveal(self.selected);
        true
    }

    /// Expands every ancestor of `node` so its row is shown.
    pub(super) fn reveal(&mut self, node: usize) {
        for n in self.outline.path(node) {
            if n != node {
                self.expanded[n] = true;
            }
        }
    }

    pub(super) fn next_match(&mut self, direction: isize) -> bool {
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
        // A match inside a folded row is unfolded, so the selection is where it is shown.
        let hidden = !self.rows().contains(&node);
        self.reveal(node);
        let changed = self.select(node) || hidden;
        self.scroll_to_first_mark();
        changed
    }
}
