//! The mouse on the bare Linux console: the kiosk as a client of gpm.
//!
//! The console sends a program mouse reports (`ESC [ M`, once it asked with `ESC [ ? 1000 h`)
//! only when something hands the kernel each click with `TIOCL_SELMOUSEREPORT`, and gpm never
//! does: its own handler only draws the pointer, selects and pastes. So the kiosk connects to
//! gpm's socket, `/dev/gpmctl`, with no library: a 16-byte request, then a 28-byte
//! `Gpm_Event` per event. It takes the buttons and the wheel, and leaves motion to gpm too, so
//! gpm goes on drawing the pointer. Buttons a client takes are no longer gpm's: no selection,
//! and no middle-click paste, which the console would type into the kiosk as keys.
//!
//! Each event becomes an SGR mouse report, the bytes a terminal emulator would send, so the
//! one decoder reads it and a click does what it does everywhere else.

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::thread;
use std::time::Duration;

/// gpm's client socket.
const GPMCTL: &str = "/dev/gpmctl";

/// How long to wait before asking gpm again when it is not there or went away.
const RETRY: Duration = Duration::from_secs(5);

/// The reader's stack: one event buffer and a few calls.
const THREAD_STACK: usize = 64 * 1024;

/// `enum Gpm_Etype` from <gpm.h>.
const GPM_MOVE: u16 = 1;
const GPM_DRAG: u16 = 2;
const GPM_DOWN: u16 = 4;
const GPM_UP: u16 = 8;
/// Also hand the event to gpm's own handler (for motion: the pointer).
const GPM_HARD: u16 = 256;
/// `GPM_BARE_EVENTS`: the kind of event, without click counts and flags.
const BARE: u32 = 0x0f;

/// `GPM_B_*`, the buttons in `Gpm_Event::buttons`.
const B_RIGHT: u8 = 1;
const B_MIDDLE: u8 = 2;
const B_LEFT: u8 = 4;
const B_UP: u8 = 16;
const B_DOWN: u8 = 32;

/// The size of `Gpm_Event`: buttons, modifiers (u8), vc (u16), dx, dy, x, y (i16), type,
/// clicks, margin (int), wdx, wdy (i16).
pub const EVENT_SIZE: usize = 28;

/// `Gpm_Connect` for VT `vt`: buttons, drags and motion to us (motion for the wheel, which
/// gpm reports with it); motion to gpm as well, which draws the pointer; any modifiers.
pub fn request(vt: u32, pid: u32) -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let event_mask = GPM_MOVE | GPM_DRAG | GPM_DOWN | GPM_UP;
    let default_mask = GPM_MOVE | GPM_HARD;
    bytes[0..2].copy_from_slice(&event_mask.to_ne_bytes());
    bytes[2..4].copy_from_slice(&default_mask.to_ne_bytes());
    bytes[4..6].copy_from_slice(&0u16.to_ne_bytes()); // minMod
    bytes[6..8].copy_from_slice(&u16::MAX.to_ne_bytes()); // maxMod
    bytes[8..12].copy_from_slice(&pid.to_ne_bytes());
    bytes[12..16].copy_from_slice(&vt.to_ne_bytes());
    bytes
}

/// One `Gpm_Event` as the SGR report a terminal would send for it, or nothing for plain
/// motion. Positions are 1-based, as in both.
pub fn report(event: &[u8; EVENT_SIZE]) -> Option<Vec<u8>> {
    let i16_at = |at: usize| i16::from_ne_bytes([event[at], event[at + 1]]);
    let buttons = event[0];
    let (x, y) = (i16_at(8).max(1), i16_at(10).max(1));
    let kind = u32::from_ne_bytes([event[12], event[13], event[14], event[15]]) & BARE;
    let wheel = i16_at(26);
    let button = |buttons: u8| {
        [
            (B_LEFT, 0),
            (B_MIDDLE, 1),
            (B_RIGHT, 2),
            (B_UP, 64),
            (B_DOWN, 65),
        ]
        .into_iter()
        .find(|&(bit, _)| buttons & bit != 0)
        .map(|(_, code)| code)
    };
    let (code, last) = match kind {
        k if k == u32::from(GPM_DOWN) => (button(buttons)?, 'M'),
        // gpm names the button that went up.
        k if k == u32::from(GPM_UP) => match button(buttons)? {
            64 | 65 => return None,
            code => (code, 'm'),
        },
        _ if wheel > 0 => (64, 'M'),
        _ if wheel < 0 => (65, 'M'),
        _ => return None,
    };
    Some(format!("\x1b[<{code};{x};{y}{last}").into_bytes())
}

/// In the kiosk with a Linux VT as stdin (as for [`super::lock_vt`]) and the mouse on: a
/// thread that reads gpm's events for as long as the process runs and hands each, a whole
/// report at a time, to `send` (the tty's bytes go the same way), until `send` says no one
/// listens. Anywhere else it does nothing.
pub fn spawn(on: bool, send: impl FnMut(Vec<u8>) -> bool + Send + 'static) {
    let Some(vt) = on
        .then(|| super::vt::vt_number(libc::STDIN_FILENO))
        .flatten()
    else {
        return;
    };
    let _ = thread::Builder::new()
        .name("gpm".into())
        .stack_size(THREAD_STACK)
        .spawn(move || read_events(vt, send));
}

fn read_events(vt: u32, mut send: impl FnMut(Vec<u8>) -> bool) {
    loop {
        if let Ok(mut gpm) = connect(vt) {
            let mut event = [0u8; EVENT_SIZE];
            while gpm.read_exact(&mut event).is_ok() {
                if let Some(bytes) = report(&event)
                    && !send(bytes)
                {
                    return;
                }
            }
        }
        thread::sleep(RETRY);
    }
}

fn connect(vt: u32) -> io::Result<UnixStream> {
    let mut gpm = UnixStream::connect(GPMCTL)?;
    gpm.write_all(&request(vt, std::process::id()))?;
    Ok(gpm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(buttons: u8, x: i16, y: i16, kind: u32, wdy: i16) -> [u8; EVENT_SIZE] {
        let mut e = [0u8; EVENT_SIZE];
        e[0] = buttons;
        e[8..10].copy_from_slice(&x.to_ne_bytes());
        e[10..12].copy_from_slice(&y.to_ne_bytes());
        e[12..16].copy_from_slice(&kind.to_ne_bytes());
        e[26..28].copy_from_slice(&wdy.to_ne_bytes());
        e
    }

    fn text(e: [u8; EVENT_SIZE]) -> Option<String> {
        report(&e).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn clicks_become_sgr_reports() {
        // A single click: GPM_DOWN | GPM_SINGLE, then GPM_UP | GPM_SINGLE.
        let left = text(event(B_LEFT, 10, 5, 4 | 16, 0));
        assert_eq!(left.as_deref(), Some("\x1b[<0;10;5M"));
        let up = text(event(B_LEFT, 10, 5, 8 | 16, 0));
        assert_eq!(up.as_deref(), Some("\x1b[<0;10;5m"));
        let middle = text(event(B_MIDDLE, 1, 1, 4 | 16, 0));
        assert_eq!(middle.as_deref(), Some("\x1b[<1;1;1M"));
        let right = text(event(B_RIGHT, 80, 25, 4 | 32, 0));
        assert_eq!(right.as_deref(), Some("\x1b[<2;80;25M"));
    }

    #[test]
    fn the_wheel_scrolls_and_motion_is_nothing() {
        let up = text(event(0, 3, 4, u32::from(GPM_MOVE), 1));
        assert_eq!(up.as_deref(), Some("\x1b[<64;3;4M"));
        let down = text(event(0, 3, 4, u32::from(GPM_MOVE), -1));
        assert_eq!(down.as_deref(), Some("\x1b[<65;3;4M"));
        let as_button = text(event(B_DOWN, 3, 4, u32::from(GPM_DOWN), 0));
        assert_eq!(as_button.as_deref(), Some("\x1b[<65;3;4M"));
        assert_eq!(text(event(B_UP, 3, 4, u32::from(GPM_UP), 0)), None);
        assert_eq!(text(event(0, 3, 4, u32::from(GPM_MOVE), 0)), None);
        assert_eq!(text(event(B_LEFT, 3, 4, u32::from(GPM_DRAG), 0)), None);
    }

    #[test]
    fn positions_stay_on_the_screen() {
        // gpm lets a press go one step past the edge.
        let e = text(event(B_LEFT, 0, -1, u32::from(GPM_DOWN), 0));
        assert_eq!(e.as_deref(), Some("\x1b[<0;1;1M"));
    }

    #[test]
    fn the_request_is_gpm_connect() {
        let r = request(1, 42);
        assert_eq!(u16::from_ne_bytes([r[0], r[1]]), 1 | 2 | 4 | 8);
        assert_eq!(u16::from_ne_bytes([r[2], r[3]]), 1 | 256);
        assert_eq!(u16::from_ne_bytes([r[6], r[7]]), u16::MAX);
        assert_eq!(i32::from_ne_bytes([r[8], r[9], r[10], r[11]]), 42);
        assert_eq!(i32::from_ne_bytes([r[12], r[13], r[14], r[15]]), 1);
    }

    #[test]
    fn a_report_reads_as_a_click() {
        let mut decoder = crate::input::Decoder::default();
        let mut out = Vec::new();
        decoder.feed(&report(&event(B_LEFT, 10, 5, 4, 0)).unwrap(), &mut out);
        let expected = ratatui::crossterm::event::MouseEventKind::Down(
            ratatui::crossterm::event::MouseButton::Left,
        );
        assert!(
            matches!(&out[..], [ratatui::crossterm::event::Event::Mouse(m)] if m.kind == expected && (m.column, m.row) == (9, 4))
        );
    }
}
