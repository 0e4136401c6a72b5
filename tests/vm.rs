//! The kiosk on a real Debian 12 thin client: a machine built from Debian's packages, set up
//! with the README's commands word for word, booted in QEMU, its keyboard pressed through the
//! monitor and tty1 read back from VGA text memory with the loaded font's unicode table.
//!
//! Slow (a few minutes of software emulation) and needs root, qemu-system-x86, mmdebstrap and
//! e2fsprogs, so it is ignored by default; `.ci/run` installs those and runs it with
//! `cargo test --test vm -- --ignored`.

#[path = "vm/machine.rs"]
mod machine;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use machine::{Boot, Machine};

/// The image recipe; its hash names the cached image, so a changed recipe builds a new one.
const RECIPE: &str = include_str!("vm/build-image.sh");
const README: &str = include_str!("../README.md");

/// The staff account the test creates, as the library's IT person would.
const STAFF: &str = "personal";
const STAFF_PASSWORD: &str = "kiosk4staff";

/// Generous limits for a shared machine without KVM: waits end as soon as the screen is there.
const BOOT: Duration = Duration::from_secs(240);
const SCREEN: Duration = Duration::from_secs(30);

/// The kiosk's start screen, whatever node is selected: its title and the key help line.
fn kiosk(screen: &str) -> bool {
    screen.contains("Smedjebacken") && screen.lines().count() == machine::ROWS
}

fn tool(name: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command) {
    let status = cmd.status().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(status.success(), "{cmd:?}: {status}");
}

fn sha256(text: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("vm-recipe");
    std::fs::write(&file, text).unwrap();
    let out = Command::new("sha256sum").arg(&file).output().unwrap();
    String::from_utf8_lossy(&out.stdout)[..16].to_string()
}

/// The cached base image for this recipe, built on first use.
fn base_image() -> PathBuf {
    let root = std::env::var_os("MALBILD_VM_CACHE")
        .map_or_else(|| PathBuf::from("/var/cache/malbild-vm"), PathBuf::from);
    let dir = root.join(sha256(RECIPE));
    if !dir.join("base.qcow2").exists() {
        std::fs::create_dir_all(&root).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vm/build-image.sh");
        let started = Instant::now();
        run(Command::new("sh").arg(&script).arg(&dir));
        eprintln!("vm: image built in {:?}", started.elapsed());
    }
    dir
}

/// The README's ```sh block after `<!-- vm: NAME -->`, as the IT person would type it.
fn readme_block(name: &str) -> String {
    let marker = format!("<!-- vm: {name} -->");
    let mut lines = README.lines().skip_while(|l| *l != marker).skip(1);
    assert_eq!(
        lines.next(),
        Some("```sh"),
        "README has no ```sh block {name}"
    );
    let body: Vec<&str> = lines.take_while(|l| *l != "```").collect();
    body.join("\n") + "\n"
}

/// The newest package `cargo deb` built (`.ci/run` builds it just before this test), or the
/// one `MALBILD_VM_DEB` names.
fn package() -> PathBuf {
    if let Some(deb) = std::env::var_os("MALBILD_VM_DEB") {
        return PathBuf::from(deb);
    }
    let debian = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/debian");
    std::fs::read_dir(&debian)
        .ok()
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("malbild_") && name.ends_with("_amd64.deb")
        })
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
        .unwrap_or_else(|| {
            panic!(
                "no malbild_*_amd64.deb in {}: run cargo deb",
                debian.display()
            )
        })
}

/// What the IT person brings to the machine: the package and the README's blocks as scripts.
/// It becomes a small ext4 disk, made without loop devices.
fn transfer_disk(dir: &Path) -> PathBuf {
    let tree = dir.join("transfer");
    let _ = std::fs::remove_dir_all(&tree);
    std::fs::create_dir_all(&tree).unwrap();
    let deb = package();
    std::fs::copy(&deb, tree.join(deb.file_name().unwrap())).unwrap();
    for name in ["install", "staff"] {
        std::fs::write(tree.join(format!("{name}.sh")), readme_block(name)).unwrap();
    }
    let image = dir.join("transfer.img");
    let _ = std::fs::remove_file(&image);
    run(Command::new("mkfs.ext4")
        .args(["-q", "-F", "-d"])
        .arg(&tree)
        .arg(&image)
        .arg("256M"));
    image
}

/// Boot id, the kiosk's main PID, the VT on screen.
fn state(m: &mut Machine) -> String {
    m.sh("echo $(cat /proc/sys/kernel/random/boot_id) $(systemctl show -P MainPID malbild-kiosk.service) $(cat /sys/class/tty/tty0/active)")
}

/// Every key a patron might try to leave with, as QEMU names them; `times` presses in a row.
const KEYS: &[(&str, usize)] = &[
    ("q", 1),
    ("esc", 1),
    ("ctrl-c", 1),
    ("ctrl-d", 1),
    ("ctrl-z", 1),
    ("ctrl-backslash", 1),
    ("ctrl-q", 1),
    ("f10", 1),
    ("f12", 1),
    ("alt-f1", 1),
    ("alt-f2", 1),
    ("alt-f3", 1),
    ("alt-f4", 1),
    ("alt-f5", 1),
    ("alt-f6", 1),
    ("ctrl-alt-f1", 1),
    ("ctrl-alt-f2", 1),
    ("ctrl-alt-f3", 1),
    ("ctrl-alt-f4", 1),
    ("ctrl-alt-f5", 1),
    ("ctrl-alt-f6", 1),
    ("alt-left", 1),
    ("alt-right", 1),
    ("ctrl-alt-delete", 1),
    ("ctrl-alt-delete", 8),
    ("alt-sysrq-b", 1),
];

/// Presses each key, then a key the kiosk answers (to the last goal, G, or the first, g): once
/// its answer shows on tty1, the key before it has been handled, by the kernel and by the app.
/// Nothing may have changed: the same boot, the same process, the same VT. The answer is sent
/// twice, as a lone Esc and the first of them arrive as one Alt key.
fn keys_change_nothing(m: &mut Machine, when: &str, admin_key: Option<&str>) {
    let expected = state(m);
    m.key("g");
    let mut last = true;
    for &(key, times) in KEYS.iter().filter(|(k, _)| Some(*k) != admin_key) {
        eprintln!("vm: {when}: {key} ×{times}");
        let before = m.screen();
        for _ in 0..times {
            m.key(key);
        }
        let answer = if last { "shift-g" } else { "g" };
        m.key(answer);
        m.key(answer);
        last = !last;
        m.wait_screen(
            &format!("{when}: the kiosk after {key} ×{times}"),
            SCREEN,
            |s| kiosk(s) && s != before,
        );
        assert!(m.running(), "{when}: {key} ×{times} rebooted the machine");
        assert_eq!(
            state(m),
            expected,
            "{when}: {key} ×{times} changed boot, process or VT"
        );
        let system = m.sh("systemctl is-system-running || true");
        assert!(
            system == "running" || system == "degraded",
            "{when}: after {key} ×{times} the system is {system}"
        );
    }
}

/// gpm draws its pointer by complementing the cell's colours (the kernel's `complement_pos`).
const POINTER: u8 = 0x77;

/// Moves gpm's pointer onto cell `(row, col)`, watching it on the screen: parked in the top
/// left corner (gpm stops it at the edge), then moved a cell or two at a time, each step found
/// as the one cell whose colours alone turned. A closed loop, as gpm accelerates and scales
/// the mouse's steps as it likes.
fn point_at(m: &mut Machine, row: usize, col: usize) {
    for _ in 0..3 {
        m.mouse_move(-400, -400, 0);
    }
    std::thread::sleep(Duration::from_secs(1));
    let target = row * machine::COLS + col;
    let mut at = 0;
    let mut cells = m.cells();
    let mut step = 10;
    let since = Instant::now();
    while at != target {
        assert!(
            since.elapsed() < Duration::from_secs(300),
            "the pointer did not reach {row},{col}: it is at {},{}",
            at / machine::COLS,
            at % machine::COLS
        );
        let (r, c) = (at / machine::COLS, at % machine::COLS);
        let (dx, dy) = if c != col {
            ((col as i32 - c as i32).signum() * step, 0)
        } else {
            (0, (row as i32 - r as i32).signum() * step)
        };
        m.mouse_move(dx, dy, 0);
        let waited = Instant::now();
        let moved = loop {
            let now = m.cells();
            let moved = (0..now.len())
                .find(|&i| i != at && now[i].0 == cells[i].0 && now[i].1 ^ cells[i].1 == POINTER);
            if moved.is_some() || waited.elapsed() > Duration::from_secs(2) {
                cells = now;
                break moved;
            }
        };
        match moved {
            Some(to) => {
                at = to;
                step = 10;
            }
            // Less than a cell: a longer step (gpm keeps the remainder).
            None => step = (step + 5).min(20),
        }
    }
}

/// As root, fills the console's selection with tty1's first line, as a drag with gpm would
/// (`TIOCLINUX`, `TIOCL_SETSEL` from column 1 to 80 of row 1).
const SELECT_TITLE: &str = "perl -e 'open(my $t, \"+<\", \"/dev/tty1\") or die; \
    my $a = pack(\"C s5\", 2, 1, 1, 80, 1, 0); ioctl($t, 0x541C, $a) or die \"TIOCLINUX: $!\"'";

/// The row of the screen the kiosk shows as selected (`»` on the console).
fn selected(screen: &str) -> Option<&str> {
    screen.lines().find(|l| l.contains('»'))
}

/// A patron with the mouse alone: gpm runs (the README's recipe), its pointer is visible and
/// follows the mouse, a click on a goal opens it, the wheel moves on, and a middle click pastes
/// nothing even with gpm's selection full of text that would be keys.
fn the_mouse_works_and_pastes_nothing(m: &mut Machine) {
    assert_eq!(m.sh("systemctl is-active gpm.service"), "active");
    let kiosk_pid = m.sh("systemctl show -P MainPID malbild-kiosk.service");
    // Back to the first row: a touch, so the carousel is not what the clicks meet.
    let before = m.screen();
    m.key("g");
    let (screen, _) = m.wait_screen("the kiosk on its first row", SCREEN, |s| {
        kiosk(s) && s != before
    });
    let (row, col) = screen
        .lines()
        .enumerate()
        .find_map(|(r, line)| {
            let byte = line.find("En ekokommun")?;
            Some((r, line[..byte].chars().count() + 3))
        })
        .expect("the goal's row on screen");
    let pointing = Instant::now();
    point_at(m, row, col);
    eprintln!("vm: pointer on {row},{col} after {:?}", pointing.elapsed());

    // gpm's selection holds the title line: pasted, its letters would be keys (j, k, c…).
    m.sh(SELECT_TITLE);
    let before = m.screen();
    m.mouse_button(4);
    m.mouse_button(0);
    // Nothing to wait for; a pause long enough for keys to be drawn if they came.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(m.screen(), before, "a middle click changed the kiosk");

    m.mouse_button(1);
    m.mouse_button(0);
    let (opened, _) = m.wait_screen("the goal opened by a click", SCREEN, |s| {
        selected(s).is_some_and(|l| l.contains("En ekokommun")) && s.contains("giftutsl")
    });
    // The wheel moves down the tree from where the pointer is.
    m.mouse_move(0, 0, 1);
    m.wait_screen("the wheel moving on", SCREEN, |s| {
        selected(s).is_some_and(|l| !l.contains("En ekokommun")) && s != opened
    });
    assert_eq!(
        m.sh("systemctl show -P MainPID malbild-kiosk.service"),
        kiosk_pid
    );
    assert_eq!(m.sh("cat /sys/class/tty/tty0/active"), "tty1");
}

#[test]
#[ignore = "boots a Debian machine in QEMU for minutes; .ci/run runs it"]
fn kiosk_on_a_debian_thin_client() {
    for name in ["qemu-system-x86_64", "qemu-img", "mmdebstrap", "mkfs.ext4"] {
        assert!(tool(name), "{name} is missing: .ci/run installs it");
    }
    let test_started = Instant::now();
    let image = base_image();
    // One directory per run, so that runs side by side do not share sockets or disks.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("vm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let disk = dir.join("disk.qcow2");
    let _ = std::fs::remove_file(&disk);
    run(Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2", "-F", "qcow2", "-b"])
        .arg(image.join("base.qcow2"))
        .arg(&disk));
    let transfer = transfer_disk(&dir);
    let boot = Boot {
        kernel: &image.join("vmlinuz"),
        initrd: &image.join("initrd.img"),
        disk: &disk,
        transfer: &transfer,
        dir: &dir,
    };

    // The IT person's visit: the README's commands as root, ending in a reboot.
    {
        let mut m = Machine::start(&boot);
        m.wait_shell(BOOT);
        m.sh("mkdir -p /media/malbild && mount -o ro /dev/vdb /media/malbild");
        m.sh(&format!(
            "useradd -m -s /bin/bash {STAFF} && echo {STAFF}:{STAFF_PASSWORD} | chpasswd"
        ));
        let (status, out) = m.sh_status(
            "cd /media/malbild && sh -ex ./install.sh",
            Duration::from_secs(300),
        );
        assert!(
            status == 0 || !m.running(),
            "the README's commands failed:\n{out}"
        );
        m.wait_exit(BOOT);
    }

    // The first morning: nobody touches it.
    let mut m = Machine::start(&boot);
    m.wait_screen("the kiosk after boot", BOOT, kiosk);
    let boot_to_kiosk = m.started.elapsed();
    eprintln!("vm: boot to kiosk {boot_to_kiosk:?}");
    m.wait_shell(BOOT);
    m.load_font();
    let first = m.wait_screen("the kiosk, decoded", SCREEN, kiosk).0;
    assert_eq!(m.sh("cat /sys/class/tty/tty0/active"), "tty1");
    assert_eq!(m.sh("cat /proc/sys/kernel/sysrq"), "0");
    assert_eq!(m.sh("systemctl show -P CtrlAltDelBurstAction"), "none");
    assert_eq!(m.sh("cat /sys/module/kernel/parameters/consoleblank"), "0");
    // The carousel begins after the idle time from start-up, untouched.
    let (_, idle) = m.wait_screen("the carousel", Duration::from_secs(240), |s| {
        kiosk(s) && s != first
    });
    eprintln!("vm: carousel after {idle:?} more");

    // Crashes: ten kills in a row, each time back on tty1.
    let mut pid = m.sh("systemctl show -P MainPID malbild-kiosk.service");
    let kills = Instant::now();
    for i in 0..10 {
        let killed = Instant::now();
        m.sh(&format!("kill -9 {pid}"));
        loop {
            let now = m.sh("p=$(systemctl show -P MainPID malbild-kiosk.service); [ \"$(cat /proc/$p/comm 2>/dev/null)\" = malbild ] && echo $p || true");
            if !now.is_empty() && now != pid {
                pid = now;
                break;
            }
            assert!(
                killed.elapsed() < Duration::from_secs(20),
                "kill {i}: no new kiosk: {}",
                m.sh("systemctl status --no-pager malbild-kiosk.service || true")
            );
        }
        // Restarted by systemd within 3 s; its screen follows (read through the monitor's
        // round trips, which a loaded host slows down).
        let back = killed.elapsed();
        m.wait_screen(&format!("the kiosk after kill {i}"), SCREEN, kiosk);
        eprintln!(
            "vm: kill {i}: running again after {back:?}, on screen after {:?}",
            killed.elapsed()
        );
        assert!(
            back <= Duration::from_secs(3),
            "kill {i}: running again after {back:?}"
        );
    }
    eprintln!("vm: 10 kills in {:?}", kills.elapsed());
    let before = m.screen();
    m.key("down");
    m.wait_screen("the kiosk answering after the kills", SCREEN, |s| {
        kiosk(s) && s != before
    });

    the_mouse_works_and_pastes_nothing(&mut m);

    // Optional console tools missing: the kiosk still starts.
    m.sh(
        "mkdir -p /root/kbd && mv /usr/bin/loadkeys /usr/bin/dumpkeys /usr/bin/setfont /root/kbd/",
    );
    m.sh("systemctl restart malbild-kiosk.service");
    m.wait_screen("the kiosk without loadkeys", SCREEN, kiosk);
    assert_eq!(m.sh("systemctl is-active malbild-kiosk.service"), "active");
    m.sh("mv /root/kbd/* /usr/bin/");

    keys_change_nothing(&mut m, "after boot", None);
    // console-setup loads the full keymap again, with every console key in it.
    m.sh("setupcon --force </dev/tty1 >/dev/tty1 2>&1 || setupcon");
    m.load_font();
    keys_change_nothing(&mut m, "after setupcon", None);
    m.sh("systemctl restart console-setup.service");
    m.load_font();
    keys_change_nothing(&mut m, "after systemctl restart console-setup", None);

    // Staff: the README's way in.
    m.sh("mount -o ro /dev/vdb /media/malbild && cd /media/malbild && sh -ex ./staff.sh");
    let (screen, _) = m.wait_screen("the kiosk with the admin key", SCREEN, kiosk);
    let kiosk_pid = m.sh("systemctl show -P MainPID malbild-kiosk.service");
    m.key("f12");
    m.wait_screen("a login prompt", SCREEN, |s| {
        s.contains("login:") && s != screen
    });
    // A patron without the password gets nothing.
    m.type_text(&format!("{STAFF}\n"));
    m.wait_screen("the password prompt", SCREEN, |s| s.contains("Password:"));
    m.type_text("patron\n");
    m.wait_screen("a refusal", Duration::from_secs(60), |s| {
        s.contains("Login incorrect")
    });
    assert_eq!(m.sh("cat /sys/class/tty/tty0/active"), "tty1");
    m.wait_screen("the login prompt again", SCREEN, |s| {
        s.trim_end().ends_with("login:")
    });
    m.type_text(&format!("{STAFF}\n"));
    m.wait_screen("the password prompt", SCREEN, |s| {
        s.matches("Password:").count() >= 2
    });
    m.type_text(&format!("{STAFF_PASSWORD}\n"));
    m.wait_screen("a staff shell", SCREEN, |s| {
        s.contains(&format!("{STAFF}@"))
    });
    m.type_text("exit\n");
    m.wait_screen("the kiosk after logout", SCREEN, kiosk);
    assert_ne!(
        m.sh("systemctl show -P MainPID malbild-kiosk.service"),
        kiosk_pid
    );
    // Left at the login prompt, it goes back to the kiosk by itself.
    let screen = m.screen();
    m.key("f12");
    m.wait_screen("a login prompt", SCREEN, |s| {
        s.contains("login:") && s != screen
    });
    m.wait_screen(
        "the kiosk after an idle login prompt",
        Duration::from_secs(180),
        kiosk,
    );
    keys_change_nothing(&mut m, "after the staff visit", Some("f12"));

    // Stopped on purpose, the console switches again.
    m.sh("systemctl stop malbild-kiosk.service");
    m.sh("timeout 10 chvt 2");
    assert_eq!(m.sh("cat /sys/class/tty/tty0/active"), "tty2");
    eprintln!("vm: whole test {:?}", test_started.elapsed());
    drop(m);
    let _ = std::fs::remove_dir_all(&dir);
}
