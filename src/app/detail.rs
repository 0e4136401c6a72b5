//! The detail pane's text as the pane shows it: each logical line wrapped once at the pane's
//! width. `update` (scroll limits, paging, search marks, opening a node) and the view (the
//! rows drawn, the cursor, the scroll arrows) all read this, so they cannot disagree.

use std::ops::Range;

use super::{App, DetailLine, LineKind};
use crate::text;

/// One screen row of the detail: which logical line, and which bytes of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailRow {
    pub line: usize,
    pub range: Range<usize>,
}

/// The selected node's detail, line by line and wrapped into rows.
#[derive(Debug, Clone)]
pub struct DetailText {
    pub lines: Vec<DetailLine>,
    pub rows: Vec<DetailRow>,
}

impl DetailText {
    /// Wraps `lines` at `width` columns.
    pub fn new(lines: Vec<DetailLine>, width: u16) -> DetailText {
        let mut rows = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            for range in text::wrap(&line.text, usize::from(width)) {
                rows.push(DetailRow { line: i, range });
            }
        }
        DetailText { lines, rows }
    }

    /// The kind of the line row `row` belongs to.
    pub fn kind(&self, row: usize) -> LineKind {
        self.lines[self.rows[row].line].kind
    }

    /// The text of row `row`.
    pub fn text(&self, row: usize) -> &str {
        let r = &self.rows[row];
        &self.lines[r.line].text[r.range.clone()]
    }

    /// The first row of the title.
    pub fn title_row(&self) -> Option<usize> {
        (0..self.rows.len()).find(|&r| self.kind(r) == LineKind::Title)
    }

    /// The first row of the node's own text, below its breadcrumb and title.
    pub fn body_row(&self) -> Option<usize> {
        (0..self.rows.len()).find(|&r| {
            !matches!(
                self.kind(r),
                LineKind::Breadcrumb | LineKind::Title | LineKind::Blank
            )
        })
    }
}

/// Which part of a longer text is in view: the numbers the scroll arrows and "lines 3–20 of
/// 31" are made of, for the detail pane and the help alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The first row shown (0-based).
    pub first: usize,
    /// How many rows fit.
    pub height: usize,
    pub total: usize,
}

impl Window {
    /// One past the last row shown.
    pub fn end(&self) -> usize {
        (self.first + self.height).min(self.total)
    }

    /// Rows are hidden above the window.
    pub fn more_above(&self) -> bool {
        self.first > 0
    }

    /// Rows are hidden below the window.
    pub fn more_below(&self) -> bool {
        self.end() < self.total
    }

    /// The whole text does not fit.
    pub fn scrolls(&self) -> bool {
        self.total > self.height
    }

    /// The furthest the window can scroll.
    pub fn max_first(&self) -> usize {
        self.total.saturating_sub(self.height)
    }
}

impl App {
    /// The selected node's detail wrapped at the detail pane's width.
    pub fn detail_text(&self) -> DetailText {
        DetailText::new(self.detail_lines(), self.areas().detail_inner.width)
    }

    /// The part of the detail in view.
    pub fn detail_window(&self) -> Window {
        Window {
            first: self.detail_scroll,
            height: usize::from(self.areas().detail_inner.height),
            total: self.detail_text().rows.len(),
        }
    }

    /// The furthest the detail can scroll at the current size.
    pub fn max_detail_scroll(&self) -> usize {
        self.detail_window().max_first()
    }

    /// Opens the selected node's text: scrolled, when needed, so that the first line of its
    /// own text is in view, below as much of the breadcrumb and title as fits.
    pub(super) fn scroll_to_body(&mut self) {
        let text = self.detail_text();
        let height = usize::from(self.areas().detail_inner.height).max(1);
        let Some(body) = text.body_row() else {
            return;
        };
        if body < self.detail_scroll || body >= self.detail_scroll + height {
            self.detail_scroll = body
                .saturating_sub(height - 1)
                .min(self.max_detail_scroll());
        }
    }
}
