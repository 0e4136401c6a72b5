//! The README's promises that a machine can check: the systemd units it points to are the files
//! the package ships, and they are valid.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const UNIT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/systemd");

/// The shipped unit files, by name, sorted.
fn units() -> Vec<(String, String)> {
    let mut units: Vec<(String, String)> = std::fs::read_dir(UNIT_DIR)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    units.sort();
    units
}

#[test]
fn both_units_are_shipped() {
    let names: Vec<String> = units().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["malbild-kiosk.service", "malbild-serve.service"]);
}

/// One source: the README links each file and holds no copy of one that could drift from it.
#[test]
fn readme_points_to_the_unit_files_and_copies_none() {
    let readme = include_str!("../README.md");
    for (name, _) in units() {
        let link = format!("(data/systemd/{name})");
        assert!(readme.contains(&link), "the README does not link {link}");
    }
    for section in ["[Unit]", "[Service]", "[Install]"] {
        assert!(
            !readme.lines().any(|l| l.trim() == section),
            "the README holds a copy of a unit ({section})"
        );
    }
}

/// `systemd-analyze verify` on a unit: `Ok` when it passes with nothing to say about the unit,
/// else what it said. It also looks up the unit's `Documentation=man:` pages, so malbild(1) is
/// put where `man` finds it, as the package installs it.
fn verify(path: &Path) -> Result<(), String> {
    static MANPATH: OnceLock<String> = OnceLock::new();
    let manpath = MANPATH.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("man");
        std::fs::create_dir_all(dir.join("man1")).unwrap();
        std::fs::copy(
            concat!(env!("CARGO_MANIFEST_DIR"), "/data/man/malbild.1"),
            dir.join("man1/malbild.1"),
        )
        .unwrap();
        // The trailing ':' keeps the system's pages.
        format!("{}:", dir.display())
    });
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(path)
        .env("MANPATH", manpath)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    // Complaints about the machine's own units (it may not be booted with systemd) are not ours.
    let name = path.file_name().unwrap().to_str().unwrap();
    let ours = said.lines().any(|l| l.contains(name));
    if out.status.success() && !ours {
        Ok(())
    } else {
        Err(said)
    }
}

fn have_systemd_analyze() -> bool {
    let found = Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_ok();
    assert!(
        found || std::env::var_os("CI").is_none(),
        "CI must have systemd-analyze"
    );
    if !found {
        eprintln!("systemd-analyze is not installed: the units were not verified");
    }
    found
}

#[test]
fn units_pass_systemd_analyze_verify() {
    if !have_systemd_analyze() {
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("shipped-units");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, body) in units() {
        assert!(
            body.contains("ExecStart=/usr/bin/malbild "),
            "{name} must start the packaged binary"
        );
        // The unit names the installed binary; verify it against the one just built.
        let body = body.replace("/usr/bin/malbild", env!("CARGO_BIN_EXE_malbild"));
        let path = dir.join(&name);
        std::fs::write(&path, body).unwrap();
        if let Err(said) = verify(&path) {
            panic!("{name}:\n{said}");
        }
    }
}

/// The check above can fail: a copy with a misspelt setting, or one whose binary is not there,
/// does not pass.
#[test]
fn a_broken_unit_fails_verify() {
    if !have_systemd_analyze() {
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("broken-units");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, body) in units() {
        let built = body.replace("/usr/bin/malbild", env!("CARGO_BIN_EXE_malbild"));
        let misspelt = built.replace("[Service]\n", "[Service]\nRestartSecs=1\n");
        let missing = body.replace("/usr/bin/malbild", "/nonexistent/malbild");
        for broken in [misspelt, missing] {
            let path = dir.join(&name);
            std::fs::write(&path, broken).unwrap();
            assert!(verify(&path).is_err(), "a broken {name} passed");
        }
    }
}
