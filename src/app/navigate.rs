//! Moving through the tree and the text: arrows, pages, focus, Esc, jumps, clicks, the wheel,
//! colour and copy.

use super::{App, Effect, Focus, Search, scroll};
use crate::i18n::Lang;
use crate::layout;

impl App {
    pub(super) fn row_of_selected(&self, rows: &[usize]) -> usize {
        rows.iter().position(|&n| n == self.selected).unwrap_or(0)
    }

    pub(super) fn step(&mut self, delta: isize) -> bool {
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

    pub(super) fn scroll_detail(&mut self, delta: isize) -> bool {
        let max = self.max_detail_scroll();
        scroll(&mut self.detail_scroll, delta, max)
    }

    pub(super) fn page(&mut self, direction: isize) -> bool {
        let areas = self.areas();
        if self.focus == Focus::Detail {
            let page = usize::from(areas.detail_inner.height.max(2) - 1);
            return self.scroll_detail(direction * page as isize);
        }
        let page = usize::from(areas.tree_inner.height.max(2) - 1);
        self.step(direction * page as isize)
    }

    pub(super) fn first_or_last(&mut self, first: bool) -> bool {
        if self.focus == Focus::Detail {
            return self.scroll_detail(if first { isize::MIN } else { isize::MAX });
        }
        let rows = self.rows();
        let node = if first { rows[0] } else { rows[rows.len() - 1] };
        self.select(node)
    }

    pub(super) fn has_children(&self, node: usize) -> bool {
        !self.outline.nodes[node].children.is_empty()
    }

    /// To the parent row. Keys never fold the tree: the first keys a stranger presses must not
    /// hide the goals (a click on a row's marker folds it).
    pub(super) fn left(&mut self) -> bool {
        if self.focus == Focus::Detail {
            return false;
        }
        match self.outline.nodes[self.selected].parent {
            Some(parent) => self.select(parent),
            None => false,
        }
    }

    /// Unfolds a folded row, or goes to its first child.
    pub(super) fn right(&mut self) -> bool {
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

    /// Enter or Space in the tree: read the selected row's text, whatever the row.
    pub(super) fn read(&mut self) -> bool {
        if self.focus == Focus::Detail {
            return false;
        }
        self.open_detail();
        true
    }

    /// The text pane takes the keyboard, scrolled so that the node's own text is in view.
    pub(super) fn open_detail(&mut self) {
        self.focus = Focus::Detail;
        self.scroll_to_body();
    }

    pub(super) fn switch_focus(&mut self) -> bool {
        match self.focus {
            Focus::Tree => self.open_detail(),
            Focus::Detail => self.focus = Focus::Tree,
        }
        true
    }

    /// Esc: closes what is open, the text before the search's matches; never quits.
    pub(super) fn back(&mut self) -> bool {
        if self.focus == Focus::Detail {
            self.focus = Focus::Tree;
            return true;
        }
        if self.search.active() {
            return self.search_clear();
        }
        false
    }

    pub(super) fn jump(&mut self, n: usize) -> bool {
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
        if changed && self.focus == Focus::Detail {
            // Screen-reader mode stays in the text: the new node's own text in view.
            self.scroll_to_body();
        }
        changed || focus_changed
    }

    /// The node on tree row `row` of the screen, if any.
    pub(super) fn node_at(&self, row: u16) -> Option<usize> {
        let inner = self.areas().tree_inner;
        let i = usize::from(row.checked_sub(inner.y)?) + self.tree_offset;
        self.rows().get(i).copied()
    }

    pub(super) fn click(&mut self, column: u16, row: u16) -> bool {
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
            let row = layout::tree_row(depth, self.config.screen_reader);
            let marker = areas.tree_inner.x.saturating_add(row.marker);
            let on_marker = (marker..marker.saturating_add(layout::MARKER_WIDTH)).contains(&column);
            if (on_marker || node == self.selected) && self.has_children(node) {
                self.select(node);
                self.expanded[node] = !self.expanded[node];
                return true;
            }
            return self.select(node) || focus_changed;
        }
        if layout::contains(areas.detail, column, row) && self.focus != Focus::Detail {
            self.open_detail();
            return true;
        }
        false
    }

    pub(super) fn wheel(&mut self, column: u16, row: u16, delta: isize) -> bool {
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

    pub(super) fn toggle_colour(&mut self) -> bool {
        self.colour = !self.colour;
        self.status = Some(if self.colour {
            self.strings().colour_on
        } else {
            self.strings().colour_off
        });
        true
    }

    /// Swedish, Finnish, English, and round again; everything is drawn anew in it.
    pub(super) fn next_lang(&mut self) -> bool {
        let at = Lang::ALL.iter().position(|&l| l == self.lang).unwrap_or(0);
        self.set_lang(Lang::ALL[(at + 1) % Lang::ALL.len()]);
        self.status = None;
        self.dirty = true;
        true
    }

    pub(super) fn copy(&mut self) -> bool {
        if self.config.kiosk {
            return false;
        }
        self.effect = Some(Effect::Copy(self.copy_text()));
        self.status = Some(self.strings().copied);
        true
    }
}
