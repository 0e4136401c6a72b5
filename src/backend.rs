//! A ratatui [`Backend`] that writes few bytes into memory: what a slow SSH link pays for every
//! keystroke.
//!
//! ratatui's [`Terminal`](ratatui::Terminal) keeps the frames and hands this backend the cells
//! that changed, row by row; the backend chooses the cheapest bytes for them. It writes a short
//! stretch of unchanged cells rather than a cursor move around them, moves along a row with
//! `CUF`, `CUB`, `CR` or `CHA` and one row down with `CUD` rather than an absolute `CUP` when
//! that is shorter, clears the rest of a row with one `EL` where the row ends blank and a stretch
//! of blanks with one `ECH`, and changes only the SGR attributes that differ. For the first two
//! it remembers, two bytes a cell, what it wrote where: a plain ASCII character and the
//! attributes it was written in, or only that the cell is one column wide, or nothing. That is
//! what the terminal shows, whatever ratatui's cells hold, so a cell it knows nothing of is only
//! moved around, never written wrong.
//!
//! The cursor goes last: ratatui shows it or hides it after the cells, and the backend writes
//! that once the frame's cells and the cursor's move are out, so a shown cursor is hidden while
//! the cells are written and never rests anywhere in between for a braille display to follow.
//! Nothing leaves the backend until its owner takes the frame's bytes ([`FrameWriter::take`]).

use std::io::Write as _;

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Cell, CellDiffOption};
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

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
enum Move {
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

    fn of(cell: &Cell) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
        }
    }
}

/// What the backend knows of one cell of the screen, from what it wrote there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Known {
    /// [`UNKNOWN`], [`NARROW`], or the printable ASCII character shown.
    symbol: u8,
    /// The index of its pen in the backend's list of pens, when `symbol` is a character.
    pen: u8,
}

/// Nothing is known of the cell: it may be anything, even half of a wide character.
const UNKNOWN: u8 = 0;
/// The cell shows one character a column wide, but not one cheap to write again.
const NARROW: u8 = 1;

impl Known {
    const NOTHING: Known = Known {
        symbol: UNKNOWN,
        pen: 0,
    };
    /// A blank in the default pen (pen 0), as a cleared screen shows.
    const BLANK: Known = Known {
        symbol: b' ',
        pen: 0,
    };

    fn narrow(self) -> bool {
        self.symbol != UNKNOWN
    }
}

/// The frame writer, as the backend of a ratatui `Terminal`.
#[derive(Debug)]
pub struct FrameWriter {
    /// Bytes written and not taken yet.
    out: Vec<u8>,
    size: Size,
    /// What each cell shows, row by row, as far as it is known.
    screen: Vec<Known>,
    /// The pens cells were written in; the first is the default. At most 256.
    pens: Vec<Pen>,
    /// Where the terminal's cursor is, when known.
    cursor: Option<(u16, u16)>,
    /// The SGR state of the terminal, when known, and its index in `pens` if it has one.
    pen: Option<(Pen, Option<u8>)>,
    /// Whether the terminal shows its cursor, when known.
    visible: Option<bool>,
    /// Whether ratatui asked for the cursor to be shown at the end of the frame.
    show: bool,
    /// Nothing was written since the screen was cleared.
    cleared: bool,
}

impl FrameWriter {
    /// A backend for a `size` terminal that shows a blank screen (as the alternate screen
    /// does when entered).
    pub fn new(size: Size) -> FrameWriter {
        let mut writer = FrameWriter {
            out: Vec::with_capacity(8 * 1024),
            size: Size::ZERO,
            screen: Vec::new(),
            pens: vec![Pen::DEFAULT],
            cursor: None,
            pen: None,
            visible: None,
            show: false,
            cleared: false,
        };
        writer.resize(size);
        writer
    }

    /// The terminal is now `size`; its `Terminal` is resized next, which clears it.
    pub fn resize(&mut self, size: Size) {
        self.size = size;
        // What a terminal shows after it changes size is its own business: cleared again.
        self.cleared = false;
        self.screen.clear();
        self.screen.resize(
            usize::from(size.width) * usize::from(size.height),
            Known::BLANK,
        );
    }

    /// The bytes of everything drawn since the last call, for one write.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    fn index(&self, x: u16, y: u16) -> Option<usize> {
        (x < self.size.width && y < self.size.height)
            .then(|| usize::from(y) * usize::from(self.size.width) + usize::from(x))
    }

    fn known(&self, x: u16, y: u16) -> Known {
        self.index(x, y).map_or(Known::NOTHING, |i| self.screen[i])
    }

    fn set_known(&mut self, x: u16, y: u16, known: Known) {
        if let Some(i) = self.index(x, y) {
            self.screen[i] = known;
        }
    }

    /// The index of `pen` in the list of pens, added if there is room.
    fn pen_index(&mut self, pen: Pen) -> Option<u8> {
        if let Some(i) = self.pens.iter().position(|&p| p == pen) {
            return u8::try_from(i).ok();
        }
        let i = u8::try_from(self.pens.len()).ok()?;
        self.pens.push(pen);
        Some(i)
    }

    /// What `cell` will show once written.
    fn known_of(&mut self, cell: &Cell) -> Known {
        if cell.diff_option != CellDiffOption::None {
            return Known::NOTHING;
        }
        let symbol = match cell.symbol().as_bytes() {
            [b] if (b' '..=b'~').contains(b) => *b,
            _ if columns(cell.symbol()) == 1 => NARROW,
            _ => return Known::NOTHING,
        };
        match self.pen_index(Pen::of(cell)) {
            Some(pen) => Known { symbol, pen },
            None => Known {
                symbol: NARROW,
                pen: 0,
            },
        }
    }

    /// The bytes of the cell at (`x`, `y`) if it can be written again as one cheap character in
    /// the current pen.
    fn cheap(&self, x: u16, y: u16) -> Option<usize> {
        let known = self.known(x, y);
        let pen = self.pen.and_then(|(_, i)| i);
        (known.symbol >= b' ' && Some(known.pen) == pen).then_some(1)
    }

    fn is_blank(&self, x: u16, y: u16) -> bool {
        self.index(x, y).is_some() && self.known(x, y) == Known::BLANK
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
                self.out.extend_from_slice(b"\x1b[B");
                self.go_along(way, cx, x, y);
            }
            _ if x == 0 => {
                let _ = write!(self.out, "\x1b[{}H", y + 1);
            }
            _ => {
                let _ = write!(self.out, "\x1b[{};{}H", y + 1, x + 1);
            }
        }
        self.cursor = Some((x, y));
    }

    /// The cheapest way along row `y` from column `from` to `x`, and its bytes.
    fn along(&self, from: u16, x: u16, y: u16) -> (usize, Move) {
        let csi = |n: u16| if n == 1 { 3 } else { 3 + digits(n) };
        // Each cell rewritten is a byte at least: only a few are ever worth looking at.
        let fill = |start: u16, best: usize| -> Option<usize> {
            if usize::from(x - start) >= best {
                return None;
            }
            (start..x).map(|gx| self.cheap(gx, y)).sum()
        };
        fn consider(best: &mut (usize, Move), bytes: usize, way: Move) {
            if bytes < best.0 {
                *best = (bytes, way);
            }
        }
        let mut best = (3 + digits(x + 1), Move::Column);
        match from.cmp(&x) {
            std::cmp::Ordering::Equal => consider(&mut best, 0, Move::Stay),
            std::cmp::Ordering::Less => {
                consider(&mut best, csi(x - from), Move::Forward);
                if let Some(bytes) = fill(from, best.0) {
                    consider(&mut best, bytes, Move::Rewrite);
                }
            }
            std::cmp::Ordering::Greater => consider(&mut best, csi(from - x), Move::Back),
        }
        if x == 0 {
            consider(&mut best, 1, Move::Return);
        } else if let Some(bytes) = fill(0, best.0.saturating_sub(1)) {
            consider(&mut best, 1 + bytes, Move::ReturnRewrite);
        }
        best
    }

    fn go_along(&mut self, way: Move, from: u16, x: u16, y: u16) {
        let rewrite = |writer: &mut FrameWriter, start: u16| {
            for gx in start..x {
                let symbol = writer.known(gx, y).symbol;
                writer.out.push(symbol);
            }
        };
        match way {
            Move::Stay => {}
            Move::Rewrite => rewrite(self, from),
            Move::Forward if x - from == 1 => self.out.extend_from_slice(b"\x1b[C"),
            Move::Forward => {
                let _ = write!(self.out, "\x1b[{}C", x - from);
            }
            Move::Back if from - x == 1 => self.out.extend_from_slice(b"\x1b[D"),
            Move::Back => {
                let _ = write!(self.out, "\x1b[{}D", from - x);
            }
            Move::Return => self.out.push(b'\r'),
            Move::ReturnRewrite => {
                self.out.push(b'\r');
                rewrite(self, 0);
            }
            Move::Column if x == 0 => self.out.extend_from_slice(b"\x1b[G"),
            Move::Column => {
                let _ = write!(self.out, "\x1b[{}G", x + 1);
            }
        }
    }

    /// Sets the SGR attributes to `to`, writing only what differs.
    fn set_pen(&mut self, to: Pen) {
        if self.pen.is_some_and(|(pen, _)| pen == to) {
            return;
        }
        let out = &mut self.out;
        out.extend_from_slice(b"\x1b[");
        let start = out.len();
        let from = match self.pen {
            Some((from, _)) if (from.modifier - to.modifier).is_empty() => from,
            _ => {
                out.push(b'0');
                Pen::DEFAULT
            }
        };
        // Written straight into the output: a pen changes many times a frame.
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
        let index = self.pen_index(to);
        self.pen = Some((to, index));
    }

    /// Writes `cell` at (`x`, `y`).
    fn put(&mut self, x: u16, y: u16, cell: &Cell) {
        self.move_to(x, y);
        self.set_pen(Pen::of(cell));
        let symbol = cell.symbol();
        self.out.extend_from_slice(symbol.as_bytes());
        let narrow = columns(symbol) == 1 && cell.diff_option == CellDiffOption::None;
        self.cursor = (narrow && x + 1 < self.size.width).then_some((x + 1, y));
    }

    /// Writes one row's changed cells, sorted by column; what the row will show once they are
    /// written is already in `screen`.
    fn draw_row(&mut self, y: u16, cells: &[(u16, &Cell)]) {
        // Where the row's blank tail starts: from there, one EL clears what changed.
        let mut tail = self.size.width;
        while tail > 0 && self.is_blank(tail - 1, y) {
            tail -= 1;
        }
        let erase_from = cells.iter().map(|&(x, _)| x).find(|&x| x >= tail);
        let worth = erase_from.is_some_and(|from| {
            let erased = cells.iter().filter(|&&(x, _)| x >= from).count();
            let safe = from == 0 || self.known(from - 1, y).narrow();
            safe && erased > 3
        });
        let mut i = 0;
        while i < cells.len() {
            let (x, cell) = cells[i];
            if worth && erase_from.is_some_and(|from| x >= from) {
                break;
            }
            // A stretch of cells that are all blank now, from this changed one to the last
            // changed one in it: one ECH erases it (erasing a cell that is blank already is
            // harmless, and cheaper than stepping over it).
            let mut end = x;
            let mut last = i;
            let mut cx = x;
            while self.is_blank(cx, y) {
                if let Ok(k) = cells[last..].binary_search_by_key(&cx, |&(x, _)| x) {
                    last += k;
                    end = cx + 1;
                }
                cx += 1;
            }
            let blanks = usize::from(end - x);
            let changed_in_it = last + 1 - i;
            let after_wide = x > 0 && !self.known(x - 1, y).narrow();
            if blanks >= ECH_FROM && changed_in_it >= ECH_FROM / 2 && !after_wide {
                self.move_to(x, y);
                self.set_pen(Pen::DEFAULT);
                let _ = write!(self.out, "\x1b[{blanks}X");
                // ECH leaves the cursor where it was.
                i = last + 1;
                continue;
            }
            self.put(x, y, cell);
            i += 1;
        }
        if let (true, Some(from)) = (worth, erase_from) {
            self.move_to(from, y);
            self.set_pen(Pen::DEFAULT);
            self.out.extend_from_slice(b"\x1b[K");
        }
    }

    /// Brings `screen` up to what row `y` shows once `cells` are written.
    fn learn_row(&mut self, y: u16, cells: &[(u16, &Cell)]) {
        for &(x, cell) in cells {
            let known = self.known_of(cell);
            self.set_known(x, y, known);
            // The cells a wide character covers.
            for gx in x + 1..x.saturating_add(columns(cell.symbol()) as u16) {
                self.set_known(gx, y, Known::NOTHING);
            }
        }
    }
}

impl Backend for FrameWriter {
    type Error = std::convert::Infallible;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut row: Vec<(u16, &Cell)> = Vec::new();
        let mut y = 0;
        for (x, cy, cell) in content {
            if cy != y && !row.is_empty() {
                self.learn_row(y, &row);
                self.draw_row(y, &row);
                row.clear();
            }
            if self.visible == Some(true) {
                // A shown cursor would be seen running over the cells as they are written:
                // hidden until the frame is done, then shown again where it belongs.
                self.out.extend_from_slice(b"\x1b[?25l");
                self.visible = Some(false);
            }
            y = cy;
            row.push((x, cell));
        }
        if !row.is_empty() {
            self.learn_row(y, &row);
            self.draw_row(y, &row);
            self.cleared = false;
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.show = false;
        Ok(())
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.show = true;
        Ok(())
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        Ok(self
            .cursor
            .map_or(Position::ORIGIN, |(x, y)| Position::new(x, y)))
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        let p = position.into();
        if p.x < self.size.width && p.y < self.size.height {
            self.move_to(p.x, p.y);
        }
        Ok(())
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        if clear_type == ClearType::All && self.cleared {
            return Ok(());
        }
        // Erased cells take the background of the pen.
        self.set_pen(Pen::DEFAULT);
        match clear_type {
            ClearType::All => {
                self.out.extend_from_slice(b"\x1b[H\x1b[2J");
                self.cursor = Some((0, 0));
                self.pens.truncate(1);
                self.pen = Some((Pen::DEFAULT, Some(0)));
                self.screen.fill(Known::BLANK);
                self.cleared = true;
                return Ok(());
            }
            ClearType::AfterCursor => self.out.extend_from_slice(b"\x1b[J"),
            ClearType::BeforeCursor => self.out.extend_from_slice(b"\x1b[1J"),
            ClearType::CurrentLine => self.out.extend_from_slice(b"\x1b[2K"),
            ClearType::UntilNewLine => self.out.extend_from_slice(b"\x1b[K"),
        }
        // Blank now, but which cells depends on where the cursor was: known no more.
        self.screen.fill(Known::NOTHING);
        self.cleared = false;
        Ok(())
    }

    fn size(&self) -> Result<Size, Self::Error> {
        Ok(self.size)
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        Ok(WindowSize {
            columns_rows: self.size,
            pixels: Size::ZERO,
        })
    }

    /// Ends the frame with the cursor shown or hidden, as ratatui asked: last, after its move.
    fn flush(&mut self) -> Result<(), Self::Error> {
        if self.visible != Some(self.show) {
            self.out.extend_from_slice(if self.show {
                b"\x1b[?25h"
            } else {
                b"\x1b[?25l"
            });
            self.visible = Some(self.show);
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use ratatui::backend::CrosstermBackend;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Style;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    use super::*;
    use crate::app::{Action, App, Config};
    use crate::content::Outline;
    use crate::ui;

    /// What a terminal shows in each cell: the text and every attribute.
    type Shown = (String, vt100::Color, vt100::Color, [bool; 5], bool);

    fn shown(screen: &vt100::Screen) -> Vec<Shown> {
        let (rows, columns) = screen.size();
        let mut cells = Vec::new();
        for y in 0..rows {
            for x in 0..columns {
                let c = screen.cell(y, x).expect("a cell on the screen");
                let attributes = [c.bold(), c.dim(), c.italic(), c.underline(), c.inverse()];
                // A cell never written shows a blank too.
                let text = match c.contents() {
                    "" => " ",
                    text => text,
                };
                cells.push((
                    text.to_string(),
                    c.fgcolor(),
                    c.bgcolor(),
                    attributes,
                    c.is_wide_continuation(),
                ));
            }
        }
        cells
    }

    fn writer(width: u16, height: u16) -> Terminal<FrameWriter> {
        let Ok(terminal) = Terminal::new(FrameWriter::new(Size::new(width, height)));
        terminal
    }

    /// Draws the app as the session does: the view, and the cursor on the focused item.
    fn draw(terminal: &mut Terminal<FrameWriter>, app: &App) -> Vec<u8> {
        let cursor = ui::cursor(app);
        let Ok(_) = terminal.draw(|frame| {
            frame.render_widget(app, frame.area());
            if let Some(c) = cursor.filter(|c| c.visible) {
                frame.set_cursor_position(c.position);
            }
        });
        if let Some(c) = cursor.filter(|c| !c.visible) {
            let Ok(()) = terminal.set_cursor_position(c.position);
        }
        terminal.backend_mut().take()
    }

    /// Draws the same app through this backend and through ratatui's crossterm backend, each
    /// into a VT emulator, after each action, and compares every cell and the cursor. Returns
    /// the bytes of each frame.
    fn check(width: u16, height: u16, config: Config, actions: &[Action]) -> Vec<usize> {
        let now = Instant::now();
        let mut app = App::new(Outline::bundled(), config, now);
        app.update(Action::Resize { width, height }, now);
        let mut ours = writer(width, height);
        let mut vt = vt100::Parser::new(height, width, 0);
        let mut costs = Vec::new();
        for action in std::iter::once(Action::Touch).chain(actions.iter().cloned()) {
            let resized = matches!(action, Action::Resize { .. });
            app.update(action, now);
            if resized {
                ours.backend_mut().resize(Size::new(app.width, app.height));
                let Ok(()) = ours.resize(Rect::new(0, 0, app.width, app.height));
                vt.screen_mut().set_size(app.height, app.width);
            }
            let bytes = draw(&mut ours, &app);
            costs.push(bytes.len());
            vt.process(&bytes);
            let (ours, theirs) = (shown(vt.screen()), shown(reference(&app).screen()));
            let differ = (0..ours.len()).find(|&i| ours[i] != theirs[i]);
            assert_eq!(
                differ.map(|i| (
                    i % usize::from(app.width),
                    i / usize::from(app.width),
                    &ours[i]
                )),
                differ.map(|i| (
                    i % usize::from(app.width),
                    i / usize::from(app.width),
                    &theirs[i]
                )),
                "the first cell that differs, after {costs:?}"
            );
            if let Some(c) = ui::cursor(&app) {
                let (row, column) = vt.screen().cursor_position();
                assert_eq!((column, row), (c.position.x, c.position.y), "cursor");
                assert_eq!(vt.screen().hide_cursor(), !c.visible, "cursor shown");
            }
        }
        costs
    }

    /// Bytes written by ratatui's crossterm backend, kept where a test can take them.
    #[derive(Clone, Default)]
    struct Written(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl std::io::Write for Written {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Written {
        fn take(&self) -> Vec<u8> {
            std::mem::take(&mut self.0.borrow_mut())
        }
    }

    /// ratatui's crossterm backend on an `area` terminal, writing into `written`.
    fn crossterm(area: Rect, written: &Written) -> Terminal<CrosstermBackend<Written>> {
        let options = TerminalOptions {
            viewport: Viewport::Fixed(area),
        };
        Terminal::with_options(CrosstermBackend::new(written.clone()), options).expect("in memory")
    }

    /// The app's screen as ratatui's own crossterm backend draws it on a blank terminal.
    fn reference(app: &App) -> vt100::Parser {
        let area = Rect::new(0, 0, app.width, app.height);
        let written = Written::default();
        crossterm(area, &written)
            .draw(|frame| frame.render_widget(app, area))
            .expect("in memory");
        let mut vt = vt100::Parser::new(app.height, app.width, 0);
        vt.process(&written.take());
        vt
    }

    #[test]
    fn screens_match_ratatuis_own_backend() {
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
            Down,
        ];
        for (w, h) in [(80, 24), (40, 12), (120, 40)] {
            check(w, h, Config::default(), &keys);
            let config = Config {
                colour: true,
                ..Config::default()
            };
            check(w, h, config, &keys);
            let config = Config {
                screen_reader: true,
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
        let mut terminal = writer(10, 3);
        let mut frame = |text: &str, cursor: Option<Cursor>| {
            let shown = cursor.filter(|c| c.visible).map(|c| c.position);
            let Ok(_) = terminal.draw(|frame| {
                frame.buffer_mut().set_string(0, 0, text, Style::new());
                if let Some(position) = shown {
                    frame.set_cursor_position(position);
                }
            });
            if let Some(c) = cursor.filter(|c| !c.visible) {
                let Ok(()) = terminal.set_cursor_position(c.position);
            }
            String::from_utf8(terminal.backend_mut().take()).expect("UTF-8")
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
        // Nothing changed: nothing written but where the cursor already is.
        assert_eq!(frame("abd", at(2, 1, true)), "");
        // Parked, hidden: moved there all the same.
        assert_eq!(frame("abd", at(0, 2, false)), "\x1b[?25l\x1b[3H");
        assert_eq!(frame("xbd", at(0, 2, false)), "\x1b[1Hx\x1b[3H");
    }

    /// Frames of short strings (narrow, wide, combining, blanks) in styles that differ in what
    /// shows on a blank.
    fn frames() -> impl proptest::strategy::Strategy<Value = Vec<Buffer>> {
        use proptest::prelude::*;
        const TEXTS: [&str; 7] = ["ab", "コ", "日本x", "   ", "a\u{0301}", "ü", "abcdefghij"];
        let styles = [
            Style::new(),
            Style::new().bg(Color::Blue),
            Style::new().add_modifier(Modifier::REVERSED),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::UNDERLINED | Modifier::ITALIC),
        ];
        const W: u16 = 12;
        const H: u16 = 3;
        let put = (0..W, 0..H, 0..TEXTS.len(), 0..styles.len());
        let frame = proptest::collection::vec(put, 0..16).prop_map(move |puts| {
            let mut buf = Buffer::empty(Rect::new(0, 0, W, H));
            for (x, y, text, style) in puts {
                buf.set_string(x, y, TEXTS[text], styles[style]);
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

        /// Frame after frame, the screen this backend's bytes make is the one ratatui's
        /// crossterm backend makes from the same frames.
        #[test]
        fn the_screen_is_the_one_ratatuis_backend_draws(frames in frames()) {
            let area = frames[0].area;
            let mut ours = writer(area.width, area.height);
            let written = Written::default();
            let mut theirs = crossterm(area, &written);
            let mut ours_vt = vt100::Parser::new(area.height, area.width, 0);
            let mut theirs_vt = vt100::Parser::new(area.height, area.width, 0);
            for next in frames {
                let Ok(_) = ours.draw(|f| f.buffer_mut().clone_from(&next));
                theirs.draw(|f| f.buffer_mut().clone_from(&next)).expect("in memory");
                ours_vt.process(&ours.backend_mut().take());
                theirs_vt.process(&written.take());
                proptest::prop_assert_eq!(shown(ours_vt.screen()), shown(theirs_vt.screen()));
            }
        }
    }

    #[test]
    fn sgr_sets_only_what_changes() {
        let mut writer = FrameWriter::new(Size::new(10, 2));
        writer.set_pen(Pen::DEFAULT);
        assert_eq!(writer.take(), b"\x1b[0m");
        let bold_yellow = Pen {
            fg: Color::Yellow,
            bg: Color::Reset,
            modifier: Modifier::BOLD,
        };
        writer.set_pen(bold_yellow);
        assert_eq!(writer.take(), b"\x1b[1;33m");
        writer.set_pen(Pen {
            modifier: Modifier::BOLD | Modifier::REVERSED,
            ..bold_yellow
        });
        assert_eq!(writer.take(), b"\x1b[7m");
        writer.set_pen(Pen::DEFAULT);
        assert_eq!(writer.take(), b"\x1b[0m");
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
