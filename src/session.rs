//! The session core, sans I/O: one person's interface from the bytes their terminal sends to the
//! bytes it should be sent. It owns the `App`, the input [`Decoder`] and the frame writer, and
//! knows nothing of file descriptors, sockets, threads or clocks: the caller feeds it bytes,
//! sizes and the time, asks it for its next deadline, and writes out what it hands back
//! (the shape of quinn-proto's connection). The local terminal (`terminal`) and each SSH
//! visitor (`serve::session`) are thin shells around it, so the two fronts cannot drift apart.

use std::time::Instant;

use ratatui::Terminal;
use ratatui::crossterm::event::Event;
use ratatui::layout::{Rect, Size};

use crate::app::{Action, App, Effect};
use crate::backend::FrameWriter;
use crate::input::Decoder;
use crate::keymap::{self, Context, KeySpec};
use crate::ui;

/// What the interface turns on at start: the alternate screen, a hidden cursor, bracketed
/// paste.
const ENTER: &[u8] = b"\x1b[?1049h\x1b[?25l\x1b[?2004h";
/// Mouse clicks and wheel only (no motion reports, which would cost bytes on every move), in
/// SGR encoding where the terminal knows it; one that does not (the Linux console) ignores
/// `?1006h` and sends the normal encoding, which the decoder reads as well.
const MOUSE_ON: &[u8] = b"\x1b[?1000h\x1b[?1006h";
/// Turns off everything the start turned on: attributes, mouse reports, bracketed paste, the
/// alternate screen, the hidden cursor. Harmless where mouse reports were never on.
pub const LEAVE: &[u8] = b"\x1b[0m\x1b[?1006l\x1b[?1000l\x1b[?2004l\x1b[?1049l\x1b[?25h";

/// Why a session is over, as far as the interface is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The user quit (or, in kiosk mode, pressed the admin exit key).
    Quit,
}

/// One interface session.
pub struct Session {
    app: App,
    decoder: Decoder,
    /// ratatui's terminal: the frame the screen shows and the next one, and the frame writer
    /// that turns what changed between them into bytes.
    terminal: Terminal<FrameWriter>,
    admin_exit: Option<KeySpec>,
    /// Bytes for the terminal that the caller has not taken yet.
    out: Vec<u8>,
    /// Something changed since the last frame.
    dirty: bool,
    /// The next frame repaints the whole screen.
    full: bool,
    /// When the decoder's open sequence settles, if one is open.
    settle: Option<Instant>,
    ended: Option<Ended>,
    events: Vec<Event>,
}

impl Session {
    /// Starts `app` on a `width`×`height` terminal at `now`: the bytes that enter the
    /// interface and draw its first frame are ready for [`Session::take_output`].
    pub fn new(
        mut app: App,
        admin_exit: Option<KeySpec>,
        width: u16,
        height: u16,
        now: Instant,
    ) -> Session {
        let _ = app.update(Action::Resize { width, height }, now);
        let mut out = ENTER.to_vec();
        if app.config.mouse {
            out.extend_from_slice(MOUSE_ON);
        }
        let backend = FrameWriter::new(Size::new(width, height));
        let Ok(terminal) = Terminal::new(backend);
        Session {
            app,
            decoder: Decoder::default(),
            terminal,
            admin_exit,
            out,
            dirty: true,
            full: false,
            settle: None,
            ended: None,
            events: Vec::new(),
        }
    }

    /// The model, for the shells' logs and for tests.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Set once the session is over; the shell then writes [`LEAVE`] and stops.
    pub fn ended(&self) -> Option<Ended> {
        self.ended
    }

    /// Bytes from the terminal, as they arrived at `now`.
    pub fn feed(&mut self, bytes: &[u8], now: Instant) {
        let mut events = std::mem::take(&mut self.events);
        self.decoder.feed(bytes, &mut events);
        self.settle = self.decoder.flush_after().map(|d| now + d);
        self.handle(events, now);
    }

    /// One event at `now`, for a shell whose platform hands it events rather than bytes
    /// (crossterm's on the Windows console): the same keymap and update as decoded bytes.
    pub fn feed_event(&mut self, event: &Event, now: Instant) {
        match *event {
            Event::Resize(width, height) => self.resize(width, height, now),
            _ => self.event(event, now),
        }
    }

    /// The terminal is now `width`×`height`: the next frame repaints it all.
    pub fn resize(&mut self, width: u16, height: u16, now: Instant) {
        self.act(Action::Resize { width, height }, now);
        self.repaint();
    }

    /// The next frame repaints the whole screen: after a resize, or when frames were lost
    /// on the way to a client that fell behind.
    pub fn repaint(&mut self) {
        self.full = true;
        self.dirty = true;
    }

    /// The next moment the session has something to do without input, if any.
    pub fn deadline(&self) -> Option<Instant> {
        match (self.settle, self.app.deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Does what is due at `now`: a lone Esc becomes the key, an idle reset, a carousel step.
    pub fn tick(&mut self, now: Instant) {
        if self.settle.is_some_and(|due| due <= now) {
            self.settle = None;
            let mut events = std::mem::take(&mut self.events);
            self.decoder.flush(&mut events);
            self.handle(events, now);
        }
        if self.app.deadline().is_some_and(|due| due <= now) {
            self.act(Action::Tick, now);
        }
    }

    /// Everything the terminal should be sent now: a frame if anything changed, and whatever
    /// else is queued (the start, a clipboard copy). Empty when nothing is due.
    pub fn take_output(&mut self) -> Vec<u8> {
        if self.dirty && self.ended.is_none() {
            self.draw();
        }
        std::mem::take(&mut self.out)
    }

    /// Acts on the decoded `events` in order, then keeps the emptied vector for the next ones.
    fn handle(&mut self, mut events: Vec<Event>, now: Instant) {
        for event in events.drain(..) {
            self.event(&event, now);
        }
        self.events = events;
    }

    fn event(&mut self, event: &Event, now: Instant) {
        if self.ended.is_some() {
            return;
        }
        if let Some(action) = keymap::map(event, Context::of(&self.app, self.admin_exit)) {
            self.act(action, now);
        }
    }

    fn act(&mut self, action: Action, now: Instant) {
        let update = self.app.update(action, now);
        self.dirty |= update.redraw;
        match update.effect {
            Some(Effect::Quit) => self.ended = Some(Ended::Quit),
            Some(Effect::Copy(text)) => clipboard(&mut self.out, &text),
            None => {}
        }
    }

    /// Draws a frame through ratatui's `Terminal`, which hands the frame writer the cells that
    /// changed; the cursor ends on the focused item (see [`ui::cursor`]), shown or only parked
    /// there for braille displays.
    fn draw(&mut self) {
        let (width, height) = (self.app.width, self.app.height);
        if self.full {
            // ratatui clears the screen and forgets what it showed.
            self.full = false;
            self.terminal.backend_mut().resize(Size::new(width, height));
            let Ok(()) = self.terminal.resize(Rect::new(0, 0, width, height));
        }
        let cursor = ui::cursor(&self.app);
        let shown = cursor.filter(|c| c.visible).map(|c| c.position);
        let Ok(_) = self.terminal.draw(|frame| {
            frame.render_widget(&self.app, frame.area());
            if let Some(position) = shown {
                frame.set_cursor_position(position);
            }
        });
        if let Some(parked) = cursor.filter(|c| !c.visible) {
            let Ok(()) = self.terminal.set_cursor_position(parked.position);
        }
        self.out.append(&mut self.terminal.backend_mut().take());
        self.dirty = false;
    }
}

/// Puts `text` on the terminal's clipboard with OSC 52; the payload is base64, so no byte of
/// the content reaches the terminal raw.
fn clipboard(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(b"\x1b]52;c;");
    out.extend_from_slice(base64(text.as_bytes()).as_bytes());
    out.push(0x07);
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
