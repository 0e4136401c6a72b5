//! Input bytes to crossterm `Event`s: the one decoder for the local terminal and for every SSH
//! visitor, so both fronts read keys, mouse reports and pastes the same way, with the same limits.
//!
//! It is sans-I/O: the caller feeds bytes as they arrive and calls [`Decoder::flush`] once the
//! input has been quiet for as long as [`Decoder::flush_after`] says.
//! Three rules keep input bytes from turning into keys they are not:
//! - a bracketed paste is text however long it is: it is streamed, the first [`PASTE_KEEP`]
//!   bytes are kept for the search line and the rest is dropped, up to the paste's end;
//! - an escape sequence that is too long, malformed, or unfinished when the input goes quiet is
//!   dropped whole; string sequences (OSC, DCS, APC, PM, SOS) are dropped up to their end;
//! - a lone Esc, followed by nothing within [`ESC_DELAY`], is the Esc key.
//!
//! The key decoding follows crossterm's, so `keymap` sees the events crossterm would give.
//! (crossterm's own reader is not used: it waits for epoll edges and stops at its first event,
//! so input could sit unread, and after a hang-up it retries a failing read for ever,
//! crossterm#793.)

use std::time::Duration;

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// A lone Esc is the Esc key once this long has passed without the rest of a sequence.
pub const ESC_DELAY: Duration = Duration::from_millis(50);

/// Inside a paste, an Esc followed by this long a pause is taken for the Esc key, which ends a
/// paste whose end marker never came; longer than [`ESC_DELAY`], as a paste on a slow link
/// may stall just after an Esc that starts its end marker.
pub const PASTE_ESC_DELAY: Duration = Duration::from_millis(500);

/// Bytes that start a bracketed paste, and end it.
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Longest sequence kept while waiting for its end; past this it is dropped whole.
pub const MAX_SEQUENCE: usize = 64;

/// How much of a paste is kept: more than the search line takes (200 characters).
pub const PASTE_KEEP: usize = 1024;

/// Where the decoder is in the byte stream.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between events, or inside a sequence that is still short (kept in `buffer`).
    #[default]
    Ground,
    /// Dropping a control sequence up to its final byte (0x40–0x7e).
    SkipCsi,
    /// Dropping a string sequence up to BEL or ST (`ESC \`); `true` just after an ESC.
    SkipString(bool),
    /// Inside a bracketed paste; the number of bytes of [`PASTE_END`] matched so far.
    Paste(usize),
    /// A paste was ended by a lone Esc: the rest of its end marker may still come, and is
    /// dropped. The number of marker bytes seen.
    PasteTail(usize),
}

/// Turns input bytes into events; keeps an unfinished sequence for the next bytes.
#[derive(Debug, Default)]
pub struct Decoder {
    state: State,
    /// The sequence or character being read (at most [`MAX_SEQUENCE`] bytes).
    buffer: Vec<u8>,
    /// The kept part of the paste being read (at most [`PASTE_KEEP`] bytes).
    paste: Vec<u8>,
}

/// What the bytes of one sequence amount to.
enum Parsed {
    /// A whole event.
    Event(Event),
    /// A whole sequence that means nothing to us.
    Ignored,
    /// The start of a sequence: wait for more.
    Incomplete,
    /// The start of a string sequence, read up to its terminator and dropped.
    String,
}

impl Decoder {
    /// Decodes bytes as they arrived, pushing whole events to `events`.
    pub fn feed(&mut self, bytes: &[u8], events: &mut Vec<Event>) {
        for &byte in bytes {
            self.byte(byte, events);
        }
    }

    /// How long a pause in the input settles what is open (then [`Decoder::flush`] is due), or
    /// `None` when nothing waits on a pause.
    pub fn flush_after(&self) -> Option<Duration> {
        match self.state {
            State::Ground if self.buffer.is_empty() => None,
            State::Ground | State::SkipCsi | State::SkipString(_) | State::PasteTail(_) => {
                Some(ESC_DELAY)
            }
            State::Paste(1) => Some(PASTE_ESC_DELAY),
            State::Paste(_) => None,
        }
    }

    /// The input went quiet: a lone Esc is the key, an unfinished sequence is dropped whole,
    /// and a paste whose end marker got no further than its Esc ends there.
    pub fn flush(&mut self, events: &mut Vec<Event>) {
        match self.state {
            State::Ground => {
                if self.buffer.iter().all(|&b| b == 0x1b) {
                    for _ in 0..self.buffer.len() {
                        events.push(plain(KeyCode::Esc));
                    }
                }
                self.buffer.clear();
            }
            State::Paste(1) => {
                self.end_paste(events);
                self.state = State::PasteTail(1);
            }
            State::Paste(_) => {}
            State::SkipCsi | State::SkipString(_) | State::PasteTail(_) => {
                self.state = State::Ground;
            }
        }
    }

    fn byte(&mut self, byte: u8, events: &mut Vec<Event>) {
        match self.state {
            State::Ground => self.ground(byte, events),
            State::SkipCsi => {
                if byte == 0x1b {
                    self.state = State::Ground;
                    self.ground(byte, events);
                } else if !(0x20..=0x3f).contains(&byte) {
                    // A final byte ends it; anything else makes it malformed, and ends it too.
                    self.state = State::Ground;
                }
            }
            State::SkipString(after_esc) => {
                self.state = match (after_esc, byte) {
                    (_, 0x07) | (true, b'\\') => State::Ground,
                    (_, 0x1b) => State::SkipString(true),
                    _ => State::SkipString(false),
                };
            }
            State::Paste(matched) => self.paste_byte(matched, byte, events),
            State::PasteTail(seen) => {
                if PASTE_END.get(seen) == Some(&byte) {
                    let seen = seen + 1;
                    self.state = if seen == PASTE_END.len() {
                        State::Ground
                    } else {
                        State::PasteTail(seen)
                    };
                } else {
                    self.state = State::Ground;
                    self.ground(byte, events);
                }
            }
        }
    }

    fn ground(&mut self, byte: u8, events: &mut Vec<Event>) {
        self.buffer.push(byte);
        if self.buffer == PASTE_START {
            self.buffer.clear();
            self.paste.clear();
            self.state = State::Paste(0);
            return;
        }
        match parse(&self.buffer) {
            Parsed::Event(event) => {
                events.push(event);
                self.buffer.clear();
            }
            Parsed::Ignored => self.buffer.clear(),
            Parsed::String => {
                self.buffer.clear();
                self.state = State::SkipString(false);
            }
            Parsed::Incomplete => {
                if self.buffer.len() >= MAX_SEQUENCE {
                    // Too long to be anything we read: drop it, up to its end.
                    self.state = if self.buffer.starts_with(b"\x1b[") {
                        State::SkipCsi
                    } else {
                        State::Ground
                    };
                    self.buffer.clear();
                }
            }
        }
    }

    fn paste_byte(&mut self, matched: usize, byte: u8, events: &mut Vec<Event>) {
        if PASTE_END[matched] == byte {
            if matched + 1 == PASTE_END.len() {
                self.end_paste(events);
                self.state = State::Ground;
            } else {
                self.state = State::Paste(matched + 1);
            }
            return;
        }
        // The bytes that looked like the end marker were text after all.
        let keep = |paste: &mut Vec<u8>, bytes: &[u8]| {
            let room = PASTE_KEEP.saturating_sub(paste.len());
            paste.extend_from_slice(&bytes[..bytes.len().min(room)]);
        };
        keep(&mut self.paste, &PASTE_END[..matched]);
        if byte == PASTE_END[0] {
            self.state = State::Paste(1);
        } else {
            keep(&mut self.paste, &[byte]);
            self.state = State::Paste(0);
        }
    }

    fn end_paste(&mut self, events: &mut Vec<Event>) {
        let bytes = std::mem::take(&mut self.paste);
        // The kept part may end inside a character: keep only whole ones.
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) => text.to_owned(),
            Err(e) if e.error_len().is_none() => {
                String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned()
            }
            Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
        };
        events.push(Event::Paste(text));
    }
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Parsed {
    Parsed::Event(Event::Key(KeyEvent::new(code, modifiers)))
}

fn plain(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn parse(buffer: &[u8]) -> Parsed {
    match buffer[0] {
        0x1b => parse_escape(buffer),
        b'\r' => key(KeyCode::Enter, KeyModifiers::NONE),
        b'\t' => key(KeyCode::Tab, KeyModifiers::NONE),
        0x7f => key(KeyCode::Backspace, KeyModifiers::NONE),
        c @ 0x01..=0x1a => key(KeyCode::Char((c - 1 + b'a') as char), KeyModifiers::CONTROL),
        c @ 0x1c..=0x1f => key(
            KeyCode::Char((c - 0x1c + b'4') as char),
            KeyModifiers::CONTROL,
        ),
        0 => key(KeyCode::Char(' '), KeyModifiers::CONTROL),
        _ => match std::str::from_utf8(buffer) {
            Ok(s) => match s.chars().next() {
                // C1 controls (U+0080–U+009F) are not keys.
                Some(c) if c.is_control() => Parsed::Ignored,
                Some(c) if c.is_uppercase() => key(KeyCode::Char(c), KeyModifiers::SHIFT),
                Some(c) => key(KeyCode::Char(c), KeyModifiers::NONE),
                None => Parsed::Ignored,
            },
            Err(e) if e.error_len().is_none() => Parsed::Incomplete,
            Err(_) => Parsed::Ignored,
        },
    }
}

fn parse_escape(buffer: &[u8]) -> Parsed {
    let Some(&second) = buffer.get(1) else {
        return Parsed::Incomplete;
    };
    match second {
        b'O' => match buffer.get(2) {
            None => Parsed::Incomplete,
            Some(&b) => match (cursor_key(b), b) {
                (Some(code), _) => key(code, KeyModifiers::NONE),
                (None, b'P'..=b'S') => key(KeyCode::F(1 + b - b'P'), KeyModifiers::NONE),
                _ => Parsed::Ignored,
            },
        },
        b'[' => parse_csi(buffer),
        b']' | b'P' | b'X' | b'^' | b'_' => Parsed::String,
        // ESC before a key is Alt: Alt-letter, or Alt with a whole sequence after it.
        _ => match parse(&buffer[1..]) {
            Parsed::Event(Event::Key(mut k)) => {
                k.modifiers |= KeyModifiers::ALT;
                Parsed::Event(Event::Key(k))
            }
            Parsed::Event(_) => Parsed::Ignored,
            other => other,
        },
    }
}

/// The cursor key a final byte stands for after `ESC [` or `ESC O`.
fn cursor_key(byte: u8) -> Option<KeyCode> {
    Some(match byte {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        _ => return None,
    })
}

/// `ESC [ …`: cursor and editing keys, function keys, mouse reports (SGR and normal).
fn parse_csi(buffer: &[u8]) -> Parsed {
    let Some(&third) = buffer.get(2) else {
        return Parsed::Incomplete;
    };
    if let Some(code) = cursor_key(third) {
        return key(code, KeyModifiers::NONE);
    }
    match third {
        b'[' => match buffer.get(3) {
            // The Linux console's F1–F5.
            None => Parsed::Incomplete,
            Some(&b @ b'A'..=b'E') => key(KeyCode::F(1 + b - b'A'), KeyModifiers::NONE),
            Some(_) => Parsed::Ignored,
        },
        b'Z' => key(KeyCode::BackTab, KeyModifiers::SHIFT),
        b'M' => match buffer[3..] {
            [cb, cx, cy] => parse_normal_mouse(cb, cx, cy),
            _ => Parsed::Incomplete,
        },
        b'<' => parse_sgr_mouse(buffer),
        _ => {
            // Parameters and intermediates (0x20–0x3f), then one final byte (0x40–0x7e).
            let last = buffer[buffer.len() - 1];
            if (0x20..=0x3f).contains(&last) {
                return Parsed::Incomplete;
            }
            if !(0x40..=0x7e).contains(&last) {
                return Parsed::Ignored;
            }
            parse_csi_final(&buffer[2..buffer.len() - 1], last)
        }
    }
}

/// Modifiers from an xterm modifier parameter (1 + bits: 1 Shift, 2 Alt, 4 Ctrl).
fn modifiers(param: Option<u16>) -> KeyModifiers {
    modifier_bits(param.unwrap_or(1).saturating_sub(1), [1, 2, 4])
}

/// Shift, Alt and Ctrl from the bits of `bits` that stand for them, in that order.
fn modifier_bits(bits: u16, [shift, alt, ctrl]: [u16; 3]) -> KeyModifiers {
    [
        (shift, KeyModifiers::SHIFT),
        (alt, KeyModifiers::ALT),
        (ctrl, KeyModifiers::CONTROL),
    ]
    .into_iter()
    .filter(|&(bit, _)| bits & bit != 0)
    .fold(KeyModifiers::NONE, |m, (_, flag)| m | flag)
}

fn parse_csi_final(params: &[u8], last: u8) -> Parsed {
    let Ok(text) = std::str::from_utf8(params) else {
        return Parsed::Ignored;
    };
    if text.starts_with(['?', '>', '=', '<']) {
        return Parsed::Ignored; // Replies to queries we never send.
    }
    let mut numbers = text.split(';').map(|p| p.split(':').next().unwrap_or(""));
    let first: Option<u16> = numbers.next().and_then(|n| n.parse().ok());
    let m = modifiers(numbers.next().and_then(|n| n.parse().ok()));
    let code = match last {
        b'P'..=b'S' => KeyCode::F(1 + last - b'P'),
        b'~' => match first {
            Some(1 | 7) => KeyCode::Home,
            Some(2) => KeyCode::Insert,
            Some(3) => KeyCode::Delete,
            Some(4 | 8) => KeyCode::End,
            Some(5) => KeyCode::PageUp,
            Some(6) => KeyCode::PageDown,
            Some(n @ 11..=15) => KeyCode::F((n - 10) as u8),
            Some(n @ 17..=21) => KeyCode::F((n - 11) as u8),
            Some(n @ 23..=26) => KeyCode::F((n - 12) as u8),
            Some(n @ 28..=29) => KeyCode::F((n - 15) as u8),
            Some(n @ 31..=34) => KeyCode::F((n - 17) as u8),
            _ => return Parsed::Ignored,
        },
        _ => match cursor_key(last) {
            Some(code) => code,
            None => return Parsed::Ignored,
        },
    };
    key(code, m)
}

/// `ESC [ M Cb Cx Cy`, the normal (X10) encoding: three raw bytes, each its value plus 32,
/// coordinates from 1. It is what terminals send that do not know SGR reports, the Linux
/// console among them (gpm passes its clicks to the program that turned reporting on).
///
/// A byte holds coordinates up to 223 (0-based 222). Past that, xterm sends 0 and the Linux
/// console wraps (`'!' + x` in a byte), so a byte below 33 reads as 223 and more: xterm's
/// "223 or further", the console's exact column up to 255.
fn parse_normal_mouse(cb: u8, cx: u8, cy: u8) -> Parsed {
    let position = |byte: u8| u16::from(byte.wrapping_sub(33));
    match cb.checked_sub(32) {
        Some(code) => mouse(u16::from(code), position(cx), position(cy), false),
        None => Parsed::Ignored,
    }
}

/// A mouse report from its button code (`Cb` less 32 in the normal encoding), as crossterm
/// reads it; `released` is SGR's `m`. The normal encoding's release (button 3) does not say
/// which button went up.
fn mouse(code: u16, column: u16, row: u16, released: bool) -> Parsed {
    let button = (code & 0b11) | ((code & 0b1100_0000) >> 4);
    let motion = code & 32 != 0;
    let kind = match (button, motion) {
        (0, false) => MouseEventKind::Down(MouseButton::Left),
        (1, false) => MouseEventKind::Down(MouseButton::Middle),
        (2, false) => MouseEventKind::Down(MouseButton::Right),
        (0, true) => MouseEventKind::Drag(MouseButton::Left),
        (1, true) => MouseEventKind::Drag(MouseButton::Middle),
        (2, true) => MouseEventKind::Drag(MouseButton::Right),
        (3, false) => MouseEventKind::Up(MouseButton::Left),
        (3..=5, true) => MouseEventKind::Moved,
        (4, false) => MouseEventKind::ScrollUp,
        (5, false) => MouseEventKind::ScrollDown,
        (6, false) => MouseEventKind::ScrollLeft,
        (7, false) => MouseEventKind::ScrollRight,
        _ => return Parsed::Ignored,
    };
    let kind = match kind {
        MouseEventKind::Down(button) if released => MouseEventKind::Up(button),
        kind => kind,
    };
    Parsed::Event(Event::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: modifier_bits(code, [4, 8, 16]),
    }))
}

/// `ESC [ < Cb ; Cx ; Cy M` (press) or `… m` (release), coordinates from 1.
fn parse_sgr_mouse(buffer: &[u8]) -> Parsed {
    let last = buffer[buffer.len() - 1];
    if last != b'M' && last != b'm' {
        return if buffer.len() > 3 && !(last.is_ascii_digit() || last == b';') {
            Parsed::Ignored
        } else {
            Parsed::Incomplete
        };
    }
    let Ok(text) = std::str::from_utf8(&buffer[3..buffer.len() - 1]) else {
        return Parsed::Ignored;
    };
    let numbers: Vec<u16> = text.split(';').filter_map(|n| n.parse().ok()).collect();
    let [cb, cx, cy] = numbers[..] else {
        return Parsed::Ignored;
    };
    mouse(cb, cx.saturating_sub(1), cy.saturating_sub(1), last == b'm')
}

#[cfg(test)]
mod tests;
