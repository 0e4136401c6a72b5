//! A frame writer that writes few bytes: what a slow SSH link pays for every keystroke.
//!
//! It is handed each whole frame as a ratatui [`Buffer`] and keeps the one before it, which is
//! what the terminal shows. It finds the cells that changed itself, by ratatui's own rules, so it
//! takes the place of ratatui's `Terminal` and the second buffer that one keeps; then it chooses
//! the cheapest way to get from one frame to the next: it writes a short stretch of unchanged
//! cells rather than a cursor move around them, moves along a row with `CUF`, `CUB`, `CR` or
//! `CHA` and one row down with `CUD` rather than an absolute `CUP` when that is shorter, clears
//! the rest of a row with one `EL` where the row ends blank and a stretch of blanks with one
//! `ECH`, and changes only the SGR attributes that differ. The cursor goes last: each frame ends
//! by moving it to where its owner parked it (the focused item, which braille displays and
//! screen readers follow whether it is shown or not) and showing it if it is to be seen; a shown
//! cursor is hidden while the cells are written.

use std::io::{self, Write};

use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

use shadow::{Shadow, View};

mod shadow;

/// Where a frame leaves the terminal cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub position: Position,
    /// Shown, or only parked there (hidden) for whoever tracks the cursor.
    pub visible: bool,
}

/// From this many blank cells in a row, erasing them (`ECH`) is cheaper than writing spaces.
const ECH_FROM: usize = 6;

/// A way along one row of the screen.
#[derive(Debug, Clone, Copy)]
enum Along {
    Stay,
    /// Write the cells in between again (they are cheap in the current pen).
    Rewrite,
    /// `CUF`.
    Forward,
    /// `CUB`.
    Back,
    /// `CR`, to the first column.
    Return,
    /// `CR`, then the cells before the target again.
    ReturnRewrite,
    /// `CHA`, to an absolute column.
    Column,
}

/// The attributes an SGR sequence sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

impl Pen {
    const DEFAULT: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn of(cell: &View<'_>) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
        }
    }
}

/// The frame writer. `W` is where its frames go: the session core's buffer, or a test's.
pub struct Lean<W: Write> {
    out: W,
    /// The last frame drawn, row by row: what the terminal shows.
    shadow: Shadow,
    width: u16,
    height: u16,
    /// Where the terminal's cursor is, when known.
    cursor: Option<(u16, u16)>,
    /// The SGR state of the terminal, when known.
    pen: Option<Pen>,
    cursor_visible: Option<bool>,
    /// Where the owner parked the cursor for the next frame; hidden, and left where it is, if
    /// nowhere.
    park: Option<Cursor>,
    /// Bytes of the frame being written.
    frame: Vec<u8>,
    /// The columns that changed in the row being written; kept, so that a frame allocates
    /// nothing.
    changed: Vec<u16>,
}

impl<W: Write> Lean<W> {
    /// A backend for a `size` terminal that shows a blank screen (as the alternate screen
    /// does when entered).
    pub fn new(out: W, size: Size) -> Lean<W> {
        let mut lean = Lean {
            out,
            shadow: Shadow::default(),
            width: 0,
            height: 0,
            cursor: None,
            pen: None,
            cursor_visible: None,
            park: None,
            frame: Vec::with_capacity(8 * 1024),
            changed: Vec::new(),
        };
        lean.blank(size);
        lean
    }

    /// Where the next frame leaves the cursor, shown or hidden. Takes the place of ratatui's
    /// `Frame::set_cursor_position`, which can only show the cursor where it puts it.
    pub fn park(&mut self, cursor: Option<Cursor>) {
        self.park = cursor;
    }

    /// The writer, for output that is not a frame (the clipboard).
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    fn blank(&mut self, size: Size) {
        self.width = size.width;
        self.height = size.height;
        self.shadow = Shadow::blank(usize::from(size.width) * usize::from(size.height));
    }

    fn index(&self, x: u16, y: u16) -> Option<usize> {
        (x < self.width && y < self.height)
            .then(|| usize::from(y) * usize::from(self.width) + usize::from(x))
    }

    fn shadow(&self, x: u16, y: u16) -> Option<View<'_>> {
        self.index(x, y).map(|i| self.shadow.view(i))
    }

    /// A cell that writes as one byte-cheap, one-column character in the current pen.
    fn cheap(&self, x: u16, y: u16) -> Option<usize> {
        let cell = self.shadow(x, y)?;
        let symbol = cell.symbol;
        (plain(&cell) && columns(symbol) == 1 && Some(Pen::of(&cell)) == self.pen)
            .then_some(symbol.len())
    }

    fn is_blank(cell: View<'_>) -> bool {
        plain(&cell) && cell.symbol == " " && Pen::of(&cell) == Pen::DEFAULT
    }

    /// Moves the cursor to (`x`, `y`) the cheapest way it knows: along the row (rewriting the
    /// cells in between, `CUF`, `CUB`, `CR`, `CHA`), one row down with `CUD` and then along it,
    /// or `CUP`. Not `LF`: where the terminal's output is not in raw mode (stdout another tty
    /// than the keys', a client that adds CR to every LF) it would also return to column 0.
    fn move_to(&mut self, x: u16, y: u16) {
        let cup = match x {
            0 => 3 + digits(y + 1),
            _ => 4 + digits(y + 1) + digits(x + 1),
        };
        let along = match self.cursor {
            Some((cx, cy)) if cy == y || cy + 1 == y => Some((cx, cy, self.along(cx, x, y))),
            _ => None,
        };
        match along {
            Some((cx, cy, (_, way))) if cy == y => self.go_along(way, cx, x, y),
            Some((cx, _, (bytes, way))) if 3 + bytes < cup => {
                self.frame.extend_from_slice(b"\x1b[B");
                self.go_along(way, cx, x, y);
            }
            _ if x == 0 => {
                let _ = write!(self.frame, "\x1b[{}H", y + 1);
            }
            _ => {
                let _ = write!(self.frame, "\x1b[{};{}H", y + 1, x + 1);
            }
        }
        self.cursor = Some((x, y));
    }

    /// The cheapest way along row `y` from column `from` to `x`, and its bytes.
    fn along(&self, from: u16, x: u16, y: u16) -> (usize, Along) {
        let csi = |n: u16| if n == 1 { 3 } else { 3 + digits(n) };
        // Each cell rewritten is a byte at least: only a few are ever worth looking at.
        let fill = |start: u16, best: usize| -> Option<usize> {
            if usize::from(x - start) >= best {
                return None;
            }
            (start..x).map(|gx| self.cheap(gx, y)).sum()
        };
        fn consider(best: &mut (usize, Along), bytes: usize, way: Along) {
            if bytes < best.0 {
                *best = (bytes, way);
            }
        }
        let mut best = (3 + digits(x + 1), Along::Column);
        match from.cmp(&x) {
            std::cmp::Ordering::Equal => consider(&mut best, 0, Along::Stay),
            std::cmp::Ordering::Less => {
                consider(&mut best, csi(x - from), Along::Forward);
                if let Some(bytes) = fill(from, best.0) {
                    consider(&mut best, bytes, Along::Rewrite);
                }
            }
            std::cmp::Ordering::Greater => consider(&mut best, csi(from - x), Along::Back),
        }
        if x == 0 {
            consider(&mut best, 1, Along::Return);
        } else if let Some(bytes) = fill(0, best.0.saturating_sub(1)) {
            consider(&mut best, 1 + bytes, Along::ReturnRewrite);
        }
        best
    }

    fn go_along(&mut self, way: Along, from: u16, x: u16, y: u16) {
        let rewrite = |lean: &mut Lean<W>, start: u16| {
            for gx in start..x {
                if let Some(i) = lean.index(gx, y) {
                    lean.frame
                        .extend_from_slice(lean.shadow.symbol(i).as_bytes());
                }
            }
        };
        match way {
            Along::Stay => {}
            Along::Rewrite => rewrite(self, from),
            Along::Forward if x - from == 1 => self.frame.extend_from_slice(b"\x1b[C"),
            Along::Forward => {
                let _ = write!(self.frame, "\x1b[{}C", x - from);
            }
            Along::Back if from - x == 1 => self.frame.extend_from_slice(b"\x1b[D"),
            Along::Back => {
                let _ = write!(self.frame, "\x1b[{}D", from - x);
            }
            Along::Return => self.frame.push(b'\r'),
            Along::ReturnRewrite => {
                self.frame.push(b'\r');
                rewrite(self, 0);
            }
            Along::Column if x == 0 => self.frame.extend_from_slice(b"\x1b[G"),
            Along::Column => {
                let _ = write!(self.frame, "\x1b[{}G", x + 1);
            }
        }
    }

    /// Sets the SGR attributes to `to`, writing only what differs.
    fn set_pen(&mut self, to: Pen) {
        if self.pen == Some(to) {
            return;
        }
        let out = &mut self.frame;
        out.extend_from_slice(b"\x1b[");
        let start = out.len();
        let from = match self.pen {
            Some(from) if (from.modifier - to.modifier).is_empty() => from,
            _ => {
                out.push(b'0');
                Pen::DEFAULT
            }
        };
        // Written straight into the frame: a pen changes many times a frame.
        let separate = |out: &mut Vec<u8>| {
            if out.len() > start {
                out.push(b';');
            }
        };
        for (flag, code) in [
            (Modifier::BOLD, b'1'),
            (Modifier::DIM, b'2'),
            (Modifier::ITALIC, b'3'),
            (Modifier::UNDERLINED, b'4'),
            (Modifier::SLOW_BLINK, b'5'),
            (Modifier::RAPID_BLINK, b'6'),
            (Modifier::REVERSED, b'7'),
            (Modifier::HIDDEN, b'8'),
            (Modifier::CROSSED_OUT, b'9'),
        ] {
            if to.modifier.contains(flag) && !from.modifier.contains(flag) {
                separate(out);
                out.push(code);
            }
        }
        if to.fg != from.fg {
            separate(out);
            colour(out, to.fg, false);
        }
        if to.bg != from.bg {
            separate(out);
            colour(out, to.bg, true);
        }
        out.push(b'm');
        self.pen = Some(to);
    }

    /// Writes the shadow's cell `at` (which is at `x`, `y`) at the cursor.
    fn put_shadow(&mut self, x: u16, y: u16, at: usize) {
        self.move_to(x, y);
        let pen = Pen::of(&self.shadow.view(at));
        self.set_pen(pen);
        let symbol = self.shadow.symbol(at);
        self.frame.extend_from_slice(symbol.as_bytes());
        self.cursor = (columns(symbol) == 1 && x + 1 < self.width).then_some((x + 1, y));
    }

    /// Writes one row's changed cells (sorted by column, already in the shadow).
    fn draw_row(&mut self, y: u16, changed: &[u16]) {
        // Where the row's blank tail starts: from there, one EL clears what changed.
        let mut tail = self.width;
        while tail > 0 && self.shadow(tail - 1, y).is_some_and(Lean::<W>::is_blank) {
            tail -= 1;
        }
        let erase_from = changed.iter().copied().find(|&x| x >= tail);
        let worth = erase_from.is_some_and(|from| {
            let erased = changed.iter().filter(|&&x| x >= from).count();
            let safe = from == 0
                || self
                    .shadow(from - 1, y)
                    .is_some_and(|c| columns(c.symbol) <= 1 && plain(&c));
            safe && erased > 3
        });
        let mut i = 0;
        while i < changed.len() {
            let x = changed[i];
            if worth && erase_from.is_some_and(|from| x >= from) {
                break;
            }
            // A stretch of cells that are all blank now, from this changed one to the last
            // changed one in it: one ECH erases it (erasing a cell that is blank already is
            // harmless, and cheaper than stepping over it).
            let mut end = x;
            let mut last = i;
            let mut cx = x;
            while self.shadow(cx, y).is_some_and(Lean::<W>::is_blank) {
                if let Ok(k) = changed[last..].binary_search(&cx) {
                    last += k;
                    end = cx + 1;
                }
                cx += 1;
            }
            let blanks = usize::from(end - x);
            let changed_in_it = last + 1 - i;
            let after_wide = x > 0
                && self
                    .shadow(x - 1, y)
                    .is_none_or(|c| columns(c.symbol) > 1 || !plain(&c));
            if blanks >= ECH_FROM && changed_in_it >= ECH_FROM / 2 && !after_wide {
                self.move_to(x, y);
                self.set_pen(Pen::DEFAULT);
                let _ = write!(self.frame, "\x1b[{blanks}X");
                // ECH leaves the cursor where it was.
                i = last + 1;
                continue;
            }
            if let Some(at) = self.index(x, y) {
                self.put_shadow(x, y, at);
            }
            i += 1;
        }
        if let (true, Some(from)) = (worth, erase_from) {
            self.move_to(from, y);
            self.set_pen(Pen::DEFAULT);
            self.frame.extend_from_slice(b"\x1b[K");
        }
    }
}

impl<W: Write> Lean<W> {
    /// Writes the frame `next` (a buffer the size of the screen, at its origin): the cells that
    /// differ from the last frame, then the cursor, all in one write.
    ///
    /// # Panics
    ///
    /// If `next` is not the screen's size: a new size is a new `Lean`, on a cleared screen.
    pub fn draw(&mut self, next: &Buffer) -> io::Result<()> {
        assert_eq!(
            next.area,
            Rect::new(0, 0, self.width, self.height),
            "a frame the size of the screen"
        );
        let width = usize::from(self.width);
        let mut diff = Diff::default();
        let mut changed = std::mem::take(&mut self.changed);
        let mut row = None;
        loop {
            // The shadow is brought up to date as the diff passes over it, so each row is
            // written knowing how it ends.
            let at = diff.step(&mut self.shadow, &next.content);
            let y = at.map(|i| (i / width) as u16);
            if let Some(done) = row.filter(|&r| Some(r) != y) {
                self.draw_row(done, &changed);
                changed.clear();
            }
            let Some(i) = at else { break };
            if row.is_none() && self.cursor_visible == Some(true) {
                // A shown cursor would be seen running over the cells as they are written:
                // hidden until the frame is done, then shown where it is parked.
                self.frame.extend_from_slice(b"\x1b[?25l");
                self.cursor_visible = Some(false);
            }
            row = y;
            changed.push((i % width) as u16);
        }
        self.changed = changed;
        self.finish_cursor();
        if !self.frame.is_empty() {
            self.out.write_all(&self.frame)?;
            self.frame.clear();
        }
        self.out.flush()
    }

    /// Ends the frame with the cursor: moved where it was parked, then shown or hidden (hidden,
    /// where it is, if it was parked nowhere). Last, so that the cursor never rests anywhere in
    /// between for a reader to see.
    fn finish_cursor(&mut self) {
        let (at, visible) = match self.park.take() {
            Some(c) => (Some(c.position), c.visible),
            None => (None, false),
        };
        if let Some(p) = at.filter(|p| p.x < self.width && p.y < self.height) {
            self.move_to(p.x, p.y);
        }
        if self.cursor_visible != Some(visible) {
            self.frame
                .extend_from_slice(if visible { b"\x1b[?25h" } else { b"\x1b[?25l" });
            self.cursor_visible = Some(visible);
        }
    }
}

/// The SGR parameters for a colour: the 16 base colours as 30–37/90–97 (40–47/100–107).
fn colour(out: &mut Vec<u8>, c: Color, background: bool) {
    let base = |out: &mut Vec<u8>, n: u8| {
        let n = if n < 8 { 30 + n } else { 90 + n - 8 };
        let _ = write!(out, "{}", if background { n + 10 } else { n });
    };
    let layer = if background { 48 } else { 38 };
    match c {
        Color::Reset => out.extend_from_slice(if background { b"49" } else { b"39" }),
        Color::Black => base(out, 0),
        Color::Red => base(out, 1),
        Color::Green => base(out, 2),
        Color::Yellow => base(out, 3),
        Color::Blue => base(out, 4),
        Color::Magenta => base(out, 5),
        Color::Cyan => base(out, 6),
        Color::Gray => base(out, 7),
        Color::DarkGray => base(out, 8),
        Color::LightRed => base(out, 9),
        Color::LightGreen => base(out, 10),
        Color::LightYellow => base(out, 11),
        Color::LightBlue => base(out, 12),
        Color::LightMagenta => base(out, 13),
        Color::LightCyan => base(out, 14),
        Color::White => base(out, 15),
        Color::Indexed(n) if n < 16 => base(out, n),
        Color::Indexed(n) => {
            let _ = write!(out, "{layer};5;{n}");
        }
        Color::Rgb(r, g, b) => {
            let _ = write!(out, "{layer};2;{r};{g};{b}");
        }
    }
}

/// A cell whose text is all there is to it: no diff option that says otherwise (in the shadow,
/// `Skip` marks a cell drawn by someone else, whose content is not known).
fn plain(cell: &View<'_>) -> bool {
    cell.diff_option == CellDiffOption::None
}

/// The columns a cell's text takes, without a table look-up for plain ASCII.
fn columns(symbol: &str) -> usize {
    match symbol.as_bytes() {
        [b] if (b' '..=b'~').contains(b) => 1,
        _ => symbol.width(),
    }
}

fn digits(n: u16) -> usize {
    match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        _ => 5,
    }
}

/// Modifiers that show on a blank cell (ratatui's `VISIBLE_ON_BLANK`).
const VISIBLE_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::SLOW_BLINK)
    .union(Modifier::RAPID_BLINK)
    .union(Modifier::CROSSED_OUT);

/// The cells that changed from one frame to the next, by the rules of ratatui's `Buffer::diff`
/// (ratatui 0.30, ratatui-core 0.1), so that the same cells are written as through `Terminal`:
/// a cell under a wide character is not compared, a `Skip` cell is never written, a wide
/// character replaced by a narrower one in a colour or attribute that shows on blanks has the
/// cells it covered written again, and the cells under an emoji with VS16 are written where
/// their symbol changed.
///
/// It steps over the previous frame (the shadow) and the next one together, and copies each cell
/// of the next into the shadow once it has been looked at for the last time, so that when it is
/// done the shadow is the next frame and no second buffer is needed.
#[derive(Default)]
struct Diff {
    /// The next cell to look at.
    pos: usize,
    /// The cells under a wide character still to look at.
    trailing: Option<Trailing>,
}

struct Trailing {
    next: usize,
    end: usize,
    /// Written whatever they hold (the old character's style showed on them), not only where
    /// their symbol changed.
    force: bool,
}

/// Whether ratatui's diff passes over `cell` (its `is_skip`).
#[allow(deprecated)]
fn skipped(cell: &Cell) -> bool {
    cell.diff_option == CellDiffOption::Skip
        || (cell.skip && cell.diff_option == CellDiffOption::None)
}

/// The shadow's cells in `range` become the next frame's.
fn sync(shadow: &mut Shadow, next: &[Cell], range: std::ops::Range<usize>) {
    let end = range.end.min(shadow.len()).min(next.len());
    let start = range.start.min(end);
    for (i, cell) in next[start..end].iter().enumerate() {
        if !shadow.equals(start + i, cell) {
            shadow.set(start + i, cell);
        }
    }
}

impl Diff {
    /// The index of the next cell to write, if any.
    fn step(&mut self, shadow: &mut Shadow, next: &[Cell]) -> Option<usize> {
        let len = next.len().min(shadow.len());
        if let Some(t) = &mut self.trailing {
            while t.next < t.end {
                let j = t.next;
                let width = usize::from(next[j].cell_width().max(1));
                t.next += width;
                t.end = t.end.max(t.next).min(len);
                let write = !skipped(&next[j]) && (t.force || shadow.symbol(j) != next[j].symbol());
                sync(shadow, next, j..t.next);
                if write {
                    return Some(j);
                }
            }
            self.pos = t.end;
            self.trailing = None;
        }
        while self.pos < len {
            let i = self.pos;
            self.pos += 1;
            let current = &next[i];
            match current.diff_option {
                CellDiffOption::Skip => sync(shadow, next, i..i + 1),
                _ if skipped(current) => sync(shadow, next, i..i + 1),
                CellDiffOption::ForcedWidth(width) => {
                    self.pos = self.pos.saturating_add(usize::from(width.get() - 1));
                    let write = !shadow.equals(i, current);
                    sync(shadow, next, i..self.pos);
                    if write {
                        return Some(i);
                    }
                }
                CellDiffOption::None | CellDiffOption::AlwaysUpdate => {
                    let width = usize::from(current.cell_width());
                    if current.diff_option == CellDiffOption::None && shadow.equals(i, current) {
                        self.pos += width.saturating_sub(1);
                        sync(shadow, next, i + 1..self.pos);
                        continue;
                    }
                    let previous_width = usize::from(shadow.cell_width(i));
                    let previous = shadow.view(i);
                    let vs16 = width > 1 && current.symbol().contains('\u{FE0F}');
                    if vs16 {
                        self.trailing = Some(Trailing {
                            next: i + 1,
                            end: (i + width).min(len),
                            force: false,
                        });
                    } else if width > 1 {
                        self.pos += width - 1;
                    } else if previous_width > width
                        && (previous.bg != Color::Reset
                            || previous.modifier.intersects(VISIBLE_ON_BLANK))
                    {
                        self.trailing = Some(Trailing {
                            next: i + 1,
                            end: (i + previous_width).min(len),
                            force: true,
                        });
                    }
                    let skipped_to = match self.trailing {
                        Some(_) => i + 1,
                        None => self.pos,
                    };
                    // Known to differ (or to be written anyway): no second comparison.
                    shadow.set(i, current);
                    sync(shadow, next, i + 1..skipped_to);
                    return Some(i);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use ratatui::backend::TestBackend;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    use super::*;
    use crate::app::{Action, App, Config};
    use crate::content::Outline;
    use crate::ui;

    /// Draws the same app into this backend (through a VT emulator) and into a test buffer,
    /// after each action, and compares every cell.
    fn check(width: u16, height: u16, config: Config, actions: &[Action]) -> Vec<usize> {
        let now = Instant::now();
        let mut app = App::new(Outline::bundled(), config, now);
        app.update(Action::Resize { width, height }, now);
        let size = Size::new(width, height);
        let options = || TerminalOptions {
            viewport: Viewport::Fixed(ratatui::layout::Rect::new(0, 0, width, height)),
        };
        let mut lean = Lean::new(Vec::new(), size);
        let mut buf = Buffer::empty(ratatui::layout::Rect::new(0, 0, width, height));
        let mut test = Terminal::with_options(TestBackend::new(width, height), options()).unwrap();
        let mut vt = vt100::Parser::new(height, width, 0);
        let mut costs = Vec::new();
        for action in std::iter::once(Action::Touch).chain(actions.iter().cloned()) {
            app.update(action, now);
            ui::draw(&mut lean, &mut buf, &app).unwrap();
            test.draw(|f| f.render_widget(&app, f.area())).unwrap();
            let bytes = std::mem::take(lean.writer_mut());
            costs.push(bytes.len());
            vt.process(&bytes);
            if let Some(c) = ui::cursor(&app) {
                let (row, column) = vt.screen().cursor_position();
                assert_eq!((column, row), (c.position.x, c.position.y), "cursor");
                assert_eq!(vt.screen().hide_cursor(), !c.visible, "cursor shown");
            }
            let expected = test.backend().buffer();
            for y in 0..height {
                for x in 0..width {
                    let want = &expected[(x, y)];
                    let got = vt.screen().cell(y, x).unwrap();
                    if got.is_wide_continuation() {
                        continue;
                    }
                    let symbol = match got.contents() {
                        "" => " ",
                        s => s,
                    };
                    assert_eq!(symbol, want.symbol(), "symbol at {x},{y}");
                    assert_eq!(
                        got.bold(),
                        want.modifier.contains(Modifier::BOLD),
                        "bold at {x},{y}"
                    );
                    assert_eq!(
                        got.inverse(),
                        want.modifier.contains(Modifier::REVERSED),
                        "reverse at {x},{y}"
                    );
                    assert_eq!(
                        got.underline(),
                        want.modifier.contains(Modifier::UNDERLINED),
                        "underline at {x},{y}"
                    );
                    assert_eq!(
                        got.bgcolor() == vt100::Color::Default,
                        want.bg == Color::Reset,
                        "background at {x},{y}"
                    );
                }
            }
        }
        costs
    }

    #[test]
    fn screens_match_a_reference_rendering() {
        use Action::*;
        let keys = [
            Down,
            Down,
            Down,
            Last,
            First,
            Jump(3),
            FocusNext,
            PageDown,
            Down,
            FocusPrev,
            Help,
            Down,
            Back,
            SearchOpen,
            SearchInput("ko".into()),
            SearchInput("mmun".into()),
            SearchDone,
            NextMatch,
            Back,
            Left,
            Up,
            Left,
            Right,
            ToggleColour,
            Jump(6),
            Resize {
                width: 50,
                height: 15,
            },
        ];
        for (w, h) in [(80, 24), (40, 12), (120, 40)] {
            check(w, h, Config::default(), &keys);
            let config = Config {
                colour: true,
                ..Config::default()
            };
            check(w, h, config, &keys);
        }
    }

    #[test]
    fn an_arrow_costs_little_more_than_the_cells_it_changes() {
        let config = Config {
            colour: true,
            ..Config::default()
        };
        let costs = check(80, 24, config, &[Action::Down, Action::Down, Action::Up]);
        // The first frame, then each arrow.
        assert!(costs[0] < 4000, "{costs:?}");
        assert!(costs[1..].iter().all(|&c| c < 700), "{costs:?}");
    }

    #[test]
    fn the_cursor_goes_last_and_hides_while_cells_are_written() {
        let area = ratatui::layout::Rect::new(0, 0, 10, 3);
        let mut lean = Lean::new(Vec::new(), area.as_size());
        let mut buf = Buffer::empty(area);
        let mut frame = |text: &str, cursor: Option<Cursor>| {
            lean.park(cursor);
            buf.reset();
            buf.set_string(0, 0, text, ratatui::style::Style::new());
            lean.draw(&buf).unwrap();
            String::from_utf8(std::mem::take(lean.writer_mut())).unwrap()
        };
        let at = |x, y, visible| {
            Some(Cursor {
                position: Position::new(x, y),
                visible,
            })
        };
        assert_eq!(
            frame("abc", at(2, 1, true)),
            "\x1b[1H\x1b[0mabc\x1b[2;3H\x1b[?25h"
        );
        // Shown: hidden before the cells, shown again once it is back in place.
        assert_eq!(
            frame("abd", at(2, 1, true)),
            "\x1b[?25l\x1b[1;3Hd\x1b[2;3H\x1b[?25h"
        );
        // Nothing changed: nothing written.
        assert_eq!(frame("abd", at(2, 1, true)), "");
        // Parked, hidden: moved there all the same.
        assert_eq!(frame("abd", at(0, 2, false)), "\x1b[3H\x1b[?25l");
        assert_eq!(frame("xbd", at(0, 2, false)), "\x1b[1Hx\x1b[3H");
    }

    /// Frames of short strings (narrow, wide, an emoji with VS16, blanks) in styles that differ
    /// in what shows on a blank, with a few cells left to someone else (`Skip`).
    fn frames() -> impl proptest::strategy::Strategy<Value = Vec<Buffer>> {
        use proptest::prelude::*;
        const TEXTS: [&str; 7] = [
            "ab",
            "コ",
            "日本x",
            "\u{2764}\u{FE0F}",
            "   ",
            "a\u{0301}",
            "ü",
        ];
        let styles = [
            ratatui::style::Style::new(),
            ratatui::style::Style::new().bg(Color::Blue),
            ratatui::style::Style::new().add_modifier(Modifier::REVERSED),
            ratatui::style::Style::new().fg(Color::Red),
        ];
        const W: u16 = 6;
        const H: u16 = 2;
        let put = (0..W, 0..H, 0..TEXTS.len(), 0..styles.len(), any::<bool>());
        let frame = proptest::collection::vec(put, 0..16).prop_map(move |puts| {
            let mut buf = Buffer::empty(ratatui::layout::Rect::new(0, 0, W, H));
            for (x, y, text, style, skip) in puts {
                if skip && text == 0 {
                    buf[(x, y)].set_diff_option(CellDiffOption::Skip);
                } else {
                    buf.set_string(x, y, TEXTS[text], styles[style]);
                }
            }
            buf
        });
        proptest::collection::vec(frame, 2..8)
    }

    proptest::proptest! {
        // A failing case is printed; none is written beside the sources.
        #![proptest_config(proptest::test_runner::Config {
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        /// The cells written are the ones ratatui's own diff would hand a backend, frame after
        /// frame, and the shadow ends up as the frame.
        #[test]
        fn the_diff_is_ratatuis(frames in frames()) {
            let mut previous = Buffer::empty(frames[0].area);
            let mut shadow = Shadow::blank(previous.content.len());
            for next in frames {
                let theirs: Vec<usize> = previous
                    .diff(&next)
                    .iter()
                    .map(|&(x, y, _)| next.index_of(x, y))
                    .collect();
                let mut diff = Diff::default();
                let ours: Vec<usize> =
                    std::iter::from_fn(|| diff.step(&mut shadow, &next.content)).collect();
                proptest::prop_assert_eq!(ours, theirs);
                proptest::prop_assert!(
                    next.content.iter().enumerate().all(|(i, cell)| shadow.equals(i, cell))
                );
                let (cells, slots) = shadow.long_symbols();
                proptest::prop_assert_eq!(cells, slots);
                previous = next;
            }
        }
    }

    #[test]
    fn sgr_sets_only_what_changes() {
        let mut lean = Lean::new(Vec::new(), Size::new(10, 2));
        lean.set_pen(Pen::DEFAULT);
        assert_eq!(lean.frame, b"\x1b[0m");
        lean.frame.clear();
        let bold_yellow = Pen {
            fg: Color::Yellow,
            bg: Color::Reset,
            modifier: Modifier::BOLD,
        };
        lean.set_pen(bold_yellow);
        assert_eq!(lean.frame, b"\x1b[1;33m");
        lean.frame.clear();
        lean.set_pen(Pen {
            modifier: Modifier::BOLD | Modifier::REVERSED,
            ..bold_yellow
        });
        assert_eq!(lean.frame, b"\x1b[7m");
        lean.frame.clear();
        lean.set_pen(Pen::DEFAULT);
        assert_eq!(lean.frame, b"\x1b[0m");
    }

    #[test]
    fn colours_are_the_sixteen_base_codes() {
        let colour = |c, background| {
            let mut out = Vec::new();
            super::colour(&mut out, c, background);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(colour(Color::Blue, false), "34");
        assert_eq!(colour(Color::LightCyan, false), "96");
        assert_eq!(colour(Color::Yellow, true), "43");
        assert_eq!(colour(Color::DarkGray, true), "100");
        assert_eq!(colour(Color::Reset, true), "49");
    }
}
