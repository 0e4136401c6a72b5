//! The local shell on Windows: crossterm's own calls for the console (raw mode, its size, its
//! events, mouse capture), its events handed to the session as events, and the console told to
//! interpret the frames' VT sequences as Windows Terminal and the Windows 10 console do.
//!
//! A console window has no hang-up and no SIGTERM to handle: closing it ends the process, and
//! Ctrl-C is a key in raw mode.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::{ansi_support, execute, terminal};

use crate::app::App;
use crate::keymap::KeySpec;
use crate::session::{LEAVE, Session};

/// Runs the interface until the user quits. Returns the exit status.
pub fn run(app: App, admin_exit: Option<KeySpec>) -> io::Result<i32> {
    // Turns on ENABLE_VIRTUAL_TERMINAL_PROCESSING on the console's output, so the frame
    // writer's sequences are drawn rather than shown.
    ansi_support::supports_ansi();
    install_panic_hook();
    let mouse = app.config.mouse;
    let entered = terminal::enable_raw_mode().and_then(|()| {
        if mouse {
            execute!(io::stdout(), EnableMouseCapture)
        } else {
            Ok(())
        }
    });
    if let Err(e) = entered {
        restore();
        return Err(e);
    }
    let (width, height) = terminal::size().unwrap_or((80, 24));
    let mut session = Session::new(app, admin_exit, width, height, Instant::now());
    let result = event_loop(&mut session);
    restore();
    result
}

/// Writes what the session has, then waits for the console's next event or the session's
/// deadline, whichever comes first.
fn event_loop(session: &mut Session) -> io::Result<i32> {
    let mut out = io::stdout().lock();
    loop {
        let bytes = session.take_output();
        if !bytes.is_empty() {
            out.write_all(&bytes)?;
            out.flush()?;
        }
        if session.ended().is_some() {
            return Ok(crate::kiosk::quit_status(session.app().config.kiosk));
        }
        if let Some(due) = session.deadline() {
            if !event::poll(due.saturating_duration_since(Instant::now()))? {
                session.tick(Instant::now());
                continue;
            }
        }
        // Take everything already waiting before drawing once.
        loop {
            session.feed_event(&event::read()?, Instant::now());
            if session.ended().is_some() || !event::poll(Duration::ZERO)? {
                break;
            }
        }
    }
}

/// Restores the console as well as it can; errors are ignored, as there is nowhere to report
/// them on the way out.
pub fn restore() {
    let mut out = io::stdout();
    let _ = out.write_all(LEAVE);
    let _ = out.flush();
    let _ = execute!(out, DisableMouseCapture);
    let _ = terminal::disable_raw_mode();
}

/// Restores the console before the default panic message is printed.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
