//! One QEMU machine: its monitor (keys, VGA memory, CRTC registers), its serial line (a root
//! shell) and the screen of the console's front VT decoded with the loaded font.

use std::collections::HashMap;
use std::io::{self, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const COLS: usize = 80;
pub const ROWS: usize = 25;

/// Where the image, kernel and initrd are, and the extra disk with what the IT person brings.
pub struct Boot<'a> {
    pub kernel: &'a Path,
    pub initrd: &'a Path,
    pub disk: &'a Path,
    pub transfer: &'a Path,
    pub dir: &'a Path,
}

pub struct Machine {
    child: Child,
    monitor: BufReader<UnixStream>,
    serial: UnixStream,
    /// Serial output not yet consumed by a command.
    serial_buf: Vec<u8>,
    dir: PathBuf,
    /// Glyph index → the character it draws, from the console's unicode table.
    pub font: HashMap<u16, char>,
    /// The font has 512 glyphs: attribute bit 3 selects the upper half.
    pub font512: bool,
    commands: u64,
    pub started: Instant,
}

fn connect(path: &Path, child: &mut Child) -> UnixStream {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(s) = UnixStream::connect(path) {
            return s;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("qemu exited at start: {status}");
        }
        assert!(Instant::now() < deadline, "no socket {}", path.display());
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Machine {
    pub fn start(boot: &Boot) -> Machine {
        let monitor_path = boot.dir.join("monitor.sock");
        let serial_path = boot.dir.join("serial.sock");
        let _ = std::fs::remove_file(&monitor_path);
        let _ = std::fs::remove_file(&serial_path);
        let log = std::fs::File::create(boot.dir.join("qemu.log")).unwrap();
        let _ = std::fs::remove_file(boot.dir.join("serial.log"));
        let started = Instant::now();
        let mut child = Command::new("qemu-system-x86_64")
            .current_dir(boot.dir)
            .args([
                "-accel",
                "tcg,thread=multi",
                "-cpu",
                "max",
                "-m",
                "1024",
                "-smp",
                "2",
            ])
            .arg("-kernel")
            .arg(boot.kernel)
            .arg("-initrd")
            .arg(boot.initrd)
            .args([
                "-append",
                "root=/dev/vda rw quiet nomodeset vga=normal console=tty0 console=ttyS0,115200",
            ])
            .arg("-drive")
            .arg(format!(
                "file={},if=virtio,format=qcow2",
                boot.disk.display()
            ))
            .arg("-drive")
            .arg(format!(
                "file={},if=virtio,format=raw,readonly=on",
                boot.transfer.display()
            ))
            .args([
                "-vga",
                "std",
                "-display",
                "none",
                "-nic",
                "none",
                "-no-reboot",
            ])
            .arg("-monitor")
            .arg(format!("unix:{},server,nowait", monitor_path.display()))
            .arg("-serial")
            .arg(format!("unix:{},server,nowait", serial_path.display()))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("qemu-system-x86_64 starts");
        let monitor = connect(&monitor_path, &mut child);
        let serial = connect(&serial_path, &mut child);
        serial
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut m = Machine {
            child,
            monitor: BufReader::new(monitor),
            serial,
            serial_buf: Vec::new(),
            dir: boot.dir.to_path_buf(),
            // Until the console's table is read: ASCII, where the VGA ROM font and Debian's
            // console fonts agree.
            font: (0x20u8..0x7f)
                .map(|b| (u16::from(b), char::from(b)))
                .collect(),
            font512: false,
            commands: 0,
            started,
        };
        m.hmp_prompt();
        m
    }

    /// Reads the monitor up to its next prompt and returns what came before it.
    fn hmp_prompt(&mut self) -> String {
        let mut out = Vec::new();
        loop {
            let mut byte = [0u8; 1];
            match self.monitor.read(&mut byte) {
                Ok(0) | Err(_) => panic!(
                    "the monitor closed (the machine is gone: {:?})",
                    self.child.try_wait()
                ),
                Ok(_) => out.push(byte[0]),
            }
            if out.ends_with(b"(qemu) ") {
                out.truncate(out.len() - 7);
                return String::from_utf8_lossy(&out).into_owned();
            }
        }
    }

    /// Runs one monitor command and returns its output.
    pub fn hmp(&mut self, command: &str) -> String {
        if let Err(e) = self
            .monitor
            .get_mut()
            .write_all(format!("{command}\n").as_bytes())
        {
            panic!(
                "{command}: the monitor is closed ({e}): the machine is gone ({:?}; it exits on \
                 a reboot)",
                self.child.try_wait()
            );
        }
        self.hmp_prompt()
    }

    /// Presses a key combination on the machine's keyboard (QEMU's names: `alt-f2`,
    /// `ctrl-alt-delete`).
    pub fn key(&mut self, keys: &str) {
        let out = self.hmp(&format!("sendkey {keys} 30"));
        assert!(
            !out.contains("rror") && !out.contains("unknown"),
            "sendkey {keys}: {out}"
        );
    }

    /// Moves the machine's mouse by `dx`, `dy` and turns its wheel by `dz` (QEMU's PS/2 mouse:
    /// relative steps, which gpm accelerates and scales to cells as it likes).
    pub fn mouse_move(&mut self, dx: i32, dy: i32, dz: i32) {
        let out = self.hmp(&format!("mouse_move {dx} {dy} {dz}"));
        assert!(!out.contains("rror"), "mouse_move: {out}");
    }

    /// Sets the mouse's buttons: bit 0 left, bit 1 right, bit 2 middle; 0 releases them.
    pub fn mouse_button(&mut self, state: u8) {
        let out = self.hmp(&format!("mouse_button {state}"));
        assert!(!out.contains("rror"), "mouse_button: {out}");
    }

    /// Types text made of letters, digits and Enter (`\n`).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\n' => self.key("ret"),
                c if c.is_ascii_lowercase() || c.is_ascii_digit() => self.key(&c.to_string()),
                c => panic!("cannot type {c:?}"),
            }
        }
    }

    fn port(&mut self, index: u8) -> u8 {
        self.hmp(&format!("o/b 0x3d4 {index:#x}"));
        let out = self.hmp("i/b 0x3d5");
        let value = out
            .rsplit('=')
            .next()
            .map(|v| v.trim())
            .unwrap_or_else(|| panic!("port read: {out}"));
        u8::from_str_radix(value.trim_start_matches("0x"), 16)
            .unwrap_or_else(|_| panic!("port read: {out}"))
    }

    /// The cells of the VT on screen: (glyph byte, attribute), from VGA text memory at the
    /// CRTC's start address.
    pub fn cells(&mut self) -> Vec<(u8, u8)> {
        let start = usize::from(self.port(0x0c)) << 8 | usize::from(self.port(0x0d));
        // QEMU runs in `dir`: a short name keeps the monitor's echo short.
        let file = self.dir.join("v");
        let _ = std::fs::remove_file(&file);
        let out = self.hmp("pmemsave 0xb8000 32768 \"v\"");
        assert!(
            !out.contains("nvalid") && !out.contains("rror"),
            "pmemsave: {out}"
        );
        let mem = std::fs::read(&file).expect("pmemsave wrote VGA memory");
        let from = (start * 2) % mem.len();
        (0..COLS * ROWS)
            .map(|i| {
                let at = (from + 2 * i) % mem.len();
                (mem[at], mem[at + 1])
            })
            .collect()
    }

    /// The screen as text, one line per row, each glyph decoded with the font's table.
    pub fn screen(&mut self) -> String {
        let cells = self.cells();
        let mut text = String::with_capacity(COLS * ROWS * 2);
        for (i, (ch, attr)) in cells.into_iter().enumerate() {
            if i > 0 && i % COLS == 0 {
                text.push('\n');
            }
            let glyph = u16::from(ch)
                | if self.font512 {
                    u16::from(attr & 8) << 5
                } else {
                    0
                };
            text.push(self.font.get(&glyph).copied().unwrap_or('\u{fffd}'));
        }
        text
    }

    /// Waits until the screen satisfies `ok`; panics with the last screen after `limit`.
    pub fn wait_screen(
        &mut self,
        what: &str,
        limit: Duration,
        ok: impl Fn(&str) -> bool,
    ) -> (String, Duration) {
        let since = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return (screen, since.elapsed());
            }
            assert!(
                since.elapsed() < limit,
                "{what}: not on screen after {limit:?}; the screen is:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Keeps serial output for the next command and in `serial.log`, to read when a step fails.
    fn got_serial(&mut self, bytes: &[u8]) {
        self.serial_buf.extend_from_slice(bytes);
        if let Ok(mut log) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("serial.log"))
        {
            let _ = log.write_all(bytes);
        }
    }

    /// Reads the serial line until `marker` has been seen; returns what came before it.
    fn serial_until(&mut self, marker: &str, limit: Duration) -> String {
        let since = Instant::now();
        loop {
            if let Some(at) = find(&self.serial_buf, marker.as_bytes()) {
                let before = String::from_utf8_lossy(&self.serial_buf[..at]).into_owned();
                self.serial_buf.drain(..at + marker.len());
                return before;
            }
            assert!(
                since.elapsed() < limit,
                "serial: no {marker:?} after {limit:?}; got:\n{}",
                String::from_utf8_lossy(&self.serial_buf)
            );
            let mut buf = [0u8; 4096];
            match self.serial.read(&mut buf) {
                Ok(0) => panic!(
                    "the serial line closed: the machine is gone ({:?}; it exits on a reboot)",
                    self.child.try_wait()
                ),
                Ok(n) => self.got_serial(&buf[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    if let Ok(Some(status)) = self.child.try_wait() {
                        panic!("the machine stopped ({status}) waiting for {marker:?}");
                    }
                }
                Err(e) => panic!("serial: {e}"),
            }
        }
    }

    /// Waits for the root shell on the serial line and makes it quiet: no echo, no prompt.
    pub fn wait_shell(&mut self, limit: Duration) {
        let since = Instant::now();
        loop {
            self.serial.write_all(b"\r").unwrap();
            let deadline = Instant::now() + Duration::from_secs(2);
            while Instant::now() < deadline {
                if find(&self.serial_buf, b"# ").is_some() {
                    break;
                }
                let mut buf = [0u8; 4096];
                if let Ok(n) = self.serial.read(&mut buf) {
                    self.got_serial(&buf[..n]);
                }
            }
            if find(&self.serial_buf, b"# ").is_some() {
                break;
            }
            assert!(since.elapsed() < limit, "no root shell on the serial line");
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the machine stopped ({status}) while booting");
            }
        }
        self.serial
            .write_all(b"stty -echo; PS1=; PS2=; export SYSTEMD_PAGER= SYSTEMD_COLORS=0 TERM=dumb; echo RE$((1+1))DY\r")
            .unwrap();
        self.serial_until("RE2DY", Duration::from_secs(30));
        self.serial_buf.clear();
    }

    /// Runs a shell command as root inside the machine; returns its status and output.
    pub fn sh_status(&mut self, command: &str, limit: Duration) -> (i32, String) {
        self.commands += 1;
        let n = self.commands;
        let line = format!("{{ {command}\n}} </dev/null 2>&1; echo \"@@$(({n}+0))@@$?@@\"\r");
        self.serial.write_all(line.as_bytes()).unwrap();
        let out = self.serial_until(&format!("@@{n}@@"), limit);
        let status = self.serial_until("@@", Duration::from_secs(5));
        let out = out.replace('\r', "");
        (status.trim().parse().unwrap_or(-1), out)
    }

    /// Runs a shell command that must succeed; returns its output, trimmed.
    #[track_caller]
    pub fn sh(&mut self, command: &str) -> String {
        let (status, out) = self.sh_status(command, Duration::from_secs(120));
        assert_eq!(status, 0, "`{command}` failed:\n{out}");
        out.trim().to_string()
    }

    /// Loads the front VT's unicode table, to decode VGA memory with.
    pub fn load_font(&mut self) {
        let table = self.sh("setfont -C /dev/tty1 -ou /run/unimap && cat /run/unimap");
        let mut font = HashMap::new();
        let mut max = 0;
        for line in table.lines() {
            let mut words = line.split_whitespace();
            let Some(glyph) = words
                .next()
                .and_then(|g| u16::from_str_radix(g.trim_start_matches("0x"), 16).ok())
            else {
                continue;
            };
            max = max.max(glyph);
            for u in words {
                let Some(c) = u
                    .strip_prefix("U+")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
                else {
                    continue;
                };
                // The first character listed for a glyph is the one it is named for.
                font.entry(glyph).or_insert(c);
            }
        }
        assert!(font.len() > 100, "no unicode table:\n{table}");
        self.font512 = max > 255;
        self.font = font;
    }

    /// Waits for the machine to power off by itself.
    pub fn wait_exit(&mut self, limit: Duration) {
        let since = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            assert!(since.elapsed() < limit, "the machine did not power off");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// True while QEMU runs: with -no-reboot, any reboot ends it.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Machine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
