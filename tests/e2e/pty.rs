//! Runs the real binary in a pseudo-terminal: keys in, every output byte kept, a `vt100` screen
//! kept up to date, and the child's exit, CPU time and wake-ups observable from outside.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// How long any wait may take before the test fails: generous, for a loaded machine.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// What the reader thread collects.
pub struct Output {
    /// Every byte the child wrote, in order.
    pub raw: Vec<u8>,
    /// The screen those bytes draw.
    pub parser: vt100::Parser,
    /// When the first byte arrived.
    pub first: Option<Instant>,
    /// When the last byte arrived.
    pub last: Option<Instant>,
    /// The child closed its side (it exited, or the pty is gone).
    pub closed: bool,
}

/// How to start the child.
pub struct Spawn {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub cols: u16,
    pub rows: u16,
    /// Make the pty the child's controlling terminal (so a hang-up also sends SIGHUP).
    pub controlling_tty: bool,
    /// Start the child with SIGHUP ignored, through `sh`.
    pub ignore_hup: bool,
    /// Run this program instead of malbild.
    pub program: Option<String>,
}

impl Spawn {
    /// malbild with `args` at 80×24, TERM=xterm-256color, LANG=C.UTF-8, no NO_COLOR.
    pub fn new(args: &[&str]) -> Spawn {
        Spawn {
            args: args.iter().map(|s| s.to_string()).collect(),
            env: vec![
                ("TERM".into(), "xterm-256color".into()),
                ("LANG".into(), "C.UTF-8".into()),
            ],
            cols: 80,
            rows: 24,
            controlling_tty: true,
            ignore_hup: false,
            program: None,
        }
    }

    /// Sets (or replaces) one environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Spawn {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn size(mut self, cols: u16, rows: u16) -> Spawn {
        self.cols = cols;
        self.rows = rows;
        self
    }

    pub fn no_controlling_tty(mut self) -> Spawn {
        self.controlling_tty = false;
        self
    }

    pub fn ignore_hup(mut self) -> Spawn {
        self.ignore_hup = true;
        self
    }

    pub fn program(mut self, program: &str) -> Spawn {
        self.program = Some(program.into());
        self
    }

    pub fn start(self) -> Pty {
        Pty::start(self)
    }
}

/// A running child in a pty.
pub struct Pty {
    master: Option<Box<dyn MasterPty + Send>>,
    /// Our own duplicate of the master, for writing keys (portable-pty's writer sends
    /// newline + EOF when dropped, which would be keys the app sees).
    writer: Option<File>,
    /// Wakes the reader thread so it drops its duplicate of the master.
    stop: Option<UnixStream>,
    reader: Option<JoinHandle<()>>,
    child: Box<dyn Child + Send + Sync>,
    shared: Arc<(Mutex<Output>, Condvar)>,
    pub pid: i32,
    pub cols: u16,
    exit: Option<portable_pty::ExitStatus>,
}

fn dup(fd: i32) -> File {
    // SAFETY: dup returns a new descriptor that we then own.
    let new = unsafe { libc::dup(fd) };
    assert!(new >= 0, "dup: {}", std::io::Error::last_os_error());
    // SAFETY: `new` is a fresh descriptor owned by nobody else.
    unsafe { File::from_raw_fd(new) }
}

impl Pty {
    fn start(spec: Spawn) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: spec.rows,
                cols: spec.cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let bin = spec
            .program
            .clone()
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_malbild").to_string());
        let mut cmd = if spec.ignore_hup {
            // Ignored signals stay ignored across exec.
            let mut cmd = CommandBuilder::new("/bin/sh");
            cmd.arg("-c");
            cmd.arg("trap '' HUP; exec \"$0\" \"$@\"");
            cmd.arg(&bin);
            cmd
        } else {
            CommandBuilder::new(&bin)
        };
        cmd.args(&spec.args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", std::env::temp_dir());
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        cmd.cwd(env!("CARGO_MANIFEST_DIR"));
        cmd.set_controlling_tty(spec.controlling_tty);
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        // Only the child may hold the slave, or closing the master would not hang it up.
        drop(pair.slave);
        let pid = child.process_id().expect("pid") as i32;
        let master = pair.master;
        let fd = master.as_raw_fd().expect("master fd");
        let writer = dup(fd);
        let mut reading = dup(fd);
        let (stop, stop_rx) = UnixStream::pair().expect("socketpair");
        let shared = Arc::new((
            Mutex::new(Output {
                raw: Vec::new(),
                parser: vt100::Parser::new(spec.rows, spec.cols, 0),
                first: None,
                last: None,
                closed: false,
            }),
            Condvar::new(),
        ));
        let for_reader = Arc::clone(&shared);
        let reader = thread::spawn(move || {
            let mut buf = [0u8; 8192];
            let mut paused = false;
            loop {
                let mut fds = [
                    libc::pollfd {
                        fd: reading.as_raw_fd(),
                        events: if paused { 0 } else { libc::POLLIN },
                        revents: 0,
                    },
                    libc::pollfd {
                        fd: stop_rx.as_raw_fd(),
                        events: libc::POLLIN,
                        revents: 0,
                    },
                ];
                // SAFETY: two valid pollfds, and the count says two.
                let r = unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
                if r < 0 {
                    if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                        continue;
                    }
                    break;
                }
                if fds[1].revents != 0 {
                    let mut order = [0u8];
                    match (&stop_rx).read(&mut order) {
                        Ok(1) if order[0] == b'p' => paused = true,
                        _ => return, // Asked to let go of the master.
                    }
                    continue;
                }
                if paused {
                    // Only the child's exit wakes a paused reader.
                    break;
                }
                match reading.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let (lock, cv) = &*for_reader;
                        let mut out = lock.lock().unwrap();
                        out.raw.extend_from_slice(&buf[..n]);
                        out.parser.process(&buf[..n]);
                        let now = Instant::now();
                        out.first.get_or_insert(now);
                        out.last = Some(now);
                        cv.notify_all();
                    }
                }
            }
            let (lock, cv) = &*for_reader;
            lock.lock().unwrap().closed = true;
            cv.notify_all();
        });
        Pty {
            master: Some(master),
            writer: Some(writer),
            stop: Some(stop),
            reader: Some(reader),
            child,
            shared,
            pid,
            cols: spec.cols,
            exit: None,
        }
    }

    pub fn output(&self) -> MutexGuard<'_, Output> {
        self.shared.0.lock().unwrap()
    }

    /// Every byte so far.
    pub fn raw(&self) -> Vec<u8> {
        self.output().raw.clone()
    }

    /// How many bytes so far.
    pub fn len(&self) -> usize {
        self.output().raw.len()
    }

    /// The screen's text, rows joined by newlines.
    pub fn screen(&self) -> String {
        self.output().parser.screen().contents()
    }

    /// The screen's text, one string per row (trailing blanks trimmed).
    pub fn lines(&self) -> Vec<String> {
        let out = self.output();
        let screen = out.parser.screen();
        screen
            .rows(0, self.cols)
            .map(|r| r.trim_end().to_string())
            .collect()
    }

    /// Writes raw bytes, as a terminal would for keys and mouse reports.
    pub fn send(&mut self, bytes: &[u8]) {
        let w = self.writer.as_mut().expect("writer");
        w.write_all(bytes).expect("write to pty");
        w.flush().expect("flush pty");
    }

    pub fn send_str(&mut self, s: &str) {
        self.send(s.as_bytes());
    }

    /// Waits until `pred` holds for the output, or the timeout passes; true if it held.
    pub fn wait_until(&self, timeout: Duration, mut pred: impl FnMut(&Output) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.shared;
        let mut out = lock.lock().unwrap();
        loop {
            if pred(&out) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            out = cv.wait_timeout(out, deadline - now).unwrap().0;
        }
    }

    /// Waits until the screen shows `text`; panics with the screen if it does not.
    #[track_caller]
    pub fn expect(&self, text: &str) {
        if !self.wait_until(TIMEOUT, |o| o.parser.screen().contents().contains(text)) {
            panic!(
                "the screen never showed {text:?} within {TIMEOUT:?}; it shows:\n{}",
                self.screen()
            );
        }
    }

    /// Waits until the text `text` shows, even wrapped over several rows of a pane; panics
    /// with the screen if it does not.
    #[track_caller]
    pub fn expect_flow(&self, text: &str) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !self.wait_until(TIMEOUT, |o| flowed(o.parser.screen()).contains(&text)) {
            panic!(
                "the screen never showed {text:?} within {TIMEOUT:?}; it shows:\n{}",
                self.screen()
            );
        }
    }

    /// `flowed` of the screen now.
    pub fn flow(&self) -> String {
        flowed(self.output().parser.screen())
    }

    /// Waits until the output is at least `n` bytes long.
    pub fn wait_len(&self, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |o| o.raw.len() >= n)
    }

    /// Waits until no byte has arrived for `quiet`, at most `timeout`; the byte count then.
    pub fn settle(&self, quiet: Duration, timeout: Duration) -> usize {
        let deadline = Instant::now() + timeout;
        loop {
            let (len, last) = {
                let o = self.output();
                (o.raw.len(), o.last)
            };
            let since = last.map_or(quiet, |t| t.elapsed());
            if since >= quiet || Instant::now() >= deadline {
                return len;
            }
            thread::sleep(quiet - since.min(quiet) + Duration::from_millis(5));
        }
    }

    /// Sends `bytes` and returns how many output bytes they caused, once output has settled,
    /// waiting at least until some output arrived (or `TIMEOUT`).
    pub fn key_cost(&mut self, bytes: &[u8]) -> usize {
        let before = self.len();
        self.send(bytes);
        self.wait_len(before + 1, Duration::from_millis(1500));
        self.settle(Duration::from_millis(150), TIMEOUT) - before
    }

    /// Every cell of the screen: its text and how it is drawn.
    pub fn cells(&self) -> Vec<String> {
        let out = self.output();
        let screen = out.parser.screen();
        let (rows, cols) = screen.size();
        let mut cells = Vec::with_capacity(usize::from(rows) * usize::from(cols));
        for row in 0..rows {
            for col in 0..cols {
                let cell = screen.cell(row, col);
                cells.push(cell.map_or_else(String::new, |c| {
                    // An erased cell and a written space look the same.
                    let text = match c.contents() {
                        "" => " ",
                        t => t,
                    };
                    format!(
                        "{}|{:?}|{:?}|{}{}{}{}",
                        text,
                        c.fgcolor(),
                        c.bgcolor(),
                        u8::from(c.bold()),
                        u8::from(c.italic()),
                        u8::from(c.underline()),
                        u8::from(c.inverse())
                    )
                }));
            }
        }
        cells
    }

    /// Sends a key and returns the bytes it cost and how many cells changed on screen.
    pub fn key_cost_and_cells(&mut self, bytes: &[u8]) -> (usize, usize) {
        let before = self.cells();
        let cost = self.key_cost(bytes);
        let after = self.cells();
        let changed = before.iter().zip(&after).filter(|(a, b)| a != b).count();
        (cost, changed)
    }

    pub fn signal(&self, signal: i32) {
        // SAFETY: kill only sends a signal to our own child.
        let r = unsafe { libc::kill(self.pid, signal) };
        assert_eq!(r, 0, "kill: {}", std::io::Error::last_os_error());
    }

    /// Waits for the child to exit; its exit status, or None on timeout.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<&portable_pty::ExitStatus> {
        if self.exit.is_none() {
            let deadline = Instant::now() + timeout;
            loop {
                if let Some(status) = self.child.try_wait().expect("try_wait") {
                    self.exit = Some(status);
                    break;
                }
                if Instant::now() >= deadline {
                    return None;
                }
                thread::sleep(Duration::from_millis(5));
            }
            // Let the reader take the last bytes before anyone looks at them.
            if self.reader.is_some() && self.master.is_some() {
                self.wait_until(Duration::from_millis(500), |o| o.closed);
            }
        }
        self.exit.as_ref()
    }

    /// Waits for exit 0 within `timeout`; panics otherwise.
    #[track_caller]
    pub fn expect_exit_ok(&mut self, timeout: Duration) {
        let started = Instant::now();
        match self.wait_exit(timeout) {
            None => panic!(
                "still running {timeout:?} later; CPU {:?}; screen:\n{}",
                self.cpu(),
                self.screen()
            ),
            Some(status) => assert!(
                status.success(),
                "exited with {status:?} after {:?}",
                started.elapsed()
            ),
        }
    }

    /// True while the child has not exited.
    pub fn running(&mut self) -> bool {
        self.exit.is_none() && self.child.try_wait().expect("try_wait").is_none()
    }

    /// Changes the window size, as a terminal emulator does when its window is resized.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.output().parser.screen_mut().set_size(rows, cols);
        self.cols = cols;
        let size = PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        };
        self.master
            .as_ref()
            .expect("master")
            .resize(size)
            .expect("resize");
    }

    /// Stops reading the master, like a terminal that no longer takes output (a stalled SSH
    /// connection): once the pty's buffer is full, the child's writes block.
    pub fn pause_reading(&mut self) {
        let stop = self.stop.as_ref().expect("reader running");
        (&*stop).write_all(b"p").expect("pause reader");
    }

    /// Closes every handle on the master side, so the terminal hangs up.
    pub fn hang_up(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = (&stop).write_all(b"x");
            if let Some(reader) = self.reader.take() {
                reader.join().expect("reader thread");
            }
        }
        self.writer = None;
        self.master = None;
    }

    /// User plus system CPU time of the whole process (all threads).
    pub fn cpu(&self) -> Duration {
        cpu_of(self.pid)
    }

    /// Voluntary context switches summed over all threads: how often the process woke.
    pub fn wakeups(&self) -> u64 {
        let mut total = 0;
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{}/task", self.pid)) else {
            return 0;
        };
        for task in tasks.flatten() {
            let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
            total += status_field(&status, "voluntary_ctxt_switches:").unwrap_or(0);
        }
        total
    }

    /// Private dirty memory in KiB: what this process alone has written to (smaps_rollup).
    pub fn private_dirty_kib(&self) -> u64 {
        let rollup =
            std::fs::read_to_string(format!("/proc/{}/smaps_rollup", self.pid)).unwrap_or_default();
        status_field(&rollup, "Private_Dirty:").unwrap_or(0)
    }

    /// Peak resident set size in KiB (VmHWM).
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).unwrap();
        status_field(&status, "VmHWM:").unwrap_or(0)
    }
}

/// The screen's text pane by pane: rows are cut at vertical borders, and the pieces in the
/// same position are joined with single spaces, so text wrapped in a pane reads as one line.
pub fn flowed(screen: &vt100::Screen) -> String {
    let (_, cols) = screen.size();
    let mut columns: Vec<String> = Vec::new();
    for row in screen.rows(0, cols) {
        for (i, piece) in row.split(['│', '║', '|']).enumerate() {
            if columns.len() <= i {
                columns.push(String::new());
            }
            for word in piece.split_whitespace() {
                columns[i].push_str(word);
                columns[i].push(' ');
            }
        }
    }
    columns.join("\n")
}

fn status_field(status: &str, name: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// utime + stime from /proc/PID/stat (fields 14 and 15, counted after the command name).
pub fn cpu_of(pid: i32) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Duration::ZERO;
    };
    let after = &stat[stat.rfind(')').expect("stat format") + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // `after` starts at field 3 (state), so field N is at index N - 3.
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf only reads a constant.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_millis(ticks * 1000 / hz)
}

impl Drop for Pty {
    fn drop(&mut self) {
        if self.exit.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            // SAFETY: SIGKILL to our own child, which a failed test left running.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            let _ = self.child.wait();
        }
        self.hang_up();
    }
}
