//! A braille display as BRLTTY drives it, on the real Linux console: malbild draws on a free
//! virtual terminal, BRLTTY reads that terminal with its Linux screen driver and shows a
//! 40-cell window of it on its virtual braille display, whose text this test reads back over a
//! socket. After each step the window must be on the focused item, with and without
//! `--screen-reader`.
//!
//! It needs root, a Linux console (`/dev/tty0`), and the `brltty` and `kbd` packages, and it
//! switches the machine's console while it runs: it is ignored by `cargo test` and run by
//! `.ci/run` where there is a console (`cargo test --test braille -- --ignored`).

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

#[path = "common/locale.rs"]
mod locale;
use locale::Locale;

const WAIT: Duration = Duration::from_secs(10);
const DOWN: &[u8] = b"\x1b[B";

/// Each step's keys, and what the 40-cell window must show after it: without the option (the
/// window starts at the left edge of the screen, so the tree pane is in it), and with it.
const STEPS: &[(&str, &[u8], &str, &str)] = &[
    ("start", b"", "» - Vision", "» - Vision"),
    ("Down", DOWN, "»   - Hållbarhet", "»  - Hållbarhet"),
    (
        "Down",
        DOWN,
        "»     1 En kommun för alla",
        "»   1 En kommun för alla",
    ),
    (
        "Enter",
        b"\r",
        "│ Smed",
        "Smedjebackens kommun är en kommun där al",
    ),
    (
        "Tab",
        b"\t",
        "»     1 En kommun för alla",
        "»   1 En kommun för alla",
    ),
    ("/eko", b"/eko", "Sök: eko", "Sök: eko"),
    (
        "Enter",
        b"\r",
        "»     2 En ekokommun i framkant",
        "»   2 En ekokommun i framkant",
    ),
    ("n", b"n", "»     5 Bra ekonomi", "»   5 Bra ekonomi"),
    ("?", b"?", "↑ ↓  k j", "↑ ↓  k j  välj rad"),
    ("Esc", b"\x1b", "»     5 Bra ekonomi", "»   5 Bra ekonomi"),
];

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e} (install the brltty and kbd packages)"));
    assert!(out.status.success(), "{program} {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Everything the test changed on the machine, undone when it ends, failed or not.
struct Console {
    previous: String,
    vt: u32,
    children: Vec<Child>,
    dir: PathBuf,
}

impl Drop for Console {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = Command::new("chvt").arg(&self.previous).status();
        let _ = Command::new("deallocvt").arg(self.vt.to_string()).status();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The text of the virtual display's window, as BRLTTY last sent it.
#[derive(Clone, Default)]
struct Window(Arc<Mutex<String>>);

impl Window {
    /// Waits until the window contains `text`; the window's text then, or what it showed.
    fn wait_for(&self, text: &str) -> Result<String, String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let shown = self.0.lock().unwrap().clone();
            if shown.contains(text) {
                return Ok(shown);
            }
            if Instant::now() >= deadline {
                return Err(shown);
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Reads the display's `Visual "..."` lines into `window`.
fn read_display(stream: UnixStream, window: Window) {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            if let Some(text) = line
                .strip_prefix("Visual \"")
                .and_then(|t| t.strip_suffix('"'))
            {
                *window.0.lock().unwrap() = text.replace("\\\"", "\"").replace("\\\\", "\\");
            }
        }
    });
}

/// A pty for the keys (and the size); the screen is the VT.
fn pty(rows: u16, cols: u16) -> (File, OwnedFd) {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors; the name and termios pointers may be null.
    let r = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(r, 0, "openpty");
    // SAFETY: both descriptors were just opened and are owned here alone.
    unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
}

fn session(args: &[&str]) {
    let reader = args.contains(&"--screen-reader");
    let previous = run("fgconsole", &[]);
    let vt: u32 = run("fgconsole", &["--next-available"])
        .parse()
        .expect("a VT number");
    let dir = std::env::temp_dir().join(format!("malbild-braille-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let mut console = Console {
        previous,
        vt,
        children: Vec::new(),
        dir: dir.clone(),
    };
    let tty = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(format!("/dev/tty{vt}"))
        .expect("a free VT");
    let size = run("stty", &["-F", &format!("/dev/tty{vt}"), "size"]);
    let (rows, cols) = size.split_once(' ').expect("rows cols");
    let (rows, cols): (u16, u16) = (rows.parse().unwrap(), cols.parse().unwrap());
    run("chvt", &[&vt.to_string()]);

    let socket = dir.join("display");
    let brltty = Command::new("brltty")
        .args([
            "-n",
            "-N",
            "-q",
            "-e",
            "-f",
            "/dev/null",
            "-s",
            "no",
            "-x",
            "lx",
        ])
        .args(["-b", "vr", "-t", "sv"])
        .arg("-d")
        .arg(format!("server:{}", socket.display()))
        .arg("-W")
        .arg(&dir)
        .arg("-P")
        .arg(dir.join("pid"))
        .stdin(Stdio::null())
        .stderr(File::create(dir.join("brltty.log")).unwrap())
        .spawn()
        .expect("brltty (install the brltty package)");
    console.children.push(brltty);
    let deadline = Instant::now() + WAIT;
    let stream = loop {
        if let Ok(s) = UnixStream::connect(&socket) {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "brltty did not listen on its socket"
        );
        thread::sleep(Duration::from_millis(20));
    };
    (&stream).write_all(b"cells 40\n").unwrap();
    let window = Window::default();
    read_display(stream, window.clone());

    let (mut keys, slave) = pty(rows, cols);
    let app = Command::new(env!("CARGO_BIN_EXE_malbild"))
        .args(args)
        .env("TERM", "linux")
        .locale("C.UTF-8")
        .stdin(Stdio::from(slave))
        .stdout(Stdio::from(tty.try_clone().unwrap()))
        .stderr(Stdio::from(tty))
        .spawn()
        .unwrap();
    console.children.push(app);
    let mut seen = Vec::new();
    for &(step, bytes, plain, screen_reader) in STEPS {
        keys.write_all(bytes).unwrap();
        let want = if reader { screen_reader } else { plain };
        match window.wait_for(want) {
            Ok(text) => seen.push(format!("{step:<6} {text:?}")),
            Err(text) => panic!(
                "{args:?} after {step}: the braille window shows {text:?}, not {want:?}\n{}",
                seen.join("\n")
            ),
        }
    }
    keys.write_all(b"q").unwrap();
    let app = console.children.last_mut().unwrap();
    let deadline = Instant::now() + WAIT;
    while app.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "malbild did not quit");
        thread::sleep(Duration::from_millis(20));
    }
    println!("{args:?}\n{}", seen.join("\n"));
}

#[test]
#[ignore = "needs root, a Linux console, brltty and kbd; switches the console"]
fn the_braille_window_follows_the_focus() {
    session(&[]);
    session(&["--screen-reader"]);
}
