//! The Windows build, run under Wine in a pseudo-terminal and driven from the keyboard: the
//! start screen, Down, Down, Enter on the first goal, `q`, exit status 0. It checks what
//! cross-compiling alone cannot: the Windows shell's console calls, crossterm's events through
//! the session, the frames reaching a terminal.
//!
//! It is ignored by `cargo test`: `.ci/run` builds what it needs and runs it (`cargo test --test
//! wine -- --ignored`), all under `target/`: the release `.exe`
//! (`target/x86_64-pc-windows-gnu/release/malbild.exe`), a Wine prefix (`target/wine/prefix`)
//! and a relay (`target/wine/pty-relay.exe`, from `.ci/wine/pty-relay.c`). Wine's own console
//! would redraw the frames' escape sequences as text; the relay hands the program a pipe that
//! it takes for a terminal, as mintty does on Windows, and copies what it writes to the pty
//! unchanged, while keys and the size still come from Wine's console on the pty. Where `wine`
//! is missing the test says so and passes, except in CI.

#[allow(dead_code)]
#[path = "e2e/pty.rs"]
mod pty;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use pty::{Pty, Spawn};

/// Wine starts slowly on a loaded machine (its server, the prefix): a generous bound for any
/// one step.
const WINE_TIMEOUT: Duration = Duration::from_secs(90);

const DOWN: &[u8] = b"\x1b[B";

fn target(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(path)
}

/// A Unix path as Wine's `Z:` drive names it.
fn wine_path(path: &Path) -> String {
    format!("Z:{}", path.display()).replace('/', "\\")
}

/// Waits until some row of the screen holds every one of `parts`; panics with the screen if
/// none does in time.
#[track_caller]
fn expect_row(p: &Pty, parts: &[&str]) {
    let found = p.wait_until(WINE_TIMEOUT, |o| {
        o.parser
            .screen()
            .contents()
            .lines()
            .any(|row| parts.iter().all(|part| row.contains(part)))
    });
    assert!(
        found,
        "no row showed {parts:?} within {WINE_TIMEOUT:?}; the screen:\n{}",
        p.screen()
    );
}

/// Starts the Windows build with `args` under Wine in an 80×24 pty, or says why it cannot and
/// returns None (only outside CI).
fn start(args: &[&str]) -> Option<Pty> {
    let have_wine = Command::new("wine")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_wine {
        assert!(
            std::env::var_os("CI").is_none(),
            "wine is missing in CI: .ci/run installs it"
        );
        eprintln!("skipped: wine is not installed here (.ci/run installs it)");
        return None;
    }
    let exe = target("x86_64-pc-windows-gnu/release/malbild.exe");
    let relay = target("wine/pty-relay.exe");
    let prefix = target("wine/prefix");
    for needed in [&exe, &relay, &prefix] {
        assert!(
            needed.exists(),
            "{} is missing: .ci/run builds it",
            needed.display()
        );
    }
    let relay = relay.display().to_string();
    let exe = wine_path(&exe);
    // The pty turns Ctrl-C into SIGINT for everything on it: `cat` ignores it, and Wine makes
    // it the console's Ctrl-C event, which is malbild's to answer.
    let mut shell = vec![
        "-o",
        "pipefail",
        "-c",
        "trap '' INT; wine \"$@\" | cat",
        "bash",
        &relay,
        &exe,
    ];
    shell.extend_from_slice(args);
    let p = Spawn::new(&shell)
        .program("/bin/bash")
        .env("WINEPREFIX", &prefix.display().to_string())
        .env("WINEDEBUG", "-all")
        .start();
    expect_row(&p, &["Bra verksamhet"]);
    expect_row(&p, &["Kommunens vision"]);
    expect_row(&p, &["▶", "Vision"]);
    Some(p)
}

#[test]
#[ignore = "needs Wine and the Windows build: run by .ci/run"]
fn the_windows_build_reads_a_goal_and_quits() {
    let Some(mut p) = start(&[]) else { return };
    p.send(DOWN);
    expect_row(&p, &["▶", "Hållbarhet"]);
    p.send(DOWN);
    expect_row(&p, &["▶", "En kommun för alla"]);
    p.send(b"\r");
    expect_row(&p, &["samma möjligheter att leva"]);
    p.send(b"q");
    p.expect_exit_ok(WINE_TIMEOUT);
}

/// Ctrl-C reaches a Windows program as a console event, not a key, under Wine (and Ctrl-Break
/// always does on Windows): the kiosk ignores it as it ignores `q`, and leaves by its admin key.
#[test]
#[ignore = "needs Wine and the Windows build: run by .ci/run"]
fn the_windows_kiosk_outlives_ctrl_c_and_leaves_by_its_admin_key() {
    let Some(mut p) = start(&["--kiosk", "--admin-exit", "F12"]) else {
        return;
    };
    p.send(b"\x03");
    p.send(b"q");
    p.send(DOWN);
    expect_row(&p, &["▶", "Hållbarhet"]);
    p.send(b"\x1b[24~");
    let status = p.wait_exit(WINE_TIMEOUT).expect("F12 ends the kiosk");
    assert_eq!(status.exit_code(), 3, "the admin key's status");
}
