//! The local shell around the session core: it moves bytes from the tty to the session and
//! from the session to stdout, sizes on SIGWINCH, and time; it redraws only when the session
//! has something to write, and blocks in the kernel while nothing is due. Everything
//! platform-specific is in `platform`.

use std::io;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Instant;

use ratatui::crossterm::style;

use crate::app::App;
use crate::keymap::KeySpec;
use crate::session::Session;

mod platform;

use platform::Message;
pub use platform::restore;

/// Runs the interface until the user quits, a signal arrives or the terminal goes away.
/// Returns the exit status.
pub fn run(app: App, admin_exit: Option<KeySpec>) -> io::Result<i32> {
    platform::one_arena();
    let tty = platform::Tty::open()?;
    let _vt = crate::kiosk::lock_vt(app.config.kiosk);
    let (tx, rx) = mpsc::channel();
    platform::spawn_signals(tx.clone())?;
    platform::install_panic_hook();
    // Colour is the theme's decision (NO_COLOR, --color, `c`): crossterm must not second-guess
    // it, or it turns colour changes into resets that wipe reverse video.
    style::force_color_output(true);
    if let Err(e) = platform::enter() {
        platform::restore();
        return Err(e);
    }
    let (width, height) = tty.size();
    let mut session = Session::new(app, admin_exit, width, height, Instant::now());
    let mut out = platform::Output::stdout();
    // The first frame goes out before the reader thread starts, so nothing else runs while it
    // is drawn; keys typed meanwhile wait in the tty.
    let result = out
        .write_all(&session.take_output())
        .and_then(|()| {
            let gpm = tx.clone();
            let on = session.app().config.kiosk && session.app().config.mouse;
            crate::kiosk::mouse::spawn(on, move |b| gpm.send(Message::Input(b)).is_ok());
            platform::spawn_input(&tty, tx)
        })
        .and_then(|()| event_loop(&mut session, &tty, &rx, &mut out));
    platform::restore();
    result
}

fn event_loop(
    session: &mut Session,
    tty: &platform::Tty,
    rx: &Receiver<Message>,
    out: &mut platform::Output,
) -> io::Result<i32> {
    loop {
        let bytes = session.take_output();
        if !bytes.is_empty() {
            out.write_all(&bytes)?;
        }
        if session.ended().is_some() {
            return Ok(crate::kiosk::quit_status(session.app().config.kiosk));
        }
        let first = match session.deadline() {
            None => rx.recv().ok(),
            Some(due) => match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return Ok(0),
            },
        };
        let Some(first) = first else {
            session.tick(Instant::now());
            continue;
        };
        // Take everything already waiting before drawing once.
        let mut next = Some(first);
        while let Some(message) = next {
            let now = Instant::now();
            match message {
                Message::Input(bytes) => session.feed(&bytes, now),
                Message::Winch => {
                    let (width, height) = tty.size();
                    session.resize(width, height, now);
                }
                Message::Signal | Message::HangUp => return Ok(0),
            }
            if session.ended().is_some() {
                break;
            }
            next = rx.try_recv().ok();
        }
    }
}
