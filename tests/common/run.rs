//! Runs the malbild binary in a pseudo-terminal until it exits.

use std::io::Read;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// Runs malbild with `args` in a pty `cols` wide and 24 rows high: everything it wrote, and its
/// exit status.
pub fn run_in_pty(args: &[&str], cols: u16) -> (Vec<u8>, u32) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_malbild"));
    cmd.args(args);
    cmd.cwd(env!("CARGO_MANIFEST_DIR"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "C.UTF-8");
    let mut child = pty.slave.spawn_command(cmd).expect("spawn");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let collect = std::thread::spawn(move || {
        let mut out = Vec::new();
        // Ends with EIO once the child is gone; what was read is kept.
        let _ = reader.read_to_end(&mut out);
        out
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{args:?} did not exit");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = collect.join().expect("reader thread");
    drop(pty.master);
    (out, status.exit_code())
}
