//! Bytes from an SSH channel to the terminal events the local interface gets from crossterm.
//!
//! termina's parser reads keys with modifiers, SGR mouse reports and bracketed paste from a byte
//! buffer; [`convert`] turns its events into crossterm's, so [`crate::keymap::map`] and the `App`
//! behind it are the same for a local terminal and a visitor over SSH.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};
use termina::event as t;

/// How many bytes may wait in an unfinished sequence (an endless paste, a CSI that never ends)
/// before they are thrown away; the parser re-reads its whole buffer on every byte.
pub const MAX_PENDING: usize = 8 * 1024;

/// Where a bracketed paste starts and ends.
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Turns the bytes a visitor's terminal sends into events, across packet boundaries.
#[derive(Debug, Default)]
pub struct Decoder {
    parser: termina::Parser,
    /// Bytes fed since the last completed event: an upper bound on what the parser holds.
    pending: usize,
    /// The last chunk may have ended inside a sequence; [`Decoder::flush`] is due after a pause.
    unsure: bool,
    /// A paste has started and not ended.
    in_paste: bool,
    /// A paste was too long: everything up to its end is thrown away, so none of it is read
    /// as keys.
    skipping: bool,
    /// The last bytes seen, to find a paste marker cut between two packets.
    tail: Vec<u8>,
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

impl Decoder {
    /// Feeds bytes as they arrived; a sequence cut at the end waits for the next packet, or for
    /// [`Decoder::flush`].
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        if bytes.is_empty() {
            return Vec::new();
        }
        let mut seen = std::mem::take(&mut self.tail);
        let carried = seen.len();
        seen.extend_from_slice(bytes);
        let start = rfind(&seen, PASTE_START);
        let end = rfind(&seen, PASTE_END);
        self.tail = seen[seen.len().saturating_sub(PASTE_END.len() - 1)..].to_vec();
        let mut bytes = bytes;
        if self.skipping {
            match end {
                // The paste is over: what follows its end is input again.
                Some(at) => {
                    self.skipping = false;
                    self.in_paste = false;
                    bytes = &bytes[(at + PASTE_END.len()).saturating_sub(carried)..];
                }
                None => return Vec::new(),
            }
        } else {
            match (start, end) {
                (Some(s), Some(e)) => self.in_paste = s > e,
                (Some(_), None) => self.in_paste = true,
                (None, Some(_)) => self.in_paste = false,
                (None, None) => {}
            }
        }
        self.parser.parse(bytes, true);
        let events = self.drain();
        if events.is_empty() {
            self.pending += bytes.len();
        } else {
            self.pending = 0;
        }
        if self.pending > MAX_PENDING {
            self.parser = termina::Parser::default();
            self.pending = 0;
            self.skipping = self.in_paste;
        }
        // Only an escape or a cut UTF-8 character can leave bytes waiting.
        self.unsure = bytes.contains(&0x1b) || bytes.last().is_some_and(|&b| b >= 0x80);
        events
    }

    /// True when bytes may be waiting for [`Decoder::flush`].
    pub fn needs_flush(&self) -> bool {
        self.unsure
    }

    /// Ends whatever is waiting: after a pause, a lone Esc is the Esc key, not the start of a
    /// sequence.
    pub fn flush(&mut self) -> Vec<Event> {
        self.unsure = false;
        self.pending = 0;
        self.parser.parse(&[], false);
        self.drain()
    }

    fn drain(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.parser.pop())
            .filter_map(convert)
            .collect()
    }
}

/// One termina event as crossterm would have reported it, or `None` for terminal replies (CSI,
/// OSC, DCS) that are not input.
pub fn convert(event: t::Event) -> Option<Event> {
    match event {
        t::Event::Key(key) => key_event(key).map(Event::Key),
        t::Event::Mouse(mouse) => mouse_event(mouse).map(Event::Mouse),
        t::Event::Paste(text) => Some(Event::Paste(text)),
        t::Event::FocusIn => Some(Event::FocusGained),
        t::Event::FocusOut => Some(Event::FocusLost),
        t::Event::WindowResized(size) => Some(Event::Resize(size.cols, size.rows)),
        t::Event::Csi(_) | t::Event::Osc(_) | t::Event::Dcs(_) => None,
    }
}

fn key_event(key: t::KeyEvent) -> Option<KeyEvent> {
    let code = match key.code {
        t::KeyCode::Char(c) => KeyCode::Char(c),
        t::KeyCode::Enter => KeyCode::Enter,
        t::KeyCode::Backspace => KeyCode::Backspace,
        t::KeyCode::Tab => KeyCode::Tab,
        t::KeyCode::Escape => KeyCode::Esc,
        t::KeyCode::Left => KeyCode::Left,
        t::KeyCode::Right => KeyCode::Right,
        t::KeyCode::Up => KeyCode::Up,
        t::KeyCode::Down => KeyCode::Down,
        t::KeyCode::Home => KeyCode::Home,
        t::KeyCode::End => KeyCode::End,
        t::KeyCode::BackTab => KeyCode::BackTab,
        t::KeyCode::PageUp => KeyCode::PageUp,
        t::KeyCode::PageDown => KeyCode::PageDown,
        t::KeyCode::Insert => KeyCode::Insert,
        t::KeyCode::Delete => KeyCode::Delete,
        t::KeyCode::KeypadBegin => KeyCode::KeypadBegin,
        t::KeyCode::CapsLock => KeyCode::CapsLock,
        t::KeyCode::ScrollLock => KeyCode::ScrollLock,
        t::KeyCode::NumLock => KeyCode::NumLock,
        t::KeyCode::PrintScreen => KeyCode::PrintScreen,
        t::KeyCode::Pause => KeyCode::Pause,
        t::KeyCode::Menu => KeyCode::Menu,
        t::KeyCode::Null => KeyCode::Null,
        t::KeyCode::Function(n) => KeyCode::F(n),
        t::KeyCode::Modifier(_) | t::KeyCode::Media(_) => return None,
    };
    let kind = match key.kind {
        t::KeyEventKind::Press => KeyEventKind::Press,
        t::KeyEventKind::Release => KeyEventKind::Release,
        t::KeyEventKind::Repeat => KeyEventKind::Repeat,
    };
    let mut state = KeyEventState::NONE;
    if key.state.contains(t::KeyEventState::KEYPAD) {
        state |= KeyEventState::KEYPAD;
    }
    Some(KeyEvent {
        code,
        modifiers: modifiers(key.modifiers),
        kind,
        state,
    })
}

fn modifiers(m: t::Modifiers) -> KeyModifiers {
    let pairs = [
        (t::Modifiers::SHIFT, KeyModifiers::SHIFT),
        (t::Modifiers::ALT, KeyModifiers::ALT),
        (t::Modifiers::CONTROL, KeyModifiers::CONTROL),
        (t::Modifiers::SUPER, KeyModifiers::SUPER),
        (t::Modifiers::HYPER, KeyModifiers::HYPER),
        (t::Modifiers::META, KeyModifiers::META),
    ];
    pairs
        .into_iter()
        .filter(|(from, _)| m.contains(*from))
        .fold(KeyModifiers::NONE, |acc, (_, to)| acc | to)
}

fn mouse_event(mouse: t::MouseEvent) -> Option<MouseEvent> {
    let button = |b: t::MouseButton| match b {
        t::MouseButton::Left => MouseButton::Left,
        t::MouseButton::Right => MouseButton::Right,
        t::MouseButton::Middle => MouseButton::Middle,
    };
    let kind = match mouse.kind {
        t::MouseEventKind::Down(b) => MouseEventKind::Down(button(b)),
        t::MouseEventKind::Up(b) => MouseEventKind::Up(button(b)),
        t::MouseEventKind::Drag(b) => MouseEventKind::Drag(button(b)),
        t::MouseEventKind::Moved => MouseEventKind::Moved,
        t::MouseEventKind::ScrollDown => MouseEventKind::ScrollDown,
        t::MouseEventKind::ScrollUp => MouseEventKind::ScrollUp,
        t::MouseEventKind::ScrollLeft => MouseEventKind::ScrollLeft,
        t::MouseEventKind::ScrollRight => MouseEventKind::ScrollRight,
    };
    Some(MouseEvent {
        kind,
        column: mouse.column,
        row: mouse.row,
        modifiers: modifiers(mouse.modifiers),
    })
}
