//! The local shell on Unix (Linux, macOS): raw mode, the tty keys come from, a reader thread
//! that blocks only in `poll` and hands the session the bytes as they were read (the
//! session's decoder makes them events), signals, and a restore that works on every way out.

use std::io::{self, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use ratatui::crossterm::terminal;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGWINCH};

use crate::app::App;
use crate::keymap::KeySpec;
use crate::session::{LEAVE, Session};

/// How long the process may take to leave after a signal before it is made to.
const EXIT_GRACE: Duration = Duration::from_millis(500);

/// The reader's and the signal thread's stacks: each holds a read buffer and a few calls.
/// The default (2 MiB) only reserves address space, but it is reserved twice, for nothing.
const THREAD_STACK: usize = 64 * 1024;

/// How much one read takes from the tty.
const READ_SIZE: usize = 4096;

/// What reaches the run loop.
enum Message {
    /// Bytes from the terminal, as they were read.
    Input(Vec<u8>),
    /// SIGTERM, SIGINT or SIGHUP.
    Signal,
    /// The window changed size.
    Winch,
    /// The terminal is gone: EOF, POLLHUP or a read error.
    HangUp,
}

/// Runs the interface until the user quits, a signal arrives or the terminal goes away.
/// Returns the exit status.
pub fn run(app: App, admin_exit: Option<KeySpec>) -> io::Result<i32> {
    one_arena();
    let tty = Tty::open()?;
    let _vt = crate::kiosk::lock_vt(app.config.kiosk);
    let (tx, rx) = mpsc::channel();
    spawn_signals(tx.clone())?;
    super::install_panic_hook();
    if let Err(e) = enter() {
        restore();
        return Err(e);
    }
    let (width, height) = tty.size();
    let mut session = Session::new(app, admin_exit, width, height, Instant::now());
    let mut out = Output::stdout();
    // The first frame goes out before the reader thread starts, so nothing else runs while it
    // is drawn; keys typed meanwhile wait in the tty.
    let result = out
        .write_all(&session.take_output())
        .and_then(|()| {
            // The kiosk's mouse on the Linux console comes from gpm, beside the tty's bytes.
            #[cfg(target_os = "linux")]
            {
                let gpm = tx.clone();
                let on = session.app().config.kiosk && session.app().config.mouse;
                crate::kiosk::mouse::spawn(on, move |b| gpm.send(Message::Input(b)).is_ok());
            }
            spawn_input(&tty, tx)
        })
        .and_then(|()| event_loop(&mut session, &tty, &rx, &mut out));
    restore();
    result
}

fn event_loop(
    session: &mut Session,
    tty: &Tty,
    rx: &Receiver<Message>,
    out: &mut Output,
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

/// The tty keys come from, held open for as long as the interface runs.
struct Tty {
    fd: RawFd,
    _file: Option<std::fs::File>,
}

impl Tty {
    /// stdin if it is a terminal, else /dev/tty: the one crossterm puts in raw mode.
    fn open() -> io::Result<Tty> {
        // SAFETY: isatty only inspects the descriptor.
        if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
            return Ok(Tty {
                fd: libc::STDIN_FILENO,
                _file: None,
            });
        }
        let file = std::fs::File::open("/dev/tty")?;
        Ok(Tty {
            fd: file.as_raw_fd(),
            _file: Some(file),
        })
    }

    /// The terminal's size now, asked of the tty itself (crossterm's `size` opens /dev/tty
    /// again for it); 80×24 when it cannot say.
    fn size(&self) -> (u16, u16) {
        // SAFETY: an all-zero winsize is valid, and TIOCGWINSZ writes one through the pointer.
        let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
        // SAFETY: `fd` is open for as long as `self`, and `ws` outlives the call.
        let r = unsafe { libc::ioctl(self.fd, libc::TIOCGWINSZ, &mut ws) };
        if r != 0 {
            return (80, 24);
        }
        (ws.ws_col, ws.ws_row)
    }
}

/// Where frames go: stdout without a buffer in between, so a frame reaches the terminal in
/// one write and is never read half-drawn by a screen reader.
struct Output(std::mem::ManuallyDrop<std::fs::File>);

impl Output {
    fn stdout() -> Output {
        use std::os::fd::FromRawFd;
        // SAFETY: fd 1 stays open for the life of the process; ManuallyDrop never closes it.
        Output(std::mem::ManuallyDrop::new(unsafe {
            std::fs::File::from_raw_fd(libc::STDOUT_FILENO)
        }))
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.0.write_all(bytes)
    }
}

/// One malloc arena for the whole process. glibc gives each new thread an arena of its own
/// (64 MiB of address space, its first pages written), which pays off for threads that allocate
/// at once; the reader and signal threads allocate a message now and then.
fn one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Raw mode on; the caller then writes the session's start.
fn enter() -> io::Result<()> {
    terminal::enable_raw_mode()
}

/// Restores the terminal as well as it can; errors are ignored, as there is nowhere to report
/// them on the way out (stderr may be the same dead terminal).
pub fn restore() {
    let mut out = io::stdout();
    let _ = out.write_all(LEAVE);
    let _ = out.flush();
    let _ = terminal::disable_raw_mode();
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

/// Reads the tty on its own thread, so the run loop never waits on a read. The thread only
/// ever blocks in `poll`, which reports a hang-up even in the middle of an escape sequence, and
/// reads only what `poll` says is there: nothing can spin on a dead terminal, and no input
/// waits unread.
fn spawn_input(tty: &Tty, tx: Sender<Message>) -> io::Result<()> {
    let fd = tty.fd;
    let spawned = thread::Builder::new()
        .stack_size(THREAD_STACK)
        .spawn(move || {
            let mut buffer = [0u8; READ_SIZE];
            loop {
                if wait_tty(fd) {
                    let _ = tx.send(Message::HangUp);
                    return;
                }
                // SAFETY: reads at most `buffer.len()` bytes into `buffer`.
                let n = unsafe { libc::read(fd, buffer.as_mut_ptr().cast(), buffer.len()) };
                if n <= 0 {
                    let e = io::Error::last_os_error().kind();
                    if n < 0 && matches!(e, io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock)
                    {
                        continue;
                    }
                    // End of file or an error: the terminal is gone.
                    let _ = tx.send(Message::HangUp);
                    return;
                }
                if tx
                    .send(Message::Input(buffer[..n as usize].to_vec()))
                    .is_err()
                {
                    return;
                }
            }
        });
    spawned.map(drop)
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
    let spawned = thread::Builder::new()
        .stack_size(THREAD_STACK)
        .spawn(move || {
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
    spawned.map(drop)
}
