//! The README's promises that a machine can check: its systemd units are valid.

use std::path::PathBuf;
use std::process::Command;

/// The README's unit files: each ```ini block right after a `<!-- unit: NAME -->` line.
fn units() -> Vec<(String, String)> {
    let readme = include_str!("../README.md");
    let mut units = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .strip_prefix("<!-- unit: ")
            .and_then(|l| l.strip_suffix(" -->"))
        else {
            continue;
        };
        assert_eq!(
            lines.next(),
            Some("```ini"),
            "unit {name} must be an ```ini block"
        );
        let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        units.push((name.to_string(), body.join("\n") + "\n"));
    }
    units
}

#[test]
fn readme_has_the_kiosk_unit() {
    let names: Vec<String> = units().into_iter().map(|(n, _)| n).collect();
    assert!(
        names.iter().any(|n| n == "malbild-kiosk.service"),
        "{names:?}"
    );
}

#[test]
fn readme_units_pass_systemd_analyze_verify() {
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("systemd-analyze is not installed: the README's units were not verified");
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("readme-units");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, body) in units() {
        // The unit names the installed binary; verify it against the one just built.
        let body = body.replace("/usr/local/bin/malbild", env!("CARGO_BIN_EXE_malbild"));
        let path = dir.join(&name);
        std::fs::write(&path, body).unwrap();
        let out = Command::new("systemd-analyze")
            .arg("verify")
            .arg(&path)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr).into_owned()
            + &String::from_utf8_lossy(&out.stdout);
        // Complaints about the machine's own units (it may not be booted with systemd) are not ours.
        let ours: Vec<&str> = said.lines().filter(|l| l.contains(&name)).collect();
        assert!(out.status.success() && ours.is_empty(), "{name}:\n{said}");
    }
}
