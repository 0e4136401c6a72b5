//! Terminal input bytes to crossterm `Event`s, read by our own thread instead of crossterm's.
//!
//! crossterm's reader waits for epoll readiness edges and stops reading at its first event,
//! so input can sit unread until the next key arrives (after a resize reported in the same
//! wake-up, or more than 1 KiB at once), and after a hang-up it retries the failing read
//! forever (crossterm#793). Reading the tty ourselves, after our own level-triggered `poll`,
//! avoids both. The decoding follows crossterm's, so `keymap` sees the same events.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// Bytes that start a bracketed paste, and end it.
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Longest sequence kept while waiting for its end; anything longer is noise (a paste aside).
const MAX_SEQUENCE: usize = 64;

/// Longest paste kept: a paste whose end never comes must not take all input, or memory.
const MAX_PASTE: usize = 64 * 1024;

/// Turns input bytes into events; keeps an unfinished sequence for the next read.
#[derive(Debug, Default)]
pub struct Parser {
    buffer: Vec<u8>,
}

/// What the bytes so far amount to.
enum Parsed {
    /// A whole event.
    Event(Event),
    /// A whole sequence that means nothing to us.
    Ignored,
    /// The start of a sequence: wait for more.
    Incomplete,
}

impl Parser {
    /// Decodes one read's worth of bytes. `more` says more input is known to be waiting (the
    /// read filled its buffer): only then is a lone ESC the start of a sequence, not the key.
    pub fn advance(&mut self, bytes: &[u8], more: bool, events: &mut Vec<Event>) {
        for (i, &byte) in bytes.iter().enumerate() {
            self.buffer.push(byte);
            let more = more || i + 1 < bytes.len();
            match parse(&self.buffer, more) {
                Parsed::Event(event) => {
                    events.push(event);
                    self.buffer.clear();
                }
                Parsed::Ignored => self.buffer.clear(),
                Parsed::Incomplete => {
                    let limit = if self.buffer.starts_with(PASTE_START) {
                        MAX_PASTE
                    } else {
                        MAX_SEQUENCE
                    };
                    if self.buffer.len() > limit {
                        self.buffer.clear();
                    }
                }
            }
        }
    }
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Parsed {
    Parsed::Event(Event::Key(KeyEvent::new(code, modifiers)))
}

fn plain(code: KeyCode) -> Parsed {
    key(code, KeyModifiers::NONE)
}

fn parse(buffer: &[u8], more: bool) -> Parsed {
    match buffer[0] {
        0x1b => parse_escape(buffer, more),
        b'\r' => plain(KeyCode::Enter),
        b'\t' => plain(KeyCode::Tab),
        0x7f => plain(KeyCode::Backspace),
        c @ 0x01..=0x1a => key(KeyCode::Char((c - 1 + b'a') as char), KeyModifiers::CONTROL),
        c @ 0x1c..=0x1f => key(
            KeyCode::Char((c - 0x1c + b'4') as char),
            KeyModifiers::CONTROL,
        ),
        0 => key(KeyCode::Char(' '), KeyModifiers::CONTROL),
        _ => match std::str::from_utf8(buffer) {
            Ok(s) => match s.chars().next() {
                Some(c) if c.is_uppercase() => key(KeyCode::Char(c), KeyModifiers::SHIFT),
                Some(c) => plain(KeyCode::Char(c)),
                None => Parsed::Ignored,
            },
            Err(e) if e.error_len().is_none() => Parsed::Incomplete,
            Err(_) => Parsed::Ignored,
        },
    }
}

fn parse_escape(buffer: &[u8], more: bool) -> Parsed {
    let Some(&second) = buffer.get(1) else {
        return if more {
            Parsed::Incomplete
        } else {
            plain(KeyCode::Esc)
        };
    };
    match second {
        b'O' => match buffer.get(2) {
            None => Parsed::Incomplete,
            Some(&b) => match b {
                b'A' => plain(KeyCode::Up),
                b'B' => plain(KeyCode::Down),
                b'C' => plain(KeyCode::Right),
                b'D' => plain(KeyCode::Left),
                b'H' => plain(KeyCode::Home),
                b'F' => plain(KeyCode::End),
                b'P'..=b'S' => plain(KeyCode::F(1 + b - b'P')),
                _ => Parsed::Ignored,
            },
        },
        b'[' => parse_csi(buffer),
        0x1b => plain(KeyCode::Esc),
        _ => match parse(&buffer[1..], more) {
            Parsed::Event(Event::Key(mut k)) => {
                k.modifiers |= KeyModifiers::ALT;
                Parsed::Event(Event::Key(k))
            }
            other => other,
        },
    }
}

/// `ESC [ …`: cursor and editing keys, function keys, SGR mouse reports, bracketed paste.
fn parse_csi(buffer: &[u8]) -> Parsed {
    if buffer.starts_with(PASTE_START) {
        return if buffer.len() >= PASTE_START.len() + PASTE_END.len() && buffer.ends_with(PASTE_END)
        {
            let text = &buffer[PASTE_START.len()..buffer.len() - PASTE_END.len()];
            Parsed::Event(Event::Paste(String::from_utf8_lossy(text).into_owned()))
        } else {
            Parsed::Incomplete
        };
    }
    let Some(&third) = buffer.get(2) else {
        return Parsed::Incomplete;
    };
    match third {
        b'[' => match buffer.get(3) {
            // The Linux console's F1–F5.
            None => Parsed::Incomplete,
            Some(&b @ b'A'..=b'E') => plain(KeyCode::F(1 + b - b'A')),
            Some(_) => Parsed::Ignored,
        },
        b'A' => plain(KeyCode::Up),
        b'B' => plain(KeyCode::Down),
        b'C' => plain(KeyCode::Right),
        b'D' => plain(KeyCode::Left),
        b'H' => plain(KeyCode::Home),
        b'F' => plain(KeyCode::End),
        b'Z' => key(KeyCode::BackTab, KeyModifiers::SHIFT),
        b'M' => {
            // X10 mouse report: three more bytes; we ask for SGR reports, so ignore it.
            if buffer.len() < 6 {
                Parsed::Incomplete
            } else {
                Parsed::Ignored
            }
        }
        b'<' => parse_sgr_mouse(buffer),
        _ => {
            // Parameters and intermediates (0x20–0x3f), then one final byte (0x40–0x7e).
            let last = buffer[buffer.len() - 1];
            if buffer.len() == 3 || (0x20..=0x3f).contains(&last) {
                if (0x40..=0x7e).contains(&third) {
                    return Parsed::Ignored;
                }
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
    let bits = param.unwrap_or(1).saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    m
}

fn parse_csi_final(params: &[u8], last: u8) -> Parsed {
    let Ok(text) = std::str::from_utf8(params) else {
        return Parsed::Ignored;
    };
    if text.starts_with(['?', '>', '=']) {
        return Parsed::Ignored; // Replies to queries we never send.
    }
    let mut numbers = text.split(';').map(|p| p.split(':').next().unwrap_or(""));
    let first: Option<u16> = numbers.next().and_then(|n| n.parse().ok());
    let m = modifiers(numbers.next().and_then(|n| n.parse().ok()));
    let code = match last {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
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
        _ => return Parsed::Ignored,
    };
    key(code, m)
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
    let button = match cb & 0b11 {
        0 => MouseButton::Left,
        1 => MouseButton::Middle,
        _ => MouseButton::Right,
    };
    let kind = if cb & 64 != 0 {
        match cb & 0b11 {
            0 => MouseEventKind::ScrollUp,
            1 => MouseEventKind::ScrollDown,
            2 => MouseEventKind::ScrollLeft,
            _ => MouseEventKind::ScrollRight,
        }
    } else if cb & 32 != 0 {
        if cb & 0b11 == 3 {
            MouseEventKind::Moved
        } else {
            MouseEventKind::Drag(button)
        }
    } else if last == b'm' {
        MouseEventKind::Up(button)
    } else {
        MouseEventKind::Down(button)
    };
    let mut modifiers = KeyModifiers::NONE;
    if cb & 4 != 0 {
        modifiers |= KeyModifiers::SHIFT;
    }
    if cb & 8 != 0 {
        modifiers |= KeyModifiers::ALT;
    }
    if cb & 16 != 0 {
        modifiers |= KeyModifiers::CONTROL;
    }
    Parsed::Event(Event::Mouse(MouseEvent {
        kind,
        column: cx.saturating_sub(1),
        row: cy.saturating_sub(1),
        modifiers,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(reads: &[&[u8]]) -> Vec<Event> {
        let mut parser = Parser::default();
        let mut out = Vec::new();
        for read in reads {
            parser.advance(read, false, &mut out);
        }
        out
    }

    fn k(code: KeyCode, modifiers: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, modifiers))
    }

    fn p(code: KeyCode) -> Event {
        k(code, KeyModifiers::NONE)
    }

    #[test]
    fn keys_as_crossterm_reports_them() {
        let none = KeyModifiers::NONE;
        let ctrl = KeyModifiers::CONTROL;
        for (bytes, event) in [
            (&b"j"[..], p(KeyCode::Char('j'))),
            (b"G", k(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            ("å".as_bytes(), p(KeyCode::Char('å'))),
            (b"\r", p(KeyCode::Enter)),
            (b"\t", p(KeyCode::Tab)),
            (b"\x7f", p(KeyCode::Backspace)),
            (b"\x03", k(KeyCode::Char('c'), ctrl)),
            (b"\x1c", k(KeyCode::Char('4'), ctrl)),
            (b"\x1b", p(KeyCode::Esc)),
            (b"\x1b\x1b", p(KeyCode::Esc)),
            (b"\x1bq", k(KeyCode::Char('q'), KeyModifiers::ALT)),
            (b"\x1b[A", p(KeyCode::Up)),
            (b"\x1b[B", p(KeyCode::Down)),
            (b"\x1bOC", p(KeyCode::Right)),
            (b"\x1b[D", p(KeyCode::Left)),
            (b"\x1b[H", p(KeyCode::Home)),
            (b"\x1b[4~", p(KeyCode::End)),
            (b"\x1b[5~", p(KeyCode::PageUp)),
            (b"\x1b[6~", p(KeyCode::PageDown)),
            (b"\x1b[Z", k(KeyCode::BackTab, KeyModifiers::SHIFT)),
            (b"\x1bOP", p(KeyCode::F(1))),
            (b"\x1b[[A", p(KeyCode::F(1))),
            (b"\x1b[21~", p(KeyCode::F(10))),
            (b"\x1b[24~", p(KeyCode::F(12))),
            (b"\x1b[1;5A", k(KeyCode::Up, ctrl)),
            (b"\x1b[24;2~", k(KeyCode::F(12), KeyModifiers::SHIFT)),
            (b"\x1b[3~", k(KeyCode::Delete, none)),
        ] {
            assert_eq!(events(&[bytes]), vec![event], "{bytes:?}");
        }
    }

    #[test]
    fn sequences_split_across_reads_are_joined() {
        assert_eq!(events(&[b"\x1b[<0;3", b";4M"]).len(), 1);
        assert_eq!(events(&[b"\x1b[2", b"4~"]), vec![p(KeyCode::F(12))]);
        let a = "ä".as_bytes();
        assert_eq!(events(&[&a[..1], &a[1..]]), vec![p(KeyCode::Char('ä'))]);
    }

    #[test]
    fn a_partial_sequence_waits_and_a_lone_escape_is_the_key() {
        assert_eq!(events(&[b"\x1b[<"]), vec![]);
        assert_eq!(events(&[b"\x1b["]), vec![]);
        let mut parser = Parser::default();
        let mut out = Vec::new();
        parser.advance(b"\x1b", true, &mut out);
        assert!(
            out.is_empty(),
            "more input is waiting: ESC may start a sequence"
        );
        parser.advance(b"[B", false, &mut out);
        assert_eq!(out, vec![p(KeyCode::Down)]);
    }

    #[test]
    fn several_keys_in_one_read() {
        assert_eq!(
            events(&[b"jj\r\x1b[Bq"]),
            vec![
                p(KeyCode::Char('j')),
                p(KeyCode::Char('j')),
                p(KeyCode::Enter),
                p(KeyCode::Down),
                p(KeyCode::Char('q')),
            ]
        );
    }

    #[test]
    fn sgr_mouse_reports() {
        let mouse = |kind, column, row| {
            Event::Mouse(MouseEvent {
                kind,
                column,
                row,
                modifiers: KeyModifiers::NONE,
            })
        };
        assert_eq!(
            events(&[b"\x1b[<0;10;5M\x1b[<0;10;5m"]),
            vec![
                mouse(MouseEventKind::Down(MouseButton::Left), 9, 4),
                mouse(MouseEventKind::Up(MouseButton::Left), 9, 4),
            ]
        );
        assert_eq!(
            events(&[b"\x1b[<64;1;1M\x1b[<65;2;3M"]),
            vec![
                mouse(MouseEventKind::ScrollUp, 0, 0),
                mouse(MouseEventKind::ScrollDown, 1, 2),
            ]
        );
    }

    #[test]
    fn bracketed_paste_is_one_event() {
        assert_eq!(
            events(&[b"\x1b[200~q x\x1b[", b"B\x1b[201~j"]),
            vec![Event::Paste("q x\x1b[B".into()), p(KeyCode::Char('j'))]
        );
    }

    #[test]
    fn a_paste_that_never_ends_is_dropped() {
        let endless = [PASTE_START, &[b'x'; MAX_PASTE]].concat();
        let out = events(&[&endless, b"j"]);
        assert_eq!(
            out.last(),
            Some(&p(KeyCode::Char('j'))),
            "input goes on after it"
        );
        assert!(out.iter().all(|e| !matches!(e, Event::Paste(_))));
        let mut parser = Parser::default();
        let mut out = Vec::new();
        parser.advance(&endless, false, &mut out);
        parser.advance(b"xj", false, &mut out);
        assert!(parser.buffer.len() <= MAX_PASTE, "{}", parser.buffer.len());
    }

    #[test]
    fn noise_is_dropped_and_decoding_goes_on() {
        assert_eq!(
            events(&[b"\x1b[?1;2c\x1b[99x\xff\x1b[Ij"]),
            vec![p(KeyCode::Char('j'))]
        );
        let long = [b"\x1b[".as_slice(), &[b'1'; 200], b"j"].concat();
        assert_eq!(events(&[&long]).last(), Some(&p(KeyCode::Char('j'))));
    }
}
