//! The local shell around the session core: it moves what the terminal sends to the session and
//! the session's frames to the terminal, with sizes and the time; it redraws only when the
//! session has something to write, and waits without using the CPU while nothing is due.
//!
//! Everything platform-specific is here, one module a platform: `unix` reads the tty's bytes
//! itself (the session's decoder makes them events), `windows` takes crossterm's events from the
//! console. Above the session the two are one code path.

use std::io;

use ratatui::crossterm::style;

use crate::app::App;
use crate::keymap::KeySpec;

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(unix)]
use unix as platform;
#[cfg(windows)]
use windows as platform;

pub use platform::restore;

/// Runs the interface until the user quits, a signal arrives or the terminal goes away.
/// Returns the exit status.
pub fn run(app: App, admin_exit: Option<KeySpec>) -> io::Result<i32> {
    // Colour is the theme's decision (NO_COLOR, --color, `c`): crossterm must not second-guess
    // it, or it turns colour changes into resets that wipe reverse video.
    style::force_color_output(true);
    platform::run(app, admin_exit)
}

/// Restores the terminal (or the Windows console) before the default panic message is printed.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        platform::restore();
        previous(info);
    }));
}
