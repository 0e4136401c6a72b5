//! Runs the malbild binary in a pseudo-terminal until it exits.

use std::io::Read;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, PtySize, native_pty_system};

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
    cmd.env_remove("LC_ALL");
    cmd.env_remove("LC_MESSAGES");
    cmd.env_remove("LC_CTYPE");
    let mut child = pty.slave.spawn_command(cmd).expect("spawn");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let collect = std::thread::spawn(move || {
        let mut out = Vec::new();
        // Ends with EIO once the child is gone; what was read is kept.
        let _ = reader.read_to_end(&mut out);
        out
    });
    let status = wait_exit(child.as_mut(), &format!("{args:?}"));
    let out = collect.join().expect("reader thread");
    drop(pty.master);
    (out, status.exit_code())
}

/// Waits up to 10 s for `child` to exit (killing it and failing the test after that): its exit
/// status. `what` names it in the failure.
pub fn wait_exit(child: &mut (dyn Child + Send + Sync), what: &str) -> ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(s) = child.try_wait().expect("wait") {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not exit");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}
