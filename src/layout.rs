//! Where everything goes for a given window size: shared by `update` (paging, clicks, scroll
//! limits) and the view, so both always agree.

use ratatui::layout::{Constraint, Layout, Margin, Position, Rect};

/// Below this the window shows only a message naming the size it needs: narrower, and the bottom
/// line cannot hold the keys that lead everywhere (move, read, back, help).
pub const MIN_WIDTH: u16 = 40;
/// Below this the window shows only that message: lower, and a stacked text pane has no row
/// for the text below its frame and the selected tree row.
pub const MIN_HEIGHT: u16 = 8;
/// From this width the tree and the detail stand side by side.
pub const SIDE_BY_SIDE: u16 = 80;

/// The areas of one screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub title: Rect,
    pub tree: Rect,
    pub detail: Rect,
    pub hints: Rect,
    /// Where the tree rows go (inside the border).
    pub tree_inner: Rect,
    /// Where the detail text goes (inside the border).
    pub detail_inner: Rect,
    /// Screen-reader mode: the row below the text that says whether more follows.
    pub detail_status: Rect,
    pub too_small: bool,
}

/// Which panes a layout shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panes {
    /// Tree and detail together, with borders.
    Both,
    /// Tree and detail together, the detail with the keyboard: when stacked, the tree shrinks
    /// to the selected row so the text has the room.
    BothReading,
    /// Only the tree, full width, no borders (screen-reader mode).
    TreeOnly,
    /// Only the detail, full width, no borders (screen-reader mode).
    DetailOnly,
}

impl Areas {
    /// Lays out a `width`×`height` screen whose tree has `tree_rows` rows to show.
    pub fn new(width: u16, height: u16, panes: Panes, tree_rows: usize) -> Areas {
        let full = Rect::new(0, 0, width, height);
        if width < MIN_WIDTH || height < MIN_HEIGHT {
            return Areas {
                too_small: true,
                ..Areas::default()
            }
            .with_title(full);
        }
        let title = Rect::new(0, 0, width, 1);
        let hints = Rect::new(0, height - 1, width, 1);
        let body = Rect::new(0, 1, width, height - 2);
        let mut areas = Areas {
            title,
            hints,
            ..Areas::default()
        };
        match panes {
            Panes::TreeOnly => {
                areas.tree = body;
                areas.tree_inner = body;
            }
            Panes::DetailOnly => {
                let [text, status] =
                    Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(body);
                areas.detail = body;
                areas.detail_inner = text;
                areas.detail_status = status;
            }
            Panes::Both | Panes::BothReading if width >= SIDE_BY_SIDE => {
                let tree_width = (34 + (width - SIDE_BY_SIDE) / 4).min(44);
                areas.tree = Rect::new(0, 1, tree_width, body.height);
                areas.detail = Rect::new(tree_width, 1, width - tree_width, body.height);
                areas.tree_inner = areas.tree.inner(BORDER);
                areas.detail_inner = areas.detail.inner(BORDER).inner(TEXT_PADDING);
            }
            Panes::Both | Panes::BothReading => {
                // Stacked: the tree takes what it needs, up to half of the body; while the
                // text is read, only its selected row.
                let wanted = u16::try_from(tree_rows)
                    .unwrap_or(u16::MAX)
                    .saturating_add(2);
                let most = (body.height / 2).max(ONE_ROW_PANE);
                let tree_height = if panes == Panes::BothReading {
                    ONE_ROW_PANE
                } else {
                    wanted.min(most)
                };
                areas.tree = Rect::new(0, 1, width, tree_height);
                areas.detail = Rect::new(0, 1 + tree_height, width, body.height - tree_height);
                areas.tree_inner = areas.tree.inner(BORDER);
                areas.detail_inner = areas.detail.inner(BORDER).inner(TEXT_PADDING);
            }
        }
        areas
    }

    fn with_title(mut self, full: Rect) -> Areas {
        self.title = full;
        self
    }
}

/// A pane's one-cell border.
const BORDER: Margin = Margin::new(1, 1);

/// A bordered pane with one row inside.
const ONE_ROW_PANE: u16 = 1 + 2 * BORDER.vertical;

/// One blank column each side of a bordered pane's text, so words don't touch the border.
const TEXT_PADDING: Margin = Margin::new(1, 0);

/// True when the cell at (`column`, `row`) lies in `area`.
pub fn contains(area: Rect, column: u16, row: u16) -> bool {
    area.contains(Position::new(column, row))
}

/// The columns of one tree row, counted from the pane's inner left edge: the selection pointer,
/// the indent, the fold marker, then the label. The view draws rows by it, the cursor rests on
/// its label and a click on its marker folds the node: one place, so they cannot disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeRow {
    pub indent: u16,
    pub marker: u16,
    pub label: u16,
}

/// How wide the selection pointer and the fold markers are, in every symbol set.
pub const POINTER_WIDTH: u16 = 2;
pub const MARKER_WIDTH: u16 = 2;

/// The row of a node at `depth`: indented two cells a level, one in screen-reader mode, where
/// every cell of a braille line counts.
pub fn tree_row(depth: usize, screen_reader: bool) -> TreeRow {
    let per_level = if screen_reader { 1 } else { 2 };
    let indent = u16::try_from(depth * per_level).unwrap_or(u16::MAX);
    let marker = POINTER_WIDTH.saturating_add(indent);
    TreeRow {
        indent,
        marker,
        label: marker.saturating_add(MARKER_WIDTH),
    }
}

/// The help's widest box, so lines stay short enough to read on a wide screen.
const HELP_MOST_WIDTH: u16 = 72;

/// The help box's distance from the screen's edges, left and right.
const HELP_SIDES: u16 = 2;

/// The help's text inside its box: the border and one blank column each side.
const HELP_TEXT: Margin = Margin::new(2, 1);

/// Where the help goes on a screen: the box (drawn over the panes) and the text inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpBox {
    pub popup: Rect,
    pub text: Rect,
}

/// The help box on `screen`, for a help of `lines` lines: centred, as tall as it needs up to the
/// screen less its top and bottom rows. `plain` (screen-reader mode): no box, the whole screen
/// between the title and the hint bar, so a braille line holds only text.
pub fn help_box(screen: Rect, lines: usize, plain: bool) -> HelpBox {
    if plain {
        let body = help_body(screen);
        return HelpBox {
            popup: body,
            text: body,
        };
    }
    let box_width = help_box_width(screen);
    let wanted = u16::try_from(lines)
        .unwrap_or(u16::MAX)
        .saturating_add(2 * HELP_TEXT.vertical);
    let height = wanted.min(screen.height.saturating_sub(2));
    let popup = Rect::new(
        screen.x + (screen.width.saturating_sub(box_width)) / 2,
        screen.y + (screen.height.saturating_sub(height)) / 2,
        box_width,
        height,
    )
    .intersection(screen);
    HelpBox {
        popup,
        text: popup.inner(HELP_TEXT),
    }
}

fn help_box_width(screen: Rect) -> u16 {
    screen
        .width
        .saturating_sub(2 * HELP_SIDES)
        .min(HELP_MOST_WIDTH)
}

/// The screen less its title and hint rows.
fn help_body(screen: Rect) -> Rect {
    Rect::new(
        screen.x,
        screen.y.saturating_add(1),
        screen.width,
        screen.height.saturating_sub(2),
    )
}

/// The width of text inside the help box, whatever its height.
pub fn help_text_width(screen: Rect, plain: bool) -> usize {
    if plain {
        return usize::from(screen.width);
    }
    usize::from(help_box_width(screen).saturating_sub(2 * HELP_TEXT.horizontal))
}

/// How many lines of the help fit in the tallest box.
pub fn help_visible(screen: Rect, plain: bool) -> usize {
    if plain {
        return usize::from(help_body(screen).height);
    }
    usize::from(
        screen
            .height
            .saturating_sub(2)
            .saturating_sub(2 * HELP_TEXT.vertical),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_by_side_from_80_columns() {
        let a = Areas::new(80, 24, Panes::Both, 10);
        assert!(!a.too_small);
        assert_eq!(a.tree.y, a.detail.y);
        assert_eq!(a.tree.width + a.detail.width, 80);
        assert_eq!(a.hints.y, 23);
    }

    #[test]
    fn stacked_below_80_columns() {
        let a = Areas::new(40, 12, Panes::Both, 10);
        assert_eq!(a.tree.x, a.detail.x);
        assert!(a.detail.y > a.tree.y);
        assert!(a.detail_inner.height >= 3);
    }

    #[test]
    fn too_small_below_minimum() {
        for (w, h) in [(0, 0), (1, 1), (39, 24), (80, 7), (20, 5)] {
            assert!(Areas::new(w, h, Panes::Both, 10).too_small, "{w}x{h}");
        }
    }
}
