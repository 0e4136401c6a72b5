//! End-to-end tests: the real binary in a pseudo-terminal, driven by raw key bytes, with every
//! output byte kept. They check what unit tests cannot: the terminal is left clean on every way
//! out, a hang-up ends the process without spinning, idle costs nothing, kiosk mode holds, and
//! no byte of the content reaches the terminal as a control sequence.

#[path = "e2e/pty.rs"]
mod pty;

use std::thread;
use std::time::{Duration, Instant};

use pty::{Pty, Spawn, TIMEOUT};

/// A signal or a hang-up must end the process within this.
const PROMPT: Duration = Duration::from_secs(1);

const TITLE: &str = "Smedjebackens kommun · Vision och mål";
const VISION: &str = "välkomnande kommun";
const FIRST_GOAL: &str = "samma möjligheter att leva";
const ECO_GOAL: &str = "minskade giftutsläpp";
const ECONOMY_GOAL: &str = "långsiktig tillväxt i balans";

const DOWN: &[u8] = b"\x1b[B";
const UP: &[u8] = b"\x1b[A";
const RIGHT: &[u8] = b"\x1b[C";
const LEFT: &[u8] = b"\x1b[D";
const HOME: &[u8] = b"\x1b[H";
const END: &[u8] = b"\x1b[F";
const PGDN: &[u8] = b"\x1b[6~";
const PGUP: &[u8] = b"\x1b[5~";
const F10: &[u8] = b"\x1b[21~";
const F12: &[u8] = b"\x1b[24~";

/// Starts malbild with `args` and waits for its first full frame.
fn start(args: &[&str]) -> Pty {
    let p = Spawn::new(args).start();
    p.expect("Effektivitet");
    p
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| w == &needle)
        .count()
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The terminal is back as it was: the last thing written leaves the alternate screen, turns
/// mouse reports off and shows the cursor, and nothing is drawn after that.
#[track_caller]
fn assert_restored(raw: &[u8]) {
    let shown = String::from_utf8_lossy(&raw[raw.len().saturating_sub(120)..]).into_owned();
    assert!(
        raw.ends_with(b"\x1b[?25h"),
        "output does not end by showing the cursor: …{shown:?}"
    );
    let left = find_last(raw, b"\x1b[?1049l").unwrap_or_else(|| {
        panic!("the alternate screen was never left: …{shown:?}");
    });
    assert!(
        find_last(raw, b"\x1b[?1049h").is_some_and(|entered| entered < left),
        "alternate screen not left after it was entered: …{shown:?}"
    );
    let mouse_off = find_last(raw, b"\x1b[?1000l").expect("mouse reporting never turned off");
    assert!(
        find_last(raw, b"\x1b[?1000h").is_none_or(|on| on < mouse_off),
        "mouse reporting left on: …{shown:?}"
    );
    // Only mode resets may follow leaving the alternate screen: no drawing on the main screen.
    let tail = &raw[left..];
    let mut rest = tail;
    while !rest.is_empty() {
        let Some(n) = [
            &b"\x1b[?1049l"[..],
            b"\x1b[?25h",
            b"\x1b[?1000l",
            b"\x1b[?1006l",
            b"\x1b[?2004l",
        ]
        .iter()
        .find(|s| rest.starts_with(s))
        .map(|s| s.len()) else {
            panic!("output after leaving the alternate screen: {tail:?}");
        };
        rest = &rest[n..];
    }
}

// 1 ----------------------------------------------------------------------------------------

#[test]
fn start_screen_shows_the_tree_and_enter_opens_a_goal() {
    let mut p = start(&[]);
    for text in [TITLE, "Hållbarhet", "Utveckling", "Effektivitet"] {
        p.expect(text);
    }
    p.expect_flow(VISION);
    assert!(!p.flow().contains(FIRST_GOAL), "{}", p.screen());
    p.send(b"j");
    p.send(b"j");
    p.send(b"\r");
    p.expect_flow(FIRST_GOAL);
    p.send(b"q");
    p.expect_exit_ok(TIMEOUT);
}

// 2 ----------------------------------------------------------------------------------------

fn quits_cleanly(how: &str, act: impl FnOnce(&mut Pty)) {
    let mut p = start(&[]);
    assert!(
        p.raw().windows(8).any(|w| w == b"\x1b[?1000h"),
        "mouse reporting was never turned on"
    );
    let t = Instant::now();
    act(&mut p);
    match p.wait_exit(PROMPT) {
        None => panic!("{how}: still running after {PROMPT:?}, CPU {:?}", p.cpu()),
        Some(status) => assert!(status.success(), "{how}: {status:?}"),
    }
    let raw = p.raw();
    assert_restored(&raw);
    eprintln!("{how}: exited in {:?}", t.elapsed());
}

#[test]
fn q_quits_and_restores_the_terminal() {
    quits_cleanly("q", |p| p.send(b"q"));
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    quits_cleanly("Ctrl-C", |p| p.send(b"\x03"));
}

#[test]
fn signals_quit_and_restore_the_terminal() {
    for (name, signal) in [
        ("SIGTERM", libc::SIGTERM),
        ("SIGINT", libc::SIGINT),
        ("SIGHUP", libc::SIGHUP),
    ] {
        quits_cleanly(name, |p| p.signal(signal));
    }
}

/// With stdin redirected, keys come from /dev/tty.
#[test]
fn keys_come_from_the_tty_when_stdin_is_not_one() {
    let bin = env!("CARGO_BIN_EXE_malbild");
    let mut p = Spawn::new(&["-c", "exec \"$0\" < /dev/null", bin])
        .program("/bin/sh")
        .start();
    p.expect("Effektivitet");
    p.send(DOWN);
    p.expect("Vision › Hållbarhet");
    p.send(b"q");
    p.expect_exit_ok(TIMEOUT);
    assert_restored(&p.raw());
}

// 3 ----------------------------------------------------------------------------------------

/// Hangs the terminal up and checks the process exits within `PROMPT` without burning CPU on
/// the way.
#[track_caller]
fn hang_up_exits_without_spinning(mut p: Pty, how: &str) {
    // Give every thread time to block where it will wait.
    p.settle(Duration::from_millis(200), TIMEOUT);
    let before = p.cpu();
    let t = Instant::now();
    p.hang_up();
    let mut last = before;
    while p.running() {
        last = p.cpu().max(last);
        if t.elapsed() > PROMPT {
            thread::sleep(Duration::from_millis(300));
            let spin = p.cpu().saturating_sub(before);
            panic!(
                "{how}: still running {:?} after the hang-up; CPU since: {spin:?}",
                t.elapsed()
            );
        }
        thread::sleep(Duration::from_millis(10));
    }
    let used = last.saturating_sub(before);
    eprintln!(
        "{how}: exited {:?} after the hang-up, CPU {used:?}",
        t.elapsed()
    );
    assert!(
        used <= Duration::from_millis(100),
        "{how}: spent {used:?} of CPU on the way out"
    );
}

#[test]
fn hang_up_ends_the_process() {
    hang_up_exits_without_spinning(start(&[]), "controlling terminal");
}

#[test]
fn hang_up_ends_the_process_with_sighup_ignored() {
    let p = Spawn::new(&[]).ignore_hup().start();
    p.expect("Effektivitet");
    hang_up_exits_without_spinning(p, "SIGHUP ignored");
}

/// Without a controlling terminal no SIGHUP comes at all: only the tty itself says it is gone.
#[test]
fn hang_up_without_sighup_ends_the_process() {
    let p = Spawn::new(&[]).no_controlling_tty().start();
    p.expect("Effektivitet");
    hang_up_exits_without_spinning(p, "no SIGHUP");
}

/// crossterm#793: a read that waits for the rest of an escape sequence spins on a dead tty.
#[test]
fn hang_up_during_a_partial_escape_sequence_ends_the_process() {
    let mut p = Spawn::new(&[]).no_controlling_tty().start();
    p.expect("Effektivitet");
    p.send(b"\x1b[<");
    hang_up_exits_without_spinning(p, "partial sequence, no SIGHUP");
}

#[test]
fn hang_up_in_kiosk_mode_ends_the_process() {
    let p = Spawn::new(&["--kiosk"]).ignore_hup().start();
    p.expect("Effektivitet");
    hang_up_exits_without_spinning(p, "kiosk");
}

// 4 ----------------------------------------------------------------------------------------

/// The start of an SGR mouse report, which leaves crossterm waiting for the rest.
const PARTIAL: &[u8] = b"\x1b[<";

#[test]
fn sigterm_works_while_a_sequence_is_half_read() {
    let mut p = start(&[]);
    p.send(PARTIAL);
    thread::sleep(Duration::from_millis(100));
    assert!(p.running());
    p.signal(libc::SIGTERM);
    p.expect_exit_ok(PROMPT);
    assert_restored(&p.raw());
}

#[test]
fn idle_reset_happens_while_a_sequence_is_half_read() {
    let mut p = start(&["--kiosk", "--idle-reset", "1"]);
    p.settle(Duration::from_millis(200), TIMEOUT);
    let home = p.screen();
    p.send(b"j");
    p.send(b"j");
    p.send(b"\r");
    p.expect_flow(FIRST_GOAL);
    p.send(PARTIAL);
    assert!(
        p.wait_until(TIMEOUT, |o| o.parser.screen().contents() == home),
        "no idle reset; the screen is:\n{}",
        p.screen()
    );
    assert!(p.running());
}

// 5 ----------------------------------------------------------------------------------------

#[test]
fn byte_budgets_at_80x24() {
    let mut p = start(&[]);
    let first = p.settle(Duration::from_millis(300), TIMEOUT);
    assert!(first <= 6000, "first frame: {first} bytes");
    for (name, key) in [
        ("Down", DOWN),
        ("Down", DOWN),
        ("Down", DOWN),
        ("Up", UP),
        ("Left", LEFT),
        ("Right", RIGHT),
        ("End", END),
        ("Home", HOME),
        ("PgDn", PGDN),
        ("PgUp", PGUP),
    ] {
        let before = p.screen();
        let bytes = p.key_cost(key);
        assert!(bytes <= 1500, "{name}: {bytes} bytes");
        if name == "Down" || name == "Up" {
            assert_ne!(p.screen(), before, "{name} changed nothing");
        }
    }
}

/// On a slow link every byte counts: an arrow key costs at most 1.6 bytes for each cell it
/// changes (ratatui's own backend: 2.3). Text is a byte a letter (å, ä, ö two); the rest is one
/// cursor move a row and the attributes.
#[test]
fn arrow_keys_cost_close_to_the_cells_they_change() {
    let mut p = start(&[]);
    p.settle(Duration::from_millis(300), TIMEOUT);
    for (name, key) in [
        ("Down", DOWN),
        ("Down", DOWN),
        ("Up", UP),
        ("End", END),
        ("Home", HOME),
    ] {
        let (bytes, cells) = p.key_cost_and_cells(key);
        assert!(cells > 0, "{name} changed nothing");
        assert!(
            bytes * 5 <= cells * 8,
            "{name}: {bytes} bytes for {cells} changed cells"
        );
    }
}

#[test]
fn idle_writes_nothing_and_uses_no_cpu() {
    let mut p = start(&[]);
    p.send(DOWN);
    p.expect("Vision › Hållbarhet");
    let len = p.settle(Duration::from_millis(300), TIMEOUT);
    let (cpu, wakeups) = (p.cpu(), p.wakeups());
    thread::sleep(Duration::from_secs(2));
    assert_eq!(p.len() - len, 0, "bytes written while idle");
    assert_eq!(p.wakeups() - wakeups, 0, "threads woke up while idle");
    let used = p.cpu().saturating_sub(cpu);
    // One clock tick of slack for accounting; a process that wakes up periodically shows more.
    assert!(
        used <= Duration::from_millis(10),
        "CPU while idle: {used:?}"
    );
    assert!(p.running());
}

#[test]
fn odd_sizes_work() {
    for (cols, rows) in [(20, 6), (12, 3), (200, 60)] {
        let mut p = Spawn::new(&[]).size(cols, rows).start();
        assert!(
            p.wait_len(cols as usize, TIMEOUT),
            "nothing drawn at {cols}x{rows}"
        );
        p.send(DOWN);
        p.send(b"\t?");
        p.settle(Duration::from_millis(200), TIMEOUT);
        assert!(p.running(), "{cols}x{rows}");
        p.send(b"\x1b");
        // Apart, or the two bytes read as Alt-q.
        thread::sleep(Duration::from_millis(150));
        p.send(b"q");
        p.expect_exit_ok(TIMEOUT);
        assert_restored(&p.raw());
    }
}

/// As a stranger meets it at 40×12: the bottom line offers Enter, Enter on a goal shows its own
/// text, Esc goes back and never quits; below the smallest size the screen names the size it
/// needs and keys wait.
#[test]
fn a_stranger_at_40x12_reads_a_goal_by_the_bottom_line() {
    for kiosk in [false, true] {
        let args: &[&str] = if kiosk { &["--kiosk"] } else { &[] };
        let mut p = Spawn::new(args).size(40, 12).start();
        p.expect("Enter läs");
        p.send(b"1\r");
        p.expect("Smedjebackens kommun är en");
        p.expect("Esc tillbaka");
        for _ in 0..3 {
            p.send(b"\x1b");
            // Apart, or two Escs read as one Alt-Esc.
            thread::sleep(Duration::from_millis(150));
        }
        p.expect("Enter läs");
        p.settle(Duration::from_millis(200), TIMEOUT);
        assert!(p.running(), "Esc never quits (kiosk: {kiosk})");
        p.resize(30, 7);
        p.expect("40×8");
        p.send(b"\r");
        p.settle(Duration::from_millis(200), TIMEOUT);
        p.resize(40, 12);
        p.expect("Enter läs");
        assert!(!p.screen().contains("Esc tillbaka"), "{}", p.screen());
        p.signal(libc::SIGTERM);
        assert!(p.wait_exit(TIMEOUT).is_some());
    }
}

/// True when rows 1 to 3 of the screen end with a pane's right border in column `cols`.
fn right_edge_at(screen: &vt100::Screen, cols: u16) -> bool {
    screen.size().1 == cols
        && (1..4).all(|row| {
            screen
                .cell(row, cols - 1)
                .is_some_and(|c| ["│", "║", "┐", "╗"].contains(&c.contents()))
        })
}

#[test]
fn resizing_the_window_redraws_at_the_new_size() {
    let mut p = start(&[]);
    assert!(right_edge_at(p.output().parser.screen(), 80));
    for (cols, rows) in [(100, 30), (60, 20)] {
        p.resize(cols, rows);
        assert!(
            p.wait_until(TIMEOUT, |o| right_edge_at(o.parser.screen(), cols)),
            "not redrawn at {cols}x{rows}:\n{}",
            p.screen()
        );
        p.expect_flow(VISION);
    }
    p.send(b"q");
    p.expect_exit_ok(TIMEOUT);
}

/// Input larger than one read (a paste, a held key over a slow link) is all handled, up to
/// its last key, without waiting for more input.
#[test]
fn a_burst_of_input_is_read_to_the_end() {
    let mut p = start(&[]);
    let burst = [b"\x1b[I".repeat(1500), b"G".to_vec()].concat();
    p.send(&burst);
    p.expect_flow("Kommunorganisationens arbete");
}

/// A bracketed paste is text, however long: none of its `q`, digits or `j` acts as a key,
/// in the interface or in a kiosk, and the keys after it work. Sizes around the decoder's old
/// limits, and 10 MB.
#[test]
fn a_long_paste_is_never_keys() {
    for (args, len) in [
        (&[][..], 1),
        (&[], 64 * 1024 - 1),
        (&["--kiosk"], 64 * 1024),
        (&[], 64 * 1024 + 1),
        (&["--kiosk"], 10 * 1024 * 1024),
    ] {
        let mut p = start(args);
        let body: Vec<u8> = b"q1j0Gk".iter().copied().cycle().take(len).collect();
        p.send(&[&b"\x1b[200~"[..], &body, b"\x1b[201~"].concat());
        // From the start screen, two steps down is the first goal: only if the paste moved
        // nothing.
        p.send(b"jj\r");
        p.expect_flow(FIRST_GOAL);
        assert!(p.running(), "{args:?} {len}: the paste ended the program");
        drop(p);
    }
}

// 6 ----------------------------------------------------------------------------------------

#[test]
fn search_finds_the_eco_goal() {
    let mut p = start(&[]);
    assert!(!p.flow().contains(ECO_GOAL));
    p.send(b"/");
    p.send_str("giftutslapp");
    p.send(b"\r");
    p.expect_flow(ECO_GOAL);
}

/// Where `text` starts on the screen, 0-based (row, column); every cell holds one char here.
fn locate(p: &Pty, text: &str) -> Option<(u16, u16)> {
    p.lines().iter().enumerate().find_map(|(row, line)| {
        let at = line.find(text)?;
        Some((row as u16, line[..at].chars().count() as u16))
    })
}

#[test]
fn clicking_a_goal_shows_its_text() {
    let mut p = start(&[]);
    assert!(!p.flow().contains(ECONOMY_GOAL));
    let (row, col) = locate(&p, "Bra ekonomi").expect("goal row on screen");
    let (x, y) = (col + 3, row + 1);
    p.send_str(&format!("\x1b[<0;{x};{y}M"));
    p.send_str(&format!("\x1b[<0;{x};{y}m"));
    p.expect_flow(ECONOMY_GOAL);
}

/// The Linux console (through gpm) and terminals that do not know SGR send the normal encoding:
/// `ESC [ M`, then the button, column and row from 1, each plus 32 in a byte.
#[test]
fn a_normal_mouse_click_opens_a_goal_in_the_kiosk() {
    for term in ["linux", "xterm"] {
        let mut p = Spawn::new(&["--kiosk"]).env("TERM", term).start();
        p.expect("Effektivitet");
        assert!(!p.flow().contains(ECO_GOAL), "{term}");
        let (row, col) = locate(&p, "En ekokommun").expect("goal row on screen");
        let (x, y) = (col as u8 + 3 + 32, row as u8 + 1 + 32);
        p.send(&[0x1b, b'[', b'M', 32, x, y]);
        p.send(&[0x1b, b'[', b'M', 32 + 3, x, y]);
        p.expect_flow(ECO_GOAL);
    }
}

#[test]
fn goal_option_starts_on_that_goal() {
    let p = start(&["--goal", "bra-ekonomi"]);
    p.expect_flow(ECONOMY_GOAL);
}

#[test]
fn unknown_goal_exits_2_and_leaves_the_terminal_alone() {
    let mut p = Spawn::new(&["--goal", "nope"]).start();
    let status = p.wait_exit(TIMEOUT).expect("exits").clone();
    assert_eq!(status.exit_code(), 2, "{status:?}");
    let text = String::from_utf8_lossy(&p.raw()).into_owned();
    assert!(text.contains("nope"), "{text}");
    for id in [
        "vision",
        "hallbarhet",
        "en-kommun-for-alla",
        "bra-ekonomi",
        "bra-verksamhet",
    ] {
        assert!(text.contains(id), "valid id {id} not listed: {text}");
    }
    assert!(!text.contains('\x1b'), "escape sequences written: {text:?}");
}

// 7 ----------------------------------------------------------------------------------------

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn kiosk_survives_quit_keys_and_random_input() {
    let mut p = start(&["--kiosk"]);
    let before = p.len();
    for (name, key) in [
        ("q", &b"q"[..]),
        ("Esc", b"\x1b"),
        ("Ctrl-C", b"\x03"),
        ("Ctrl-D", b"\x04"),
        ("Ctrl-Z", b"\x1a"),
        ("Ctrl-\\", b"\x1c"),
        ("Ctrl-Q", b"\x11"),
        ("F10", F10),
        (":q", b":q\r"),
        ("Q", b"Q"),
    ] {
        p.send(key);
        thread::sleep(Duration::from_millis(60));
        assert!(p.running(), "kiosk left on {name}");
    }
    let keys: Vec<Vec<u8>> = {
        let mut keys: Vec<Vec<u8>> = (0x20u8..0x7f).map(|b| vec![b]).collect();
        keys.extend((0x01u8..0x20).filter(|&b| b != 0x1b).map(|b| vec![b]));
        keys.extend(
            [
                DOWN,
                UP,
                LEFT,
                RIGHT,
                HOME,
                END,
                PGUP,
                PGDN,
                F10,
                b"\x1bOP",
                b"\x1b[3~",
                b"\x1b[Z",
                b"\x1b[<0;10;5M",
                b"\x1b[<64;50;8M",
                b"\x1b[<65;50;8M",
                b"\x1b[<2;3;3M",
            ]
            .map(<[u8]>::to_vec),
        );
        keys.push("å".as_bytes().to_vec());
        keys
    };
    let mut rng = Lcg(0x5eed_1234);
    for _ in 0..300 {
        let key = &keys[(rng.next() % keys.len() as u64) as usize];
        p.send(key);
    }
    p.settle(Duration::from_millis(300), TIMEOUT);
    assert!(p.running(), "kiosk left during random keys");
    assert!(p.len() > before, "nothing drawn");
    // Still drawing: Esc closes whatever is open, then moving the selection shows.
    p.send(b"\x1b");
    thread::sleep(Duration::from_millis(100));
    p.send(b"\x1b");
    p.settle(Duration::from_millis(200), TIMEOUT);
    // `?` opens or closes the help, or types into the search line: the screen changes.
    let screen = p.screen();
    p.send(b"?");
    assert!(
        p.wait_until(TIMEOUT, |o| o.parser.screen().contents() != screen),
        "no redraw after ?:\n{screen}"
    );
    p.expect(TITLE);
    assert!(p.running());
}

#[test]
fn kiosk_idle_reset_returns_to_the_start_screen() {
    let mut p = start(&["--kiosk", "--idle-reset", "1"]);
    p.settle(Duration::from_millis(200), TIMEOUT);
    let home = p.screen();
    p.send(b"G");
    p.send(b"\t");
    p.send(b"?");
    assert!(
        p.wait_until(TIMEOUT, |o| o.parser.screen().contents() != home),
        "keys changed nothing"
    );
    assert!(
        p.wait_until(TIMEOUT, |o| o.parser.screen().contents() == home),
        "no idle reset; the screen is:\n{}",
        p.screen()
    );
    // Back home, nothing is due: no more output, no timer.
    let len = p.settle(Duration::from_millis(200), TIMEOUT);
    let wakeups = p.wakeups();
    thread::sleep(Duration::from_millis(1500));
    assert_eq!(p.len() - len, 0, "bytes written after the reset");
    assert_eq!(p.wakeups() - wakeups, 0, "threads woke up after the reset");
}

/// A Finnish-speaking patron at a Swedish kiosk: the one shown key gives the interface and the
/// data file's translation in Finnish; left alone, the kiosk is Swedish again.
#[test]
fn a_kiosk_patron_switches_to_finnish_and_the_idle_reset_switches_back() {
    let mut p = Spawn::new(&[
        "--kiosk",
        "--idle-reset",
        "1",
        "--data",
        "tests/data/translated.ron",
    ])
    .env("TERM", "linux")
    .start();
    p.expect("s Suomeksi");
    p.settle(Duration::from_millis(200), TIMEOUT);
    let home = p.screen();
    assert!(home.contains("En kommun för alla"), "{home}");
    p.send(b"s");
    p.expect("Kaikkien kunta");
    let finnish = p.screen();
    for shown in [
        "Tavoitteet",
        "Smedjebackenin kunta",
        "s In English",
        "? ohje",
    ] {
        assert!(finnish.contains(shown), "{shown}: {finnish}");
    }
    assert!(!finnish.contains("ruotsiksi"), "{finnish}");
    assert!(
        p.wait_until(TIMEOUT, |o| o.parser.screen().contents() == home),
        "no idle reset to Swedish; the screen is:\n{}",
        p.screen()
    );
}

#[test]
fn kiosk_carousel_moves_by_itself() {
    let mut p = start(&["--kiosk", "--carousel", "1", "--idle-reset", "1"]);
    p.settle(Duration::from_millis(200), TIMEOUT);
    let home = p.screen();
    p.send(b"j");
    assert!(p.wait_until(TIMEOUT, |o| o.parser.screen().contents() != home));
    // Without further input: the idle reset, then carousel steps, each a new screen. Changes
    // closer together than half a second are one frame arriving in pieces.
    let mut last = p.screen();
    let mut when = Instant::now();
    let mut changes = 0;
    let changed = p.wait_until(Duration::from_secs(6), |o| {
        let now = o.parser.screen().contents();
        if now != last {
            if when.elapsed() > Duration::from_millis(500) {
                changes += 1;
                when = Instant::now();
            }
            last = now;
        }
        changes >= 3
    });
    assert!(
        changed,
        "only {changes} changes by itself; the screen is:\n{}",
        p.screen()
    );
}

#[test]
fn kiosk_admin_exit_key_quits_cleanly() {
    let mut p = start(&["--kiosk", "--admin-exit", "F12"]);
    p.send(b"q");
    p.send(F10);
    thread::sleep(Duration::from_millis(100));
    assert!(p.running());
    p.send(F12);
    // Status 3 tells the kiosk unit that staff asked for the login prompt.
    let status = p.wait_exit(TIMEOUT).expect("exits on the admin key");
    assert_eq!(status.exit_code(), 3, "{status:?}");
    assert_restored(&p.raw());
}

fn unbase64(text: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut bits, mut n) = (0u32, 0);
    for &c in text.iter().take_while(|&&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64 digit") as u32;
        bits = bits << 6 | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// The payloads of every OSC 52 clipboard write in `raw`.
fn clipboard_writes(raw: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = raw;
    while let Some(at) = rest.windows(7).position(|w| w == b"\x1b]52;c;") {
        let body = &rest[at + 7..];
        let end = body
            .iter()
            .position(|&b| b == 0x07)
            .expect("OSC 52 ends with BEL");
        found.push(String::from_utf8(unbase64(&body[..end])).expect("UTF-8"));
        rest = &body[end..];
    }
    found
}

#[test]
fn y_copies_the_text_and_kiosk_never_does() {
    let mut p = start(&[]);
    p.send(b"jj");
    p.expect_flow(FIRST_GOAL);
    p.settle(Duration::from_millis(200), TIMEOUT);
    assert!(clipboard_writes(&p.raw()).is_empty());
    p.send(b"y");
    assert!(p.wait_until(TIMEOUT, |o| !clipboard_writes(&o.raw).is_empty()));
    let copies = clipboard_writes(&p.raw());
    assert_eq!(copies.len(), 1, "{copies:?}");
    let flat = copies[0].split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(FIRST_GOAL), "copied: {:?}", copies[0]);

    let mut p = start(&["--kiosk"]);
    p.send(b"jj");
    p.expect_flow(FIRST_GOAL);
    p.send(b"y");
    p.settle(Duration::from_millis(300), TIMEOUT);
    assert_eq!(count(&p.raw(), b"]52;"), 0, "kiosk wrote to the clipboard");
}

#[test]
fn no_mouse_never_turns_mouse_reports_on() {
    let mut p = start(&["--no-mouse"]);
    p.send(DOWN);
    p.expect("Vision › Hållbarhet");
    p.send(b"q");
    p.expect_exit_ok(TIMEOUT);
    let raw = p.raw();
    assert_eq!(count(&raw, b"\x1b[?1000h"), 0, "mouse reports turned on");
    assert_eq!(count(&raw, b"\x1b[?1006h"), 0, "mouse reports turned on");
    assert!(raw.ends_with(b"\x1b[?25h"));
}

/// What the cursor is on: its position, whether it is shown, and the text from it to the end
/// of its row (or to a pane border), trimmed.
fn at_cursor(o: &pty::Output) -> ((u16, u16), bool, String) {
    let screen = o.parser.screen();
    let (row, col) = screen.cursor_position();
    let (_, cols) = screen.size();
    let mut text = String::new();
    for c in col..cols {
        let cell = screen.cell(row, c).map_or("", |c| c.contents());
        if ["│", "║", "┃"].contains(&cell) {
            break;
        }
        text.push_str(if cell.is_empty() { " " } else { cell });
    }
    (
        (row, col),
        !screen.hide_cursor(),
        text.trim_end().to_string(),
    )
}

/// Where the cursor must be after a step of [`cursor_script`].
#[derive(Debug, Clone, Copy)]
enum On {
    /// The selected tree row's label, which is this.
    Row(&'static str),
    /// The first line of the goal's text, which starts so.
    Text(&'static str),
    /// The end of the search line, which reads so.
    Search(&'static str),
    /// The first line of the help, which starts so.
    Help(&'static str),
}

/// The steps a braille user takes, and where the cursor (the braille window) must be after each.
const CURSOR_SCRIPT: &[(&str, &[u8], On)] = &[
    ("start", b"", On::Row("Vision")),
    ("Down", DOWN, On::Row("Hållbarhet")),
    ("Down", DOWN, On::Row("En kommun för alla")),
    (
        "Enter",
        b"\r",
        On::Text("Smedjebackens kommun är en kommun där alla"),
    ),
    ("Tab", b"\t", On::Row("En kommun för alla")),
    ("/eko", b"/eko", On::Search("Sök: eko")),
    ("Enter", b"\r", On::Row("En ekokommun i framkant")),
    ("n", b"n", On::Row("Bra ekonomi")),
    ("?", b"?", On::Help("↑ ↓  k j")),
    ("Esc", b"\x1b", On::Row("Bra ekonomi")),
];

/// Runs [`CURSOR_SCRIPT`]; `shown` says whether the cursor is shown outside the search line,
/// `marker` is the selection marker.
fn cursor_script(spawn: Spawn, shown: bool, marker: char) {
    let mut p = spawn.start();
    p.expect("Effektivitet");
    for &(step, keys, on) in CURSOR_SCRIPT {
        p.send(keys);
        let ok = |o: &pty::Output| {
            let ((row, col), visible, text) = at_cursor(o);
            let line = o.parser.screen().contents_between(row, 0, row, col);
            match on {
                On::Row(label) => {
                    // On the label of the row that has the selection marker.
                    visible == shown && text.starts_with(label) && line.contains(marker)
                }
                On::Text(start) | On::Help(start) => visible == shown && text.starts_with(start),
                On::Search(line_so_far) => visible && line.trim_end() == line_so_far,
            }
        };
        if !p.wait_until(TIMEOUT, ok) {
            let o = p.output();
            panic!(
                "after {step}: the cursor is not on {on:?} (shown: {shown}): {:?}\n{}",
                at_cursor(&o),
                o.parser.screen().contents()
            );
        }
    }
    p.send(b"q");
    p.expect_exit_ok(TIMEOUT);
}

/// Braille displays and console screen readers follow the terminal cursor, shown or hidden: after
/// every step it rests on the focused item, in every mode.
#[test]
fn the_cursor_rests_on_the_focused_item() {
    cursor_script(Spawn::new(&[]), false, '▶');
}

#[test]
fn the_cursor_rests_on_the_focused_item_on_the_console() {
    cursor_script(Spawn::new(&[]).env("TERM", "linux"), false, '»');
}

/// In screen-reader mode the cursor is also shown.
#[test]
fn screen_reader_cursor_follows_the_selection() {
    cursor_script(Spawn::new(&["--screen-reader"]), true, '▶');
}

// 8 ----------------------------------------------------------------------------------------

/// What one SGR parameter list sets.
#[derive(Debug, PartialEq)]
enum Sgr {
    /// 30–37, 90–97, 40–47, 100–107, or 38;5;N / 48;5;N with N < 16.
    Basic(String),
    /// 38;5;N / 48;5;N with N ≥ 16.
    Indexed(String),
    /// 38;2;… / 48;2;….
    Rgb(String),
    /// 38/48 with something else.
    Other(String),
}

/// Every colour an SGR sequence (`ESC [ … m`) in `raw` sets.
fn colours(raw: &[u8]) -> Vec<Sgr> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(start) = raw[i..].windows(2).position(|w| w == b"\x1b[") {
        let from = i + start + 2;
        let len = raw[from..]
            .iter()
            .position(|&b| !(b.is_ascii_digit() || b == b';' || b == b':'))
            .unwrap_or(raw.len() - from);
        i = from + len;
        if raw.get(i) != Some(&b'm') {
            continue;
        }
        let params = std::str::from_utf8(&raw[from..i]).unwrap();
        let mut parts = params
            .split([';', ':'])
            .map(|p| p.parse::<u32>().unwrap_or(0));
        while let Some(p) = parts.next() {
            let text = p.to_string();
            match p {
                30..=37 | 90..=97 | 40..=47 | 100..=107 => found.push(Sgr::Basic(text)),
                38 | 48 => match parts.next() {
                    Some(5) => {
                        let n = parts.next().unwrap_or(0);
                        let text = format!("{p};5;{n}");
                        found.push(if n < 16 {
                            Sgr::Basic(text)
                        } else {
                            Sgr::Indexed(text)
                        });
                    }
                    Some(2) => {
                        let rgb: Vec<u32> = parts.by_ref().take(3).collect();
                        found.push(Sgr::Rgb(format!("{p};2;{rgb:?}")));
                    }
                    other => found.push(Sgr::Other(format!("{p};{other:?}"))),
                },
                _ => {}
            }
        }
    }
    found
}

/// The row the selection marker is on.
fn selected_row(p: &Pty) -> u16 {
    let lines = p.lines();
    (0..)
        .zip(&lines)
        .find(|(_, l)| l.contains('▶'))
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no selection marker:\n{}", lines.join("\n")))
}

fn row_is_reverse(p: &Pty, row: u16) -> bool {
    let out = p.output();
    let screen = out.parser.screen();
    (0..p.cols).any(|c| {
        screen
            .cell(row, c)
            .is_some_and(|cell| cell.inverse() && cell.contents().chars().any(char::is_alphabetic))
    })
}

#[test]
fn no_color_means_no_colour_codes_and_reverse_selection() {
    let mut p = Spawn::new(&[]).env("NO_COLOR", "1").start();
    p.expect("Effektivitet");
    let first = selected_row(&p);
    assert!(row_is_reverse(&p, first), "selection not in reverse video");
    p.send(DOWN);
    p.expect("Vision › Hållbarhet");
    p.settle(Duration::from_millis(200), TIMEOUT);
    let second = selected_row(&p);
    assert_ne!(first, second);
    assert!(row_is_reverse(&p, second), "selection not in reverse video");
    assert!(!row_is_reverse(&p, first), "old selection still reversed");
    p.send(b"\t/giftutslapp\r");
    p.expect_flow(ECO_GOAL);
    p.send(b"?");
    p.settle(Duration::from_millis(200), TIMEOUT);
    let found = colours(&p.raw());
    assert!(found.is_empty(), "colour codes with NO_COLOR: {found:?}");
}

#[test]
fn linux_console_gets_only_16_colours() {
    let mut p = Spawn::new(&[]).env("TERM", "linux").start();
    p.expect("Effektivitet");
    for key in [DOWN, b"\r", b"\t", b"?"] {
        p.key_cost(key);
    }
    let found = colours(&p.raw());
    assert!(!found.is_empty(), "no colour at all on the console");
    let wide: Vec<_> = found
        .iter()
        .filter(|s| !matches!(s, Sgr::Basic(_)))
        .collect();
    assert!(wide.is_empty(), "more than 16 colours: {wide:?}");
}

#[test]
fn c_turns_colour_off() {
    let mut p = start(&[]);
    p.settle(Duration::from_millis(200), TIMEOUT);
    assert!(!colours(&p.raw()).is_empty(), "no colour to turn off");
    let mark = p.len();
    p.key_cost(b"c");
    for key in [DOWN, DOWN, b"\r", b"\t", b"?"] {
        p.key_cost(key);
    }
    let raw = p.raw();
    assert!(raw.len() > mark);
    let found = colours(&raw[mark..]);
    assert!(found.is_empty(), "colour after c: {found:?}");
}

// 9 ----------------------------------------------------------------------------------------

#[test]
fn hostile_content_never_reaches_the_terminal() {
    let source = include_str!("../data/smedjebacken.ron");
    let evil = [
        r"\u{1b}]0;pwned\u{7}",
        r"\u{1b}]52;c;aGVq\u{7}",
        r"\u{1b}[2J",
        r"\u{9b}31m",
    ]
    .concat();
    let mut data = String::new();
    let mut injected = 0;
    for line in source.lines() {
        let trimmed = line.trim_start();
        if (trimmed.starts_with("title: \"") || trimmed.starts_with("text: \""))
            && line.ends_with("\",")
        {
            let open = line.find('"').unwrap() + 1;
            data.push_str(&line[..open]);
            data.push_str(&evil);
            data.push_str(&line[open..line.len() - 2]);
            data.push_str(&evil);
            data.push_str("\",\n");
            injected += 1;
        } else {
            data.push_str(line);
            data.push('\n');
        }
    }
    assert!(injected >= 10, "only {injected} strings injected");
    let dir = std::env::temp_dir().join(format!("malbild-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("hostile.ron");
    std::fs::write(&file, &data).unwrap();

    // Refused like any other problem, each place named, and nothing of it reaches the terminal.
    let mut p = Spawn::new(&["--lang", "en", "--data", file.to_str().unwrap()]).start();
    let status = p
        .wait_exit(TIMEOUT)
        .expect("malbild refuses the file")
        .clone();
    assert_eq!(status.exit_code(), 2);
    let _ = std::fs::remove_dir_all(&dir);
    let raw = p.raw();
    let said = String::from_utf8_lossy(&raw);
    let found = "holds a control character (ESC, U+001B, which starts an escape sequence)";
    assert!(said.matches(found).count() >= injected, "{said}");
    for (name, bad) in [
        ("ESC", &b"\x1b"[..]),
        ("BEL", b"\x07"),
        ("C1 CSI", "\u{9b}".as_bytes()),
    ] {
        assert_eq!(count(&raw, bad), 0, "{name} reached the terminal");
    }
}

// 10 ---------------------------------------------------------------------------------------

/// Figures for a person, not assertions: run with `--ignored --nocapture`.
#[test]
#[ignore]
fn measure() {
    let t = Instant::now();
    let mut p = Spawn::new(&[]).start();
    p.expect("Effektivitet");
    let first = p.settle(Duration::from_millis(300), TIMEOUT);
    let shown = p.output().last.unwrap().duration_since(t);
    println!("malbild at 80x24");
    println!("  time to first full frame: {shown:?}");
    println!("  first frame: {first} bytes");
    for (name, key) in [
        ("Down", DOWN),
        ("Up", UP),
        ("j", &b"j"[..]),
        ("k", b"k"),
        ("End", END),
        ("Home", HOME),
        ("PgDn", PGDN),
        ("PgUp", PGUP),
        ("Down", DOWN),
        ("Left", LEFT),
        ("Right", RIGHT),
        ("Enter", b"\r"),
        ("PgDn (text)", PGDN),
        ("Tab", b"\t"),
        ("?", b"?"),
        ("Esc", b"\x1b"),
        ("/", b"/"),
        ("e", b"e"),
        ("k (search)", b"k"),
        ("o", b"o"),
        ("Enter (search)", b"\r"),
        ("n", b"n"),
        ("N", b"N"),
        ("Esc", b"\x1b"),
        ("3", b"3"),
        ("c", b"c"),
        ("click", b"\x1b[<0;10;8M"),
    ] {
        let (bytes, cells) = p.key_cost_and_cells(key);
        let ratio = bytes as f64 / cells.max(1) as f64;
        println!("  {name:<15} {bytes:>5} bytes  {cells:>5} cells changed  {ratio:.2} bytes/cell");
    }
    let len = p.settle(Duration::from_millis(300), TIMEOUT);
    let (cpu, wakes) = (p.cpu(), p.wakeups());
    thread::sleep(Duration::from_secs(5));
    println!(
        "  idle 5 s: {} bytes, {} wake-ups, {:?} CPU",
        p.len() - len,
        p.wakeups() - wakes,
        p.cpu().saturating_sub(cpu)
    );
    println!("  peak RSS: {} KiB", p.peak_rss_kib());
    p.send(b"q");
    p.expect_exit_ok(TIMEOUT);

    let less = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("less"))
            .find(|p| p.is_file())
    });
    let Some(less) = less else {
        println!("less: not installed");
        return;
    };
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/data/source.txt");
    let t = Instant::now();
    let mut p = Spawn::new(&[source])
        .program(less.to_str().unwrap())
        .start();
    p.wait_len(1, TIMEOUT);
    let first = p.settle(Duration::from_millis(300), TIMEOUT);
    let shown = p.output().last.unwrap().duration_since(t);
    let (cpu, wakes) = (p.cpu(), p.wakeups());
    let len = p.len();
    thread::sleep(Duration::from_secs(5));
    println!("less on data/source.txt at 80x24");
    println!("  time to first full frame: {shown:?}");
    println!("  first frame: {first} bytes");
    println!(
        "  idle 5 s: {} bytes, {} wake-ups, {:?} CPU",
        p.len() - len,
        p.wakeups() - wakes,
        p.cpu().saturating_sub(cpu)
    );
    println!("  peak RSS: {} KiB", p.peak_rss_kib());
    println!("  Down: {} bytes", p.key_cost(DOWN));
    p.send(b"q");
    let _ = p.wait_exit(TIMEOUT);
}

/// The release build when there is one (start-up is what is measured, and a debug build's is
/// not the product's), else the test's own.
fn release_binary() -> String {
    if let Some(bin) = std::env::var_os("MALBILD_BIN") {
        return bin.to_string_lossy().into_owned();
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target").to_string());
    let release = format!("{target}/release/malbild");
    if std::path::Path::new(&release).is_file() {
        release
    } else {
        env!("CARGO_BIN_EXE_malbild").to_string()
    }
}

fn less_binary() -> Option<String> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|d| d.join("less"))
        .find(|p| p.is_file())
        .map(|p| p.to_string_lossy().into_owned())
}

/// One start of a program at 80×24: the times to its first and last byte of the settled
/// first frame, its size, and its memory then.
struct Start {
    first_byte: Duration,
    last_byte: Duration,
    bytes: usize,
    peak_rss: u64,
    private_dirty: u64,
}

fn spawn_for_comparison(program: &str, args: &[&str]) -> Spawn {
    Spawn::new(args).program(program).env("LESSHISTFILE", "-")
}

fn start_once(program: &str, args: &[&str]) -> Start {
    let t = Instant::now();
    let mut p = spawn_for_comparison(program, args).start();
    assert!(p.wait_len(1, TIMEOUT), "{program} wrote nothing");
    let bytes = p.settle(Duration::from_millis(250), TIMEOUT);
    let (first, last) = {
        let o = p.output();
        (o.first.unwrap(), o.last.unwrap())
    };
    let start = Start {
        first_byte: first.duration_since(t),
        last_byte: last.duration_since(t),
        bytes,
        peak_rss: p.peak_rss_kib(),
        private_dirty: p.private_dirty_kib(),
    };
    p.send(b"q");
    let _ = p.wait_exit(TIMEOUT);
    start
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn range(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}

/// Decimal digits of `n`, as in a CSI parameter.
fn digits(n: u16) -> usize {
    n.to_string().len()
}

/// The fewest bytes that move the cursor from `from` to `to` (rows and columns from 0): CUP,
/// or a vertical move (LF, CUU/CUD) plus a horizontal one (CR, BS, CUF/CUB).
fn move_bytes(from: (u16, u16), to: (u16, u16)) -> usize {
    let csi = |n: u16| if n == 1 { 3 } else { 3 + digits(n) };
    let cup = match to {
        (0, 0) => 3,
        (r, 0) => 3 + digits(r + 1),
        (r, c) => 4 + digits(r + 1) + digits(c + 1),
    };
    let vertical = match to.0.cmp(&from.0) {
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => usize::from(to.0 - from.0).min(csi(to.0 - from.0)),
        std::cmp::Ordering::Less => csi(from.0 - to.0),
    };
    let horizontal = match to.1.cmp(&from.1) {
        std::cmp::Ordering::Equal => 0,
        _ if to.1 == 0 => 1,
        std::cmp::Ordering::Greater => csi(to.1 - from.1),
        std::cmp::Ordering::Less => usize::from(from.1 - to.1).min(csi(from.1 - to.1)),
    };
    cup.min(vertical + horizontal)
}

/// How a cell is drawn: foreground, background, bold, italic, underline, inverse.
type Look = (vt100::Color, vt100::Color, bool, bool, bool, bool);

/// Digits of one SGR colour parameter: 39/49, 30–37, 90–97, 40–47, 100–107, 38;5;N, 38;2;R;G;B.
fn colour_digits(colour: vt100::Color, background: bool) -> usize {
    match colour {
        vt100::Color::Default => 2,
        vt100::Color::Idx(n) if n < 8 => 2,
        vt100::Color::Idx(n) if n < 16 => 2 + usize::from(background),
        vt100::Color::Idx(n) => 5 + digits(n.into()),
        vt100::Color::Rgb(r, g, b) => 7 + digits(r.into()) + digits(g.into()) + digits(b.into()),
    }
}

/// The shortest SGR sequence from `from` to `to`: the parameters that change, or a reset (an
/// empty first parameter) and every attribute `to` has.
fn sgr_bytes(from: Look, to: Look) -> usize {
    let flags = |l: Look| [l.2, l.3, l.4, l.5];
    let mut change = Vec::new();
    if from.0 != to.0 {
        change.push(colour_digits(to.0, false));
    }
    if from.1 != to.1 {
        change.push(colour_digits(to.1, true));
    }
    for (was, is) in flags(from).into_iter().zip(flags(to)) {
        if was != is {
            // On: 1, 3, 4, 7; off: 22, 23, 24, 27.
            change.push(if is { 1 } else { 2 });
        }
    }
    let mut reset = vec![0];
    if to.0 != vt100::Color::Default {
        reset.push(colour_digits(to.0, false));
    }
    if to.1 != vt100::Color::Default {
        reset.push(colour_digits(to.1, true));
    }
    reset.extend(flags(to).into_iter().filter(|&on| on).map(|_| 1));
    let length = |params: &[usize]| 2 + params.iter().sum::<usize>() + params.len();
    length(&change).min(length(&reset))
}

/// A lower bound for the bytes that turn screen `before` into `after`: the changed cells' own
/// text (UTF-8), blanks at most 3 bytes a stretch (EL, ECH), the fewest cursor moves between
/// runs (or rewriting the unchanged cells between, when that is shorter), and the shortest SGR
/// for each change of attributes along the way (the first one free, as the pen the frame
/// starts with is not known); a blank whose only change is its foreground costs nothing. No
/// scrolling. Returns the changed cells too, compared as `Pty::cells` compares them.
fn frame_floor(before: &vt100::Screen, after: &vt100::Screen) -> (usize, usize) {
    let look = |c: &vt100::Cell| -> Look {
        (
            c.fgcolor(),
            c.bgcolor(),
            c.bold(),
            c.italic(),
            c.underline(),
            c.inverse(),
        )
    };
    let text = |c: &vt100::Cell| match c.contents() {
        "" => " ".to_string(),
        t => t.to_string(),
    };
    let blank = |c: &vt100::Cell| c.contents().trim().is_empty();
    // A blank looks the same whatever its foreground and boldness.
    let shows = |c: &vt100::Cell| {
        if blank(c) {
            (
                String::new(),
                (
                    vt100::Color::Default,
                    c.bgcolor(),
                    false,
                    false,
                    c.underline(),
                    c.inverse(),
                ),
            )
        } else {
            (text(c), look(c))
        }
    };
    let (rows, cols) = after.size();
    let changed = (0..rows)
        .flat_map(|r| (0..cols).map(move |c| (r, c)))
        .filter(|&(r, c)| match (before.cell(r, c), after.cell(r, c)) {
            (Some(o), Some(n)) => text(o) != text(n) || look(o) != look(n),
            _ => false,
        })
        .count();
    let mut cursor = before.cursor_position();
    let mut pen = None;
    let mut floor = 0;
    for row in 0..rows {
        let mut col = 0;
        while col < cols {
            let (Some(old), Some(new)) = (before.cell(row, col), after.cell(row, col)) else {
                col += 1;
                continue;
            };
            if shows(old) == shows(new) {
                col += 1;
                continue;
            }
            // A run of changed cells starts here. Blanks that stay blank may join a stretch of
            // blanks being erased, since one erase covers them all.
            let differs = |c: u16| match (before.cell(row, c), after.cell(row, c)) {
                (Some(o), Some(n)) => shows(o) != shows(n),
                _ => false,
            };
            let mut end = col;
            let mut run: Vec<vt100::Cell> = Vec::new();
            while end < cols {
                let Some(n) = after.cell(row, end) else {
                    break;
                };
                let joins = blank(n) && run.last().is_some_and(&blank);
                if !differs(end) && !joins {
                    break;
                }
                run.push(n.clone());
                end += 1;
            }
            while end > col && !differs(end - 1) {
                run.pop();
                end -= 1;
            }
            floor += if cursor.0 == row && cursor.1 < col {
                let gap: usize = (cursor.1..col)
                    .filter_map(|c| after.cell(row, c))
                    .map(|c| text(c).len())
                    .sum();
                gap.min(move_bytes(cursor, (row, col)))
            } else {
                move_bytes(cursor, (row, col))
            };
            // Blanks go a stretch at a time, in at most 3 bytes (EL, ECH) or one a cell.
            for stretch in run.chunk_by(|x, y| blank(x) == blank(y)) {
                if blank(&stretch[0]) {
                    floor += stretch.len().min(3);
                    continue;
                }
                for cell in stretch {
                    if cell.is_wide_continuation() {
                        continue;
                    }
                    if let Some(p) = pen.filter(|&p| p != look(cell)) {
                        floor += sgr_bytes(p, look(cell));
                    }
                    pen = Some(look(cell));
                    floor += text(cell).len();
                }
            }
            cursor = (row, end.min(cols - 1));
            col = end;
        }
    }
    (changed, floor)
}

/// Down×5 Up×2 from the start screen: bytes, changed cells and the floor of each step.
fn key_steps(program: &str, args: &[&str]) -> Vec<(usize, usize, usize)> {
    let mut p = spawn_for_comparison(program, args).start();
    p.wait_len(1, TIMEOUT);
    p.settle(Duration::from_millis(300), TIMEOUT);
    // A terminal sends the arrows as SS3 once the program asks for application cursor keys
    // (less does, through the terminfo `smkx`).
    let application = find_last(&p.raw(), b"\x1b[?1h") > find_last(&p.raw(), b"\x1b[?1l");
    let (down, up) = if application {
        (&b"\x1bOB"[..], &b"\x1bOA"[..])
    } else {
        (DOWN, UP)
    };
    let mut steps = Vec::new();
    for key in [down, down, down, down, down, up, up] {
        let before = p.output().parser.screen().clone();
        let bytes = p.key_cost(key);
        let after = p.output().parser.screen().clone();
        let (cells, floor) = frame_floor(&before, &after);
        steps.push((bytes, cells, floor));
    }
    p.send(b"q");
    let _ = p.wait_exit(TIMEOUT);
    steps
}

/// malbild beside `less data/source.txt` on the same ground: start-up, memory, bytes a key.
/// Figures for a person, not assertions (the machine may be shared and noisy): the starts
/// alternate, pair by pair, and the medians are what to read. Build the release binary
/// first: `cargo build --release && cargo test --test e2e -- --ignored --nocapture versus_less`
/// (`VERSUS_PAIRS` sets the number of pairs, 20 unless told).
#[test]
#[ignore]
fn versus_less() {
    let Some(less) = less_binary() else {
        println!("less: not installed");
        return;
    };
    let malbild = release_binary();
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/data/source.txt");
    let pairs: usize = std::env::var("VERSUS_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    // A binary just built sits in dirty page-cache pages, which smaps counts as the process's
    // private dirty memory until they are written back.
    // SAFETY: sync only asks the kernel to write back.
    unsafe { libc::sync() };
    let ours = |m: &str| start_once(m, &[]);
    let theirs = |l: &str| start_once(l, &[source]);
    for _ in 0..3 {
        ours(&malbild);
        theirs(&less);
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..pairs {
        if i % 2 == 0 {
            a.push(ours(&malbild));
            b.push(theirs(&less));
        } else {
            b.push(theirs(&less));
            a.push(ours(&malbild));
        }
    }
    println!("{malbild} beside {less} {source}");
    println!("80x24, {pairs} pairs after 3 warm-up pairs, order alternating; median (range)");
    println!(
        "{:<30} {:>22} {:>22} {:>24}",
        "", "malbild", "less", "ratio of pairs"
    );
    let row = |name: &str, unit: &str, f: &dyn Fn(&Start) -> f64| {
        let xs: Vec<f64> = a.iter().map(f).collect();
        let ys: Vec<f64> = b.iter().map(f).collect();
        let rs: Vec<f64> = xs.iter().zip(&ys).map(|(x, y)| x / y).collect();
        let cell = |v: &[f64]| {
            let (lo, hi) = range(v);
            format!("{:.2} ({:.2}–{:.2}) {unit}", median(v.to_vec()), lo, hi)
        };
        let (lo, hi) = range(&rs);
        println!(
            "{name:<30} {:>22} {:>22} {:>24}",
            cell(&xs),
            cell(&ys),
            format!("{:.2} ({:.2}–{:.2})", median(rs.clone()), lo, hi)
        );
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    row("last byte of the first frame", "ms", &|s| ms(s.last_byte));
    row("first byte", "ms", &|s| ms(s.first_byte));
    row("peak RSS (VmHWM)", "KiB", &|s| s.peak_rss as f64);
    row("private dirty (smaps_rollup)", "KiB", &|s| {
        s.private_dirty as f64
    });
    row("first frame", "B", &|s| s.bytes as f64);

    println!("\nDown×5 Up×2 from the start screen: bytes / changed cells (bytes a cell), floor");
    for (name, steps) in [
        ("malbild", key_steps(&malbild, &[])),
        ("less", key_steps(&less, &[source])),
    ] {
        println!("{name}");
        for ((bytes, cells, floor), key) in steps.iter().zip(["Down"; 5].iter().chain(&["Up"; 2])) {
            println!(
                "  {key:<5} {bytes:>5} B / {cells:>4} cells ({:.2} B/cell)   floor {floor:>5} B \
                 ({:.2} B/cell, {:+} B from it)",
                *bytes as f64 / (*cells).max(1) as f64,
                *floor as f64 / (*cells).max(1) as f64,
                *bytes as i64 - *floor as i64
            );
        }
    }
}

/// A terminal that stops taking output (a stalled SSH connection) blocks every write; a
/// signal must still end the process.
#[test]
fn sigterm_works_while_the_terminal_takes_no_output() {
    let mut p = start(&[]);
    p.pause_reading();
    // Each `?` redraws most of the screen: far more than the pty buffers. Apart, so that
    // each is drawn rather than taken together.
    for _ in 0..150 {
        p.send(b"?");
        thread::sleep(Duration::from_millis(4));
    }
    thread::sleep(Duration::from_millis(500));
    let wchan = std::fs::read_to_string(format!("/proc/{}/wchan", p.pid)).unwrap_or_default();
    assert!(p.running());
    p.signal(libc::SIGTERM);
    let t = Instant::now();
    assert!(
        p.wait_exit(PROMPT).is_some(),
        "still running {:?} after SIGTERM; main thread waits in {wchan:?}",
        t.elapsed()
    );
    eprintln!(
        "stalled: main thread waited in {wchan:?}, exited in {:?}",
        t.elapsed()
    );
}

/// `--ascii`, and a locale that is not UTF-8, which chooses it: across the main screens at two
/// sizes and on the console, every byte written is ASCII, the content's letters included, and
/// search still finds "Hållbarhet" by its plain letters.
#[test]
fn ascii_writes_only_ascii_bytes() {
    /// The options, the environment and the size of one run.
    type Run<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], (u16, u16));
    let runs: [Run<'_>; 4] = [
        (&["--ascii"], &[], (80, 24)),
        (&["--ascii", "--lang", "en"], &[("TERM", "linux")], (80, 24)),
        (&[], &[("LANG", "C")], (80, 24)),
        (&["--ascii", "--screen-reader"], &[], (40, 12)),
    ];
    for (args, env, (cols, rows)) in runs {
        let mut spawn = Spawn::new(args).size(cols, rows);
        for (key, value) in env {
            spawn = spawn.env(key, value);
        }
        let mut p = spawn.start();
        p.expect("Effektivitet");
        for (keys, shown) in [
            (DOWN, "Hallbarhet"),
            (DOWN, "En kommun for alla"),
            (b"\r", "mojligheter"),
            (b"\t", ""),
            (b"/hallbarhet", "Hallbarhet"),
            (b"\r", "Hallbarhet"),
            (b"n", "Hallbarhet"),
            (b"y", ""),
            (b"?", "k j"),
            (b"\x1b", "Hallbarhet"),
        ] {
            p.key_cost(keys);
            if !shown.is_empty() {
                p.expect_flow(shown);
            }
        }
        p.send(b"q");
        p.expect_exit_ok(TIMEOUT);
        let raw = p.raw();
        let at = raw.iter().position(|&b| b >= 0x80);
        assert_eq!(
            at,
            None,
            "{args:?} {env:?}: a byte over 0x7f in {:?}",
            at.map(|i| String::from_utf8_lossy(
                &raw[i.saturating_sub(40)..(i + 40).min(raw.len())]
            ))
        );
    }
}
