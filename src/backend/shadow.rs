//! What the terminal shows, a cell in 24 bytes rather than a ratatui `Cell`'s 48: the symbol
//! is kept in the cell itself when it is at most 4 bytes (å, ä, ö, the box drawing, any single
//! character), and in a side table of reused strings when it is longer (a letter with several
//! combining marks, an emoji sequence). It holds all that `Cell`'s equality compares, so the
//! diff against it finds what a diff against the previous `Buffer` would.

use ratatui::buffer::{Cell, CellDiffOption, CellWidth};
use ratatui::style::{Color, Modifier};

/// A symbol of up to this many bytes is kept in the cell.
const INLINE: usize = 4;
/// The `len` of a symbol kept in the side table; its index is then in `bytes`.
const LONG: u8 = u8::MAX;

#[derive(Debug, Clone, Copy)]
struct Shown {
    bytes: [u8; INLINE],
    len: u8,
    /// ratatui's deprecated `Cell::skip`, which its diff still honours.
    skip: bool,
    modifier: Modifier,
    fg: Color,
    bg: Color,
    /// Never written by this backend, but part of what makes two cells equal.
    underline: Color,
    diff_option: CellDiffOption,
}

/// A cell of the shadow as the frame writer reads it.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    pub symbol: &'a str,
    pub fg: Color,
    pub bg: Color,
    pub modifier: Modifier,
    pub diff_option: CellDiffOption,
}

/// The screen the terminal shows, row by row.
#[derive(Debug, Default)]
pub struct Shadow {
    cells: Vec<Shown>,
    /// The symbols longer than `INLINE` bytes; a slot no cell uses is empty and listed in
    /// `free`, so that a long session does not grow the table.
    long: Vec<String>,
    free: Vec<u32>,
}

impl Shadow {
    /// A blank screen of `len` cells.
    pub fn blank(len: usize) -> Shadow {
        let mut shadow = Shadow {
            cells: Vec::with_capacity(len),
            ..Shadow::default()
        };
        let blank = shadow.shown(&Cell::EMPTY);
        shadow.cells.resize(len, blank);
        shadow
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn symbol(&self, i: usize) -> &str {
        let cell = &self.cells[i];
        if cell.len == LONG {
            return &self.long[u32::from_ne_bytes(cell.bytes) as usize];
        }
        // SAFETY: `shown` copies the whole of a `str` of at most 4 bytes into `bytes` and
        // sets `len` to its length; nothing else writes either, so the prefix is UTF-8.
        // (Checking it again costs more than the rest of drawing a first frame's cells.)
        unsafe { std::str::from_utf8_unchecked(&cell.bytes[..usize::from(cell.len)]) }
    }

    pub fn view(&self, i: usize) -> View<'_> {
        let cell = &self.cells[i];
        View {
            symbol: self.symbol(i),
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
            diff_option: cell.diff_option,
        }
    }

    /// ratatui's `Cell::cell_width`.
    pub fn cell_width(&self, i: usize) -> u16 {
        match self.cells[i].diff_option {
            CellDiffOption::ForcedWidth(width) => width.get(),
            _ => self.symbol(i).cell_width(),
        }
    }

    /// ratatui's `Cell` equality, between the shadow's cell `i` and `cell`.
    #[allow(deprecated)]
    pub fn equals(&self, i: usize, cell: &Cell) -> bool {
        let shown = &self.cells[i];
        shown.fg == cell.fg
            && shown.bg == cell.bg
            && shown.modifier == cell.modifier
            && shown.underline == cell.underline_color
            && shown.diff_option == cell.diff_option
            && shown.skip == cell.skip
            && match shown.len {
                LONG => self.long[u32::from_ne_bytes(shown.bytes) as usize] == cell.symbol(),
                len => shown.bytes[..usize::from(len)] == *cell.symbol().as_bytes(),
            }
    }

    /// The shadow's cell `i` becomes `cell`.
    pub fn set(&mut self, i: usize, cell: &Cell) {
        let old = self.cells[i];
        if old.len == LONG {
            let slot = u32::from_ne_bytes(old.bytes);
            self.long[slot as usize].clear();
            self.free.push(slot);
        }
        self.cells[i] = self.shown(cell);
    }

    /// `cell` as the shadow keeps it, its symbol put in the side table if it is long.
    #[allow(deprecated)]
    fn shown(&mut self, cell: &Cell) -> Shown {
        let symbol = cell.symbol();
        let mut bytes = [0; INLINE];
        let len = if symbol.len() <= INLINE {
            bytes[..symbol.len()].copy_from_slice(symbol.as_bytes());
            symbol.len() as u8
        } else {
            let slot = self.free.pop().unwrap_or_else(|| {
                self.long.push(String::new());
                (self.long.len() - 1) as u32
            });
            self.long[slot as usize].push_str(symbol);
            bytes = slot.to_ne_bytes();
            LONG
        };
        Shown {
            bytes,
            len,
            skip: cell.skip,
            modifier: cell.modifier,
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
            diff_option: cell.diff_option,
        }
    }

    /// How many cells hold a symbol in the side table, and how many slots it has in use.
    #[cfg(test)]
    pub fn long_symbols(&self) -> (usize, usize) {
        let cells = self.cells.iter().filter(|c| c.len == LONG).count();
        (cells, self.long.len() - self.free.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_at_most_half_a_ratatui_cell() {
        assert!(2 * std::mem::size_of::<Shown>() <= std::mem::size_of::<Cell>());
    }

    #[test]
    fn long_symbols_reuse_their_slots() {
        let mut shadow = Shadow::blank(3);
        let heart = Cell::new("\u{2764}\u{FE0F}");
        for _ in 0..100 {
            shadow.set(0, &heart);
            shadow.set(1, &heart);
            shadow.set(0, &Cell::new("a"));
        }
        assert_eq!(shadow.long.len(), 2);
        assert_eq!(shadow.long_symbols(), (1, 1));
        assert_eq!(shadow.symbol(1), "\u{2764}\u{FE0F}");
        assert!(shadow.equals(1, &heart) && shadow.equals(0, &Cell::new("a")));
        assert!(!shadow.equals(2, &heart));
    }
}
