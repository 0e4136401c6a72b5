//! The local shell on Windows: crossterm's own calls for the console (raw mode, its size, its
//! events, mouse capture), its events handed to the session as events, and the console told to
//! interpret the frames' VT sequences as Windows Terminal and the Windows 10 console do.
//!
//! A console window has no hang-up and no SIGTERM to handle: closing it ends the process, and
//! Ctrl-C is a key in raw mode. Ctrl-Break is not: the console sends it as an event, answered in
//! `on_break` as the Unix shell answers SIGINT (Wine's console sends Ctrl-C that way too).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use windows_sys::Win32::System::Console::{CTRL_BREAK_EVENT, CTRL_C_EVENT, SetConsoleCtrlHandler};

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
    super::install_panic_hook();
    KIOSK.store(app.config.kiosk, Ordering::SeqCst);
    // SAFETY: registers a function with the signature the console calls.
    if unsafe { SetConsoleCtrlHandler(Some(on_break), 1) } == 0 {
        return Err(io::Error::last_os_error());
    }
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
    // Not locked for the whole loop: `on_break` writes the restore from a thread of its own.
    let mut out = io::stdout();
    loop {
        let bytes = session.take_output();
        if !bytes.is_empty() {
            out.write_all(&bytes)?;
            out.flush()?;
        }
        if session.ended().is_some() {
            return Ok(crate::kiosk::quit_status(session.app().config.kiosk));
        }
        if let Some(due) = session.deadline()
            && !event::poll(due.saturating_duration_since(Instant::now()))?
        {
            session.tick(Instant::now());
            continue;
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

/// Whether this is a kiosk, for `on_break`.
static KIOSK: AtomicBool = AtomicBool::new(false);

/// Ctrl-Break and Ctrl-C as console events, on a thread the console starts: a kiosk ignores
/// them, anything else restores the console and exits with status 0. Other events (the window
/// closing, logoff) go on to the default, which ends the process.
unsafe extern "system" fn on_break(event: u32) -> windows_sys::core::BOOL {
    if event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT {
        return 0;
    }
    if !KIOSK.load(Ordering::SeqCst) {
        restore();
        std::process::exit(0);
    }
    1
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
