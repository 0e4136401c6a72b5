//! The order of the machine code (`src/hot.ld`, applied by `src/build.rs`): the functions the
//! start-up runs come first in `.text`, so the kernel maps few of the binary's pages.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::pty::{Spawn, TIMEOUT};
use super::{DOWN, UP, release_binary};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/hot.ld");

/// The section patterns of the script, in its order.
fn patterns(script: &str) -> Vec<&str> {
    script
        .lines()
        .filter_map(|l| l.trim().strip_prefix("*(.text."))
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

/// A linker script's wildcard match: `*` is any run of characters, everything else itself
/// (mangled names have no `?` or `[`).
fn matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// A mangled name as a pattern that outlives the build it came from: the hashes that
/// change with the compiler, the dependencies' versions and the features become `*`.
fn pattern_of(symbol: &str) -> String {
    let symbol = symbol.split('\'').next().unwrap_or(symbol);
    let mut out = String::new();
    if let Some(body) = symbol.strip_prefix("_ZN") {
        // Legacy mangling: `…17h<16 hex digits>E`, sometimes with a `.N` clone suffix.
        let body = body.split('.').next().unwrap_or(body);
        out.push_str("_ZN");
        match body.rfind("17h") {
            Some(at) if body.len() >= at + 20 => {
                out.push_str(&body[..at]);
                out.push_str("17h*");
            }
            _ => {
                out.push_str(body);
                out.push('*');
            }
        }
        return out;
    }
    if let Some(body) = symbol.strip_prefix("_R") {
        // v0 mangling: crate disambiguators `Cs<base 62>_` and back-references `B<base 62>_`
        // (whose offsets move when a disambiguator's length does).
        let body = body.split('.').next().unwrap_or(body);
        out.push_str("_R");
        let bytes = body.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let skip = match bytes[i] {
                b'C' if bytes.get(i + 1) == Some(&b's') => Some(2),
                b'B' => Some(1),
                _ => None,
            };
            if let Some(n) = skip {
                let digits = bytes[i + n..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                if bytes.get(i + n + digits) == Some(&b'_') {
                    out.push(bytes[i] as char);
                    out.push_str("*_");
                    i += n + digits + 1;
                    continue;
                }
            }
            out.push(bytes[i] as char);
            i += 1;
        }
        out.push('*');
        return out;
    }
    symbol.to_string()
}

/// The program's own functions as `nm` lists them, by address.
fn text_symbols(binary: &str) -> Option<Vec<(u64, String)>> {
    let out = Command::new("nm")
        .args(["--defined-only", "-n", binary])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let symbols = text
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (addr, kind, name) = (f.next()?, f.next()?, f.next()?);
            let rust = name.starts_with("_ZN") || name.starts_with("_R");
            if !rust || !matches!(kind, "t" | "T") {
                return None;
            }
            Some((u64::from_str_radix(addr, 16).ok()?, name.to_string()))
        })
        .collect::<Vec<_>>();
    (!symbols.is_empty()).then_some(symbols)
}

#[test]
fn the_script_names_functions_without_hashes() {
    let script = std::fs::read_to_string(SCRIPT).unwrap();
    let list = patterns(&script);
    assert!(list.len() >= 50, "only {} patterns", list.len());
    for p in &list {
        assert_eq!(
            &pattern_of(p.trim_end_matches('*')),
            p,
            "not a pattern: {p}"
        );
    }
    assert!(
        script.contains("INSERT BEFORE .fini;"),
        "the script must add to the default layout"
    );
}

#[test]
fn patterns_match_as_the_linker_does() {
    assert!(matches(
        "_ZN7malbild4main17h*",
        "_ZN7malbild4main17h0123456789abcdefE"
    ));
    assert!(!matches(
        "_ZN7malbild4main17h*",
        "_ZN7malbild5mains17h0123456789abcdefE"
    ));
    assert!(matches("_RNvC*_3std*", "_RNvCsjrHSEGnQ3l9_3std4main"));
    assert!(!matches("_RNvC*_3std", "_RNvCsjrHSEGnQ3l9_3std4main"));
    assert_eq!(
        pattern_of("_ZN7malbild3app3App9push_rows17hb386f1156f9b42e1E'2"),
        "_ZN7malbild3app3App9push_rows17h*"
    );
    assert_eq!(
        pattern_of("_RNvMs4_NtCslNYArtu3iFV_5alloc7raw_vecNtB5_11RawVecInner11finish_growB7_"),
        "_RNvMs4_NtC*_5alloc7raw_vecNtB*_11RawVecInner11finish_growB*_*"
    );
}

/// The binary this test suite runs was linked with the script: every function it names comes
/// before every other function of the program.
#[test]
fn the_named_functions_come_first() {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) {
        return;
    }
    let binary = env!("CARGO_BIN_EXE_malbild");
    let Some(symbols) = text_symbols(binary) else {
        // Stripped, or no `nm` on this machine: nothing to read the order from.
        eprintln!("no symbols to check in {binary}");
        return;
    };
    let script = std::fs::read_to_string(SCRIPT).unwrap();
    let list = patterns(&script);
    let hot = |name: &str| list.iter().any(|p| matches(p, name));
    let Some(first_cold) = symbols.iter().find(|(_, n)| !hot(n)).map(|(a, _)| *a) else {
        panic!("every function of {binary} matches the script");
    };
    let named: Vec<&(u64, String)> = symbols.iter().filter(|(_, n)| hot(n)).collect();
    let late: Vec<&&(u64, String)> = named.iter().filter(|(a, _)| *a > first_cold).collect();
    // A name can also be an alias into another function's body (LLVM merges identical
    // functions), which the script cannot move: a few, not a share.
    assert!(
        named.len() >= 50 && late.len() * 50 <= named.len(),
        "{} of the {} functions the script names come after one it does not name (at \
         {first_cold:#x}), the first: {:?}",
        late.len(),
        named.len(),
        late.first()
    );
}

/// The code the release build has in memory at its first frame, against a budget: 684 KiB
/// of its 697 KiB `.text` before the functions were ordered, 240–260 KiB after. Run by
/// `.ci/run` after the release build: `cargo test --test e2e -- --ignored startup_code`.
#[test]
#[ignore]
fn startup_code_stays_within_its_pages() {
    let binary = release_binary();
    let mut p = Spawn::new(&[]).program(&binary).start();
    assert!(p.wait_len(1, TIMEOUT), "{binary} wrote nothing");
    p.settle(Duration::from_millis(250), TIMEOUT);
    let smaps = std::fs::read_to_string(format!("/proc/{}/smaps", p.pid)).unwrap();
    let name = Path::new(&binary).file_name().unwrap().to_string_lossy();
    let mut code = None;
    let mut in_code = false;
    for line in smaps.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.first().is_some_and(|f| f.contains('-')) && fields.len() >= 5 {
            in_code = fields[1] == "r-xp" && fields.get(5).is_some_and(|f| f.ends_with(&*name));
        } else if in_code && fields.first() == Some(&"Rss:") {
            code = fields.get(1).and_then(|v| v.parse::<u64>().ok());
        }
    }
    p.send(b"q");
    let _ = p.wait_exit(TIMEOUT);
    let code = code.expect("the binary's code mapping");
    println!("{binary}: {code} KiB of code resident at the first frame");
    assert!(
        code <= 384,
        "{code} KiB of code resident at the first frame, budget 384 (if the start now runs \
         other functions, write src/hot.ld again: write_hot_functions)"
    );
}

/// Writes `src/hot.ld` from a profile of the start-up: an unstripped release build under
/// callgrind in an 80×24 terminal, its first frame, Down×5, Up×2 (the keys `versus_less`
/// measures) and `q`. Needs valgrind. Run it when the code has changed much:
/// `cargo test --test e2e -- --ignored --nocapture write_hot_functions`.
#[test]
#[ignore]
fn write_hot_functions() {
    let root = env!("CARGO_MANIFEST_DIR");
    let target = format!("{root}/target/unstripped");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--release", "--locked", "--target-dir", &target])
        .env("CARGO_PROFILE_RELEASE_STRIP", "false")
        .current_dir(root)
        .status()
        .unwrap();
    assert!(built.success());
    let binary = format!("{target}/release/malbild");
    let profile = format!("{target}/startup.callgrind");
    let tool = [
        "--tool=callgrind",
        "--demangle=no",
        &format!("--callgrind-out-file={profile}"),
        &binary,
    ];
    let mut p = Spawn::new(&tool).program("valgrind").start();
    assert!(p.wait_len(1, TIMEOUT * 4), "nothing under valgrind");
    p.settle(Duration::from_secs(2), TIMEOUT * 4);
    for key in [DOWN, DOWN, DOWN, DOWN, DOWN, UP, UP] {
        p.send(key);
        p.settle(Duration::from_millis(500), TIMEOUT);
    }
    p.send(b"q");
    assert!(p.wait_exit(TIMEOUT * 4).is_some(), "valgrind did not end");
    let text = std::fs::read_to_string(&profile).unwrap();
    let functions = profiled_functions(&text, &binary);
    let mut list: Vec<String> = functions.iter().map(|f| pattern_of(f)).collect();
    list.sort();
    list.dedup();
    let mut script = String::from(HEADER);
    script.push_str("SECTIONS\n{\n  .init : { KEEP (*(SORT_NONE(.init))) }\n  .text : {\n");
    for p in &list {
        script.push_str(&format!("    *(.text.{p} .text.unlikely.{p})\n"));
    }
    script.push_str("    *(.text .text.*)\n  }\n}\nINSERT BEFORE .fini;\n");
    std::fs::write(SCRIPT, script).unwrap();
    println!("{}: {} functions from {profile}", SCRIPT, list.len());
}

const HEADER: &str = "\
/* The functions malbild runs from exec to its first frame and a few arrow keys, first in
 * .text, so that they share pages; the rest of the program follows in the linker's order.
 * .init (run once at start) comes just before them rather than after all of .text, where
 * it made the last 64 KiB of the code resident for its 23 bytes.
 * Written by `cargo test --test e2e -- --ignored write_hot_functions` from a callgrind
 * profile; hashes are `*`, so the list outlives a change of compiler or dependency. A
 * function missing from it only costs a page of memory. */
";

/// The mangled names of the functions of `binary` that ran, from a callgrind profile
/// (written with `--demangle=no`, names compressed as `(id) name` the first time).
fn profiled_functions(profile: &str, binary: &str) -> Vec<String> {
    use std::collections::HashMap;
    let mut objects: HashMap<&str, &str> = HashMap::new();
    let mut names: HashMap<&str, &str> = HashMap::new();
    let mut object = "";
    let mut out = Vec::new();
    for line in profile.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (id, name) = match value.split_once(") ") {
            Some((id, name)) => (id.trim_start_matches('('), Some(name)),
            None => (value.trim_start_matches('(').trim_end_matches(')'), None),
        };
        match key {
            "ob" | "cob" => {
                if let Some(name) = name {
                    objects.insert(id, name);
                }
                if key == "ob" {
                    object = objects.get(id).copied().unwrap_or("");
                }
            }
            "fn" | "cfn" => {
                let name = match name {
                    Some(name) => {
                        names.insert(id, name);
                        name
                    }
                    None => names.get(id).copied().unwrap_or(""),
                };
                if key == "fn" && object == binary && name.starts_with('_') {
                    out.push(name.to_string());
                }
            }
            _ => {}
        }
    }
    out
}
