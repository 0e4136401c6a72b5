//! All terminal I/O: entering and restoring the terminal, signals, the input thread, hang-up
//! detection, and the run loop that ties events to `update` and redraws only on change.

use std::io::{self, BufWriter, Stdout, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::crossterm::{event, style, terminal};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGWINCH};

use crate::app::{Action, App};
use crate::backend::{Lean, SizeSource};
use crate::keymap::{self, KeySpec};
use crate::ui;

mod input;

/// Turns off everything `enter` turned on: mouse reports, bracketed paste, the alternate
/// screen, the hidden cursor.
const LEAVE: &[u8] = b"\x1b[0m\x1b[?1006l\x1b[?1000l\x1b[?2004l\x1b[?1049l\x1b[?25h";

/// Mouse clicks and wheel only (no motion reports, which would cost bytes on every move), in
/// SGR encoding.
const MOUSE_ON: &[u8] = b"\x1b[?1000h\x1b[?1006h";

/// How long the process may take to leave after a signal before it is made to.
const EXIT_GRACE: Duration = Duration::from_millis(500);

/// What reaches the run loop.
enum Message {
    Input(event::Event),
    /// SIGTERM, SIGINT or SIGHUP.
    Signal,
    /// The window changed size.
    Winch,
    /// The terminal is gone: EOF, POLLHUP or a read error.
    HangUp,
}

/// Restores the terminal as well as it can; errors are ignored, as there is nowhere to report
/// them on the way out (stderr may be the same dead terminal).
pub fn restore() {
    let mut out = io::stdout();
    let _ = out.write_all(LEAVE);
    let _ = out.flush();
    let _ = terminal::disable_raw_mode();
}

/// Restores the terminal before the default panic message is printed.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// The tty keys come from, the one crossterm puts in raw mode: stdin if it is a terminal,
/// else /dev/tty.
fn input_fd() -> io::Result<(RawFd, Option<std::fs::File>)> {
    // SAFETY: isatty only inspects the descriptor.
    if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
        return Ok((libc::STDIN_FILENO, None));
    }
    let tty = std::fs::File::open("/dev/tty")?;
    Ok((tty.as_raw_fd(), Some(tty)))
}

/// Blocks in `poll` until the tty has input (false) or is gone (true).
fn wait_tty(fd: RawFd) -> bool {
    loop {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, and the count says one.
        let r = unsafe { libc::poll(&mut pfd, 1, -1) };
        if r < 0 {
            if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return true;
        }
        if pfd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            return true;
        }
        if pfd.revents & libc::POLLIN != 0 {
            return false;
        }
    }
}

/// Bytes waiting in the tty's input queue.
fn unread(fd: RawFd) -> usize {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int through the pointer.
    let r = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) };
    if r < 0 { 0 } else { n.max(0) as usize }
}

/// Reads the tty on its own thread and decodes it with [`input::Parser`], so the run loop
/// never waits on a read. The thread only ever blocks in `poll`, which reports a hang-up even
/// in the middle of an escape sequence, and reads only what `poll` says is there: nothing can
/// spin on a dead terminal, and no input waits unread (see `input` for why not crossterm's
/// reader).
fn spawn_input(fd: RawFd, tx: Sender<Message>) {
    thread::spawn(move || {
        let mut parser = input::Parser::default();
        let mut buffer = [0u8; 1024];
        let mut events = Vec::new();
        loop {
            if wait_tty(fd) {
                let _ = tx.send(Message::HangUp);
                return;
            }
            // SAFETY: reads at most `buffer.len()` bytes into `buffer`.
            let n = unsafe { libc::read(fd, buffer.as_mut_ptr().cast(), buffer.len()) };
            if n <= 0 {
                let e = io::Error::last_os_error().kind();
                if n < 0 && matches!(e, io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock) {
                    continue;
                }
                // End of file or an error: the terminal is gone.
                let _ = tx.send(Message::HangUp);
                return;
            }
            let n = n as usize;
            let more = n == buffer.len() || unread(fd) > 0;
            parser.advance(&buffer[..n], more, &mut events);
            for event in events.drain(..) {
                if tx.send(Message::Input(event)).is_err() {
                    return;
                }
            }
        }
    });
}

/// Queues the restore sequence on a descriptor of its own that never blocks: the terminal may
/// be taking no output (which is why the run loop did not get to restore it). Setting
/// O_NONBLOCK on stdout itself would change it for the shell too. If the queue is full, nothing
/// more can be done.
fn restore_without_blocking() {
    use std::os::unix::fs::OpenOptionsExt;
    if let Ok(mut tty) = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open("/dev/tty")
    {
        let _ = tty.write(LEAVE);
    }
}

/// Turns SIGTERM, SIGINT, SIGHUP and SIGWINCH into messages. If the run loop has not left
/// within a moment of a terminating signal (it may be blocked writing to a stalled terminal),
/// restores the terminal and exits from here.
fn spawn_signals(tx: Sender<Message>) -> io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP, SIGWINCH])?;
    thread::spawn(move || {
        for signal in signals.forever() {
            if signal == SIGWINCH {
                let _ = tx.send(Message::Winch);
                continue;
            }
            let _ = tx.send(Message::Signal);
            thread::sleep(EXIT_GRACE);
            restore_without_blocking();
            let _ = terminal::disable_raw_mode();
            // SAFETY: _exit ends the process at once, which is the point.
            unsafe { libc::_exit(0) };
        }
    });
    Ok(())
}

type Term = Terminal<Lean<BufWriter<Stdout>>>;

/// Enters raw mode and the alternate screen, with mouse reports when asked for.
fn enter(mouse: bool) -> io::Result<Term> {
    terminal::enable_raw_mode()?;
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout());
    out.write_all(b"\x1b[?1049h\x1b[?25l\x1b[?2004h")?;
    if mouse {
        out.write_all(MOUSE_ON)?;
    }
    out.flush()?;
    Terminal::new(Lean::new(out, SizeSource::Terminal))
}

/// Writes `text` to the terminal's clipboard with OSC 52; the payload is base64, so no byte
/// of the content reaches the terminal raw.
fn write_clipboard(term: &mut Term, text: &str) -> io::Result<()> {
    let out = term.backend_mut().writer_mut();
    write!(out, "\x1b]52;c;{}\x07", base64(text.as_bytes()))?;
    out.flush()
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

fn draw(term: &mut Term, app: &App) -> io::Result<()> {
    term.draw(|frame| {
        frame.render_widget(app, frame.area());
        if let Some(position) = ui::cursor(app) {
            frame.set_cursor_position(position);
        }
    })?;
    Ok(())
}

/// Runs the interface until the user quits, a signal arrives or the terminal goes away.
/// Returns the exit status.
pub fn run(mut app: App, admin_exit: Option<KeySpec>) -> io::Result<i32> {
    let (fd, _tty) = input_fd()?;
    let _vt = app.config.kiosk.then(|| crate::kiosk::lock_vt(fd));
    let (tx, rx) = mpsc::channel();
    spawn_signals(tx.clone())?;
    install_panic_hook();
    // Colour is the theme's decision (NO_COLOR, --color, `c`): crossterm must not second-guess
    // it, or it turns colour changes into resets that wipe reverse video.
    style::force_color_output(true);
    let mut term = match enter(app.config.mouse) {
        Ok(term) => term,
        Err(e) => {
            restore();
            return Err(e);
        }
    };
    spawn_input(fd, tx);
    let result = event_loop(&mut term, &mut app, admin_exit, &rx);
    drop(term);
    restore();
    result
}

fn event_loop(
    term: &mut Term,
    app: &mut App,
    admin_exit: Option<KeySpec>,
    rx: &Receiver<Message>,
) -> io::Result<i32> {
    let size = term.size()?;
    app.update(
        Action::Resize {
            width: size.width,
            height: size.height,
        },
        Instant::now(),
    );
    draw(term, app)?;
    loop {
        let first = match app.deadline() {
            None => match rx.recv() {
                Ok(m) => Some(m),
                Err(_) => return Ok(0),
            },
            Some(due) => match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return Ok(0),
            },
        };
        let mut changed = false;
        let mut next = first;
        let mut timed_out = next.is_none();
        // Take everything already waiting before drawing once.
        loop {
            let action = match next.take() {
                Some(Message::Input(ev)) => keymap::map(&ev, keymap::Context::of(app, admin_exit)),
                Some(Message::Winch) => {
                    let size = terminal::size()?;
                    Some(Action::Resize {
                        width: size.0,
                        height: size.1,
                    })
                }
                Some(Message::Signal | Message::HangUp) => return Ok(0),
                None if timed_out => {
                    timed_out = false;
                    Some(Action::Tick)
                }
                None => None,
            };
            if let Some(action) = action {
                changed |= app.update(action, Instant::now());
            }
            if app.quit {
                return Ok(crate::kiosk::quit_status(app.config.kiosk));
            }
            match rx.try_recv() {
                Ok(m) => next = Some(m),
                Err(_) => break,
            }
        }
        if let Some(text) = app.clipboard.take() {
            write_clipboard(term, &text)?;
        }
        if changed {
            draw(term, app)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("Hållbarhet".as_bytes()), "SMOlbGxiYXJoZXQ=");
    }
}
