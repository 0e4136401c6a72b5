//! The man page, data/man/malbild.1, is written once, by hand, and kept true here: its options are
//! exactly those `--help` lists, both ways, for `malbild` and for `malbild serve`, and `man`
//! renders it without a warning.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common/locale.rs"]
mod locale;
use locale::Locale;

const PAGE: &str = include_str!("../data/man/malbild.1");
const PAGE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/man/malbild.1");

/// One option as a help text or the page names it: `("--goal", Some("ID"))`, `("-p", None)`.
type Opt = (String, Option<String>);

/// One option entry, `--print, -p  text` or `--listen ADDRESS:PORT where`: its names, then the
/// placeholder of their value, in capitals, one space after the last name. The description starts
/// after them.
fn entry(line: &str) -> BTreeSet<Opt> {
    let mut names = Vec::new();
    let mut value = None;
    // Spaces beyond the one that separates two words.
    let mut gap = 0;
    for piece in line.trim_start().split(' ') {
        let word = piece.trim_end_matches(',');
        if piece.is_empty() {
            gap += 1;
            continue;
        } else if word.starts_with('-') {
            names.push(word.to_string());
        } else if !word.is_empty() {
            let placeholder = word
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == ':' || c == '-');
            if placeholder && gap == 0 && !names.is_empty() {
                value = Some(word.to_string());
            }
            break;
        }
        gap = 0;
    }
    names.into_iter().map(|n| (n, value.clone())).collect()
}

/// The options a `--help` text lists: its lines that start with two spaces and a dash.
fn help_options(help: &str) -> BTreeSet<Opt> {
    help.lines()
        .filter(|l| l.starts_with("  -"))
        .flat_map(entry)
        .collect()
}

/// The options the page lists from the line `start` to the next section or subsection: the
/// tag line after each `.TP`, such as `.BI \-\-goal " ID"` or `.BR \-\-print ", " \-p`.
fn page_options(start: &str) -> BTreeSet<Opt> {
    let mut lines = PAGE.lines().skip_while(|l| *l != start).skip(1);
    let mut options = BTreeSet::new();
    while let Some(line) = lines.next() {
        if line.starts_with(".SH") || line.starts_with(".SS") {
            break;
        }
        if !line.starts_with(".TP") {
            continue;
        }
        let tag = lines.next().unwrap_or_default();
        let (macro_name, text) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(
            [".B", ".BR", ".BI"].contains(&macro_name),
            "an option's tag in the page must be bold: {tag}"
        );
        let text = text.replace("\\-", "-").replace('"', " ");
        options.extend(entry(
            &text.split_whitespace().collect::<Vec<_>>().join(" "),
        ));
    }
    assert!(!options.is_empty(), "no options under {start}");
    options
}

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_malbild"))
        .args(args)
        .locale("C.UTF-8")
        .output()
        .unwrap();
    assert!(out.status.success(), "malbild {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Both ways: what `--help` lists and the page does not, and what the page lists and `--help`
/// does not, each named.
fn assert_agree(help: &BTreeSet<Opt>, page: &BTreeSet<Opt>, what: &str) {
    let missing: Vec<_> = help.difference(page).collect();
    let extra: Vec<_> = page.difference(help).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: in --help but not in the man page: {missing:?}; \
         in the man page but not in --help: {extra:?}"
    );
}

fn names(options: &BTreeSet<Opt>) -> BTreeSet<&str> {
    options.iter().map(|(n, _)| n.as_str()).collect()
}

#[test]
fn the_page_lists_the_options_of_malbild_help() {
    let english = help_options(&help(&["--help", "--lang", "en"]));
    assert!(english.contains(&("--goal".into(), Some("ID".into()))));
    assert_agree(&english, &page_options(".SH OPTIONS"), "malbild");
    // The Swedish help names the same options (its placeholders are Swedish words).
    let swedish = help_options(&help(&["--help"]));
    assert_eq!(names(&swedish), names(&english));
}

#[cfg(feature = "serve")]
#[test]
fn the_page_lists_the_options_of_malbild_serve_help() {
    let english = help_options(&help(&["serve", "--help", "--lang", "en"]));
    assert!(english.contains(&("--listen".into(), Some("ADDRESS:PORT".into()))));
    assert_agree(
        &english,
        &page_options(".SS Serve options"),
        "malbild serve",
    );
    let swedish = help_options(&help(&["serve", "--help"]));
    assert_eq!(names(&swedish), names(&english));
}

/// The comparison can fail: an option only one side has is found either way.
#[test]
fn a_missing_or_extra_option_is_found() {
    let help = help_options("  --goal ID   start\n  --kiosk      kiosk\n");
    let fewer: BTreeSet<Opt> = help.iter().take(1).cloned().collect();
    let mut more = help.clone();
    more.insert(("--carousel".into(), Some("SECS".into())));
    for page in [fewer, more] {
        let agreed = std::panic::catch_unwind(|| assert_agree(&help, &page, "test"));
        assert!(agreed.is_err(), "{page:?} passed against {help:?}");
    }
}

#[test]
fn the_page_covers_what_it_must() {
    for section in [
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH KEYS",
        ".SH KIOSK MODE",
        ".SH SERVE",
        ".SS Serve options",
        ".SH EXIT STATUS",
        ".SH ENVIRONMENT",
        ".SH FILES",
    ] {
        assert!(
            PAGE.lines().any(|l| l == section),
            "the page has no {section}"
        );
    }
    let section = |name: &str| -> String {
        PAGE.lines()
            .skip_while(|l| *l != name)
            .skip(1)
            .take_while(|l| !l.starts_with(".SH"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let statuses = section(".SH EXIT STATUS");
    for status in ["0", "1", "2"] {
        assert!(
            statuses.contains(&format!(".TP\n.B {status}\n")),
            "exit status {status}"
        );
    }
    let environment = section(".SH ENVIRONMENT");
    for var in [
        "NO_COLOR",
        "TERM",
        "LANG",
        "LC_ALL",
        "LC_CTYPE",
        "STATE_DIRECTORY",
    ] {
        assert!(environment.contains(var), "the environment names no {var}");
    }
    let files = section(".SH FILES");
    for unit in ["malbild\\-kiosk.service", "malbild\\-serve.service"] {
        assert!(
            files.contains(&format!("/usr/lib/systemd/system/{unit}")),
            "{unit}"
        );
    }
    let title = PAGE.lines().find(|l| l.starts_with(".TH ")).unwrap();
    assert!(
        title.contains(&format!("\"malbild {}\"", env!("CARGO_PKG_VERSION"))),
        "the page's title line names another version: {title}"
    );
}

/// What `man --warnings` says about a page, or `None` when man is not installed here.
fn man_warnings(page: &Path) -> Option<String> {
    let out = match Command::new("man")
        .args(["--warnings", "-l"])
        .arg(page)
        .env("MANWIDTH", "80")
        .env("LC_ALL", "C.UTF-8")
        .env_remove("MANPAGER")
        .env_remove("PAGER")
        .output()
    {
        Ok(out) => out,
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("man is not installed: the page's rendering was not checked");
            return None;
        }
        Err(e) => panic!("CI must have man (man-db and groff): {e}"),
    };
    assert!(!out.stdout.is_empty(), "man rendered nothing: {out:?}");
    let mut said = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        said.push_str(&format!("\nexit status {}", out.status));
    }
    Some(said)
}

#[test]
fn man_renders_the_page_without_a_warning() {
    if let Some(said) = man_warnings(Path::new(PAGE_PATH)) {
        assert!(
            said.is_empty(),
            "man --warnings -l data/man/malbild.1:\n{said}"
        );
    }
}

/// The check above can fail: an unknown request and a bad escape are reported.
#[test]
fn man_warns_about_a_broken_page() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("manpage");
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.1");
    let page = PAGE.replacen(".SH KEYS", ".SH KEYS\n.XYZZY\n\\(zz", 1);
    std::fs::write(&broken, page).unwrap();
    if let Some(said) = man_warnings(&broken) {
        assert!(!said.is_empty(), "man said nothing about a broken page");
    }
}

/// A roff line's arguments: words, or quoted strings with their spaces.
fn roff_args(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        let (arg, after) = match rest.strip_prefix('"') {
            Some(quoted) => quoted.split_once('"').unwrap_or((quoted, "")),
            None => rest.split_once(' ').unwrap_or((rest, "")),
        };
        args.push(arg.to_string());
        rest = after.trim_start();
    }
    args
}

/// The keys each entry of the page's KEYS section names: the bold words of its tag, with the
/// page's escapes for arrows and dashes read as the characters they draw.
fn page_keys() -> Vec<String> {
    let mut lines = PAGE.lines().skip_while(|l| *l != ".SH KEYS").skip(1);
    let mut rows = Vec::new();
    while let Some(line) = lines.next() {
        if line.starts_with(".SH") {
            break;
        }
        if !line.starts_with(".TP") {
            continue;
        }
        let tag = lines.next().unwrap_or_default();
        let (macro_name, text) = tag.split_once(' ').unwrap_or(("", tag));
        let args = roff_args(text);
        // .B: all bold; .BR: bold, roman, bold, …; a plain tag names no key (the mouse).
        let bold: Vec<&String> = match macro_name {
            ".B" => args.iter().collect(),
            ".BR" => args.iter().step_by(2).collect(),
            _ => vec![],
        };
        let names: Vec<String> = bold
            .iter()
            .map(|a| {
                a.replace("\\(ua", "↑")
                    .replace("\\(da", "↓")
                    .replace("\\(<-", "←")
                    .replace("\\(->", "→")
                    .replace("\\(en", "–")
                    .replace("\\-", "-")
            })
            .collect();
        rows.push(if names.is_empty() {
            tag.to_string()
        } else {
            names.join(" ")
        });
    }
    rows
}

/// The README's key table, which tests/keys.rs holds to the keymap: the keys of each row.
fn readme_keys() -> Vec<String> {
    let readme = include_str!("../README.md");
    let table = readme.split("## Keys").nth(1).unwrap().split("\n\n").nth(1);
    table
        .unwrap()
        .lines()
        .skip(2)
        .map(|row| {
            let first = row.split('|').nth(1).unwrap_or("").trim();
            let names: Vec<&str> = first.split('`').skip(1).step_by(2).collect();
            if names.is_empty() {
                first.to_string()
            } else {
                names.join(" ")
            }
        })
        .collect()
}

#[test]
fn the_page_names_the_keys_of_the_readme() {
    let readme = readme_keys();
    assert!(readme.contains(&"q Ctrl-C".to_string()), "{readme:?}");
    assert_eq!(page_keys(), readme);
}
