//! Data files from outside: `--data` in every mode, `--check`, the messages for broken files
//! (the corpus in `tests/data/broken/`), hostile text, and input that must never panic.
//!
//! Each `tests/data/broken/NAME.ron` has its approved messages beside it as insta snapshots:
//! `NAME.snap` (Swedish stderr), `NAME.en.snap` (with `--lang en`) and `NAME.fi.snap` (with
//! `--lang fi`). After changing a message
//! on purpose, rewrite them with `INSTA_UPDATE=always cargo test --test data_files` and read
//! the diff.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use malbild::content;
use malbild::i18n::Lang;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use proptest::prelude::*;

#[path = "common/approve.rs"]
mod approve;
#[path = "common/locale.rs"]
mod locale;
use locale::Locale;
#[path = "common/run.rs"]
mod run;
use run::run_in_pty;

const BIN: &str = env!("CARGO_BIN_EXE_malbild");

/// Runs malbild from the crate root with stdin empty and stdout and stderr piped.
fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .locale("C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .expect("run malbild")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// Asserts exit status 2 with nothing on stdout, and returns stderr.
fn refused(args: &[&str]) -> String {
    let o = run(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert!(o.stdout.is_empty(), "{args:?} printed {:?}", o.stdout);
    stderr(&o)
}

fn broken_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/broken")
}

/// The corpus, sorted by name.
fn corpus() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(broken_dir())
        .expect("tests/data/broken")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".ron").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

/// Compares the message for `tests/data/broken/NAME.ron` with its approved snapshot beside
/// it, `SNAPSHOT.snap`; a mismatch is returned, so that one run shows every one.
fn approve(name: &str, snapshot: &str, actual: &str) -> Result<(), String> {
    let input = broken_dir().join(format!("{name}.ron"));
    std::panic::catch_unwind(|| {
        approve::assert_edges(snapshot, actual);
        insta::with_settings!({
            snapshot_path => "data/broken",
            prepend_module_to_snapshot => false,
            input_file => &input,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(snapshot, actual);
        });
    })
    .map_err(|_| format!("{snapshot}: the message differs from tests/data/broken/{snapshot}.snap"))
}

#[test]
fn corpus_has_one_file_per_kind_of_mistake() {
    let names = corpus();
    assert!(names.len() >= 15, "only {} broken files", names.len());
}

#[test]
fn every_broken_file_gets_its_exact_message_in_every_language() {
    let mut failures = Vec::new();
    for name in corpus() {
        let file = format!("tests/data/broken/{name}.ron");
        for (lang, snapshot) in [
            ("sv", name.clone()),
            ("en", format!("{name}.en")),
            ("fi", format!("{name}.fi")),
        ] {
            let got = refused(&["--check", "--lang", lang, "--data", &file]);
            assert!(
                got.starts_with(&format!("{file}:")),
                "{file} ({lang}): the message must start with the file name: {got}"
            );
            assert!(!got.contains('\u{1b}'), "{file}: escape in message");
            if let Err(e) = approve(&name, &snapshot, &got) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_broken_file_is_refused_in_every_mode() {
    for name in corpus() {
        let file = format!("tests/data/broken/{name}.ron");
        let check = refused(&["--check", "--data", &file]);
        for mode in [
            &["--print"][..],
            &["--print", "--format", "markdown"],
            &[],
            &["--format", "text"],
            &["--goal", "bra-ekonomi"],
        ] {
            let mut args = mode.to_vec();
            args.extend(["--data", &file]);
            assert_eq!(refused(&args), check, "{args:?}");
        }
    }
}

#[test]
fn messages_point_at_the_line_with_a_caret() {
    let got = refused(&["--check", "--data", "tests/data/broken/unknown-field.ron"]);
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(
        lines[0],
        "tests/data/broken/unknown-field.ron:29:21: okänt fält `titel` i mål 1 i perspektivet \"utveckling\""
    );
    assert_eq!(
        lines[1],
        "                        titel: \"Hög sysselsättning\","
    );
    assert_eq!(lines[2].find('^'), lines[1].find("titel"));
    assert!(lines[3].contains("menade du `title`?"), "{got}");
}

#[test]
fn missing_field_names_the_node() {
    let file = "tests/data/broken/missing-field.ron";
    let sv = refused(&["--check", "--data", file]);
    assert!(
        sv.contains(": mål 2 i perspektivet \"utveckling\" saknar `text`\n"),
        "{sv}"
    );
    let en = refused(&["--lang", "en", "--check", "--data", file]);
    assert!(
        en.contains(": goal 2 of perspective \"utveckling\" has no `text`\n"),
        "{en}"
    );
}

#[test]
fn duplicate_id_names_both_places() {
    let got = refused(&[
        "--lang",
        "en",
        "--check",
        "--data",
        "tests/data/broken/duplicate-id.ron",
    ]);
    assert!(got.contains(".ron:33:25: goal 2 of perspective"), "{got}");
    assert!(
        got.contains("has the same id, at line 28, column 25"),
        "{got}"
    );
}

#[test]
fn validation_reports_every_problem() {
    let got = refused(&[
        "--check",
        "--data",
        "tests/data/broken/several-problems.ron",
    ]);
    let headers: Vec<&str> = got
        .lines()
        .filter(|l| l.starts_with("tests/data/broken/several-problems.ron:"))
        .collect();
    assert_eq!(headers.len(), 5, "{got}");
}

#[test]
fn check_prints_one_line_when_valid() {
    let o = run(&["--check"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "Det inbyggda dokumentet är giltigt (3 perspektiv, 6 mål); en fil kontrolleras med --check --data FIL\n"
    );
    assert!(o.stderr.is_empty());
    let o = run(&["--check", "--lang", "en", "--data", "data/smedjebacken.ron"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "data/smedjebacken.ron: valid (3 perspectives, 6 goals)\n"
    );
}

#[test]
fn data_is_used_by_print_and_by_the_piped_interface() {
    let dir = tempdir("data-used");
    let file = dir.join("egen.ron");
    let source = content::BUNDLED.replace("\"Bra ekonomi\"", "\"Ekonomi i balans\"");
    std::fs::write(&file, source).unwrap();
    let file = file.to_str().unwrap();
    for args in [
        &["--print", "--data", file][..],
        &["--data", file],
        &["--format", "md", "--data", file],
        &["--goal", "bra-ekonomi", "--data", file],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("Ekonomi i balans"), "{args:?}");
        assert!(!out.contains("Bra ekonomi"), "{args:?}");
    }
}

#[test]
fn bad_options_and_unknown_goals_are_refused_in_every_mode() {
    for mode in [&["--print"][..], &["--check"], &[], &["--format", "md"]] {
        if mode != ["--check"] {
            let mut args = mode.to_vec();
            args.extend(["--goal", "finns-inte"]);
            let got = refused(&args);
            assert!(got.contains("\"finns-inte\""), "{got}");
            assert!(got.contains("bra-ekonomi"), "lists the valid ids: {got}");
        }
        let mut args = mode.to_vec();
        args.push("--bogus");
        assert!(refused(&args).contains("--bogus"));
        let mut args = mode.to_vec();
        args.extend(["--data", "tests/data/finns-inte.ron"]);
        assert_eq!(
            refused(&args),
            "tests/data/finns-inte.ron: filen finns inte\n"
        );
    }
}

/// A fresh directory under the target dir, for files a test makes.
fn tempdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn files_that_cannot_be_data_are_refused() {
    let dir = tempdir("not-data");
    let d = dir.to_str().unwrap();
    assert_eq!(
        refused(&["--check", "--data", d]),
        format!("{d}: är en katalog, inte en datafil\n")
    );
    assert_eq!(
        refused(&["--lang", "en", "--check", "--data", d]),
        format!("{d}: is a directory, not a data file\n")
    );

    let big = dir.join("big.ron");
    let mut text = content::BUNDLED.to_string();
    while text.len() <= 1024 * 1024 {
        text.push_str("// padding\n");
    }
    std::fs::write(&big, &text).unwrap();
    let big = big.to_str().unwrap();
    let got = refused(&["--lang", "en", "--check", "--data", big]);
    assert!(
        got.starts_with(&format!(
            "{big}: the file is {} bytes; a data file may be at most 1048576 bytes\n",
            text.len()
        )),
        "{got}"
    );
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let dir = tempdir("deep");
    for (name, text) in [
        ("brackets.ron", "[".repeat(100_000)),
        ("parens.ron", format!("Document({}", "(".repeat(100_000))),
        (
            "in-field.ron",
            format!("Document(title: {}", "[".repeat(100_000)),
        ),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        let file = file.to_str().unwrap();
        let got = refused(&["--lang", "en", "--check", "--data", file]);
        assert!(got.contains(": nested more than 32 levels deep\n"), "{got}");
        // The excerpt of a 100,000-character line is cut to the screen.
        assert!(got.lines().all(|l| l.chars().count() < 200), "{got}");
    }
}

#[test]
fn the_terminal_is_untouched_when_input_is_bad() {
    for args in [
        &["--data", "tests/data/broken/missing-field.ron"][..],
        &["--kiosk", "--data", "tests/data/broken/cut-short.ron"],
        &["--goal", "finns-inte"],
        &["--bogus"],
        &["--kiosk", "--data", "tests/data"],
    ] {
        let (out, code) = run_in_pty(args, 80);
        assert_eq!(code, 2, "{args:?}");
        let text = String::from_utf8_lossy(&out);
        // No escape sequence at all: no alternate screen, no cursor or mouse mode.
        assert!(!out.contains(&0x1b), "{args:?} wrote {text:?}");
        // Output processing was still on, so the line discipline was never made raw.
        let newlines = out.iter().filter(|&&b| b == b'\n').count();
        assert!(newlines > 0, "{args:?}: {text:?}");
        assert_eq!(text.matches("\r\n").count(), newlines, "{text:?}");
    }
}

#[test]
fn the_interface_shows_the_data_file() {
    let dir = tempdir("interface-data");
    let file = dir.join("egen.ron");
    let source = content::BUNDLED.replace("title: \"Effektivitet\"", "title: \"Hushållning\"");
    std::fs::write(&file, source).unwrap();
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.args(["--data", file.to_str().unwrap()]);
    cmd.env("TERM", "xterm-256color");
    cmd.locale("C.UTF-8");
    let mut child = pty.slave.spawn_command(cmd).expect("spawn");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !String::from_utf8_lossy(&seen).contains("Hushållning") {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(bytes) => seen.extend(bytes),
            Err(_) => {
                let _ = child.kill();
                panic!("never drawn: {:?}", String::from_utf8_lossy(&seen));
            }
        }
    }
    assert!(!String::from_utf8_lossy(&seen).contains("Effektivitet"));
    let mut keys = pty.master.take_writer().expect("writer");
    keys.write_all(b"q").unwrap();
    keys.flush().unwrap();
    let status = run::wait_exit(child.as_mut(), "after q, malbild");
    assert!(status.success());
}

#[test]
fn hostile_file_is_refused_at_each_place_and_the_report_is_inert() {
    let source = std::fs::read_to_string("tests/data/hostile.ron").unwrap();
    assert!(source.contains('\u{1b}') && source.contains('\u{9b}') && source.contains('\u{7f}'));
    assert!(source.contains("\\u{1b}") && source.contains('\u{202e}') && source.contains('\t'));
    let e = content::load("hostile.ron", &source).expect_err("hostile file is refused");
    // Every text with a control character, each once (a tab alone is text), in file order.
    assert_eq!(e.problems.len(), 10, "{e:?}");
    let positions: Vec<_> = e.problems.iter().map(|p| p.position.unwrap()).collect();
    assert!(positions.is_sorted(), "{positions:?}");
    for lang in [Lang::Sv, Lang::En] {
        let report = e.render(lang);
        assert!(!report.chars().any(is_unsafe), "{report:?}");
    }
    let o = run(&["--check", "--data", "tests/data/hostile.ron"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).chars().any(is_unsafe));
    assert_eq!(stderr(&o).matches("hostile.ron:").count(), 10);
}

/// Any control character, any C1, DEL or bidi control.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that make up escape sequences, weighted towards the dangerous ones.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        3 => prop::sample::select(vec![
            '\u{1b}', '\u{9b}', '\u{9d}', '\u{90}', '\u{9c}', '\u{7}', '\u{7f}', '\u{85}', '\t',
            '\n', '\r', '\u{0}', '\u{202e}', '\u{2066}', '[', ']', ';', '\\', 'P', '0', 'm', 'å',
        ]),
        2 => proptest::char::range(' ', '~'),
    ]
}

proptest! {
    #[test]
    fn clean_leaves_no_control_but_newline(s in prop::collection::vec(hostile_char(), 0..200)) {
        let s: String = s.into_iter().collect();
        let out = malbild::sanitize::clean(&s);
        prop_assert!(!out.chars().any(is_unsafe), "{:?} -> {:?}", s, out);
    }

    #[test]
    fn clean_is_idempotent(s in prop::collection::vec(hostile_char(), 0..200)) {
        let s: String = s.into_iter().collect();
        let once = malbild::sanitize::clean(&s);
        prop_assert_eq!(malbild::sanitize::clean(&once), once);
    }

    #[test]
    fn clean_text_passes_unchanged(s in "[^\\p{Cc}\u{202a}-\u{202e}\u{2066}-\u{2069}]{0,200}|[a-zåäö \n]{0,50}") {
        prop_assert_eq!(malbild::sanitize::clean(&s), s);
    }
}

/// Pieces of RON that the schema and the parser know, and some they do not.
fn ron_piece() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "\"",
        ":",
        ",",
        " ",
        "\n",
        "//",
        "/*",
        "*/",
        "r#\"",
        "\"#",
        "'",
        "\\",
        "\\n",
        "\\u{1b}",
        "\\u{",
        "\\x",
        "Document",
        "Vision",
        "Perspective",
        "Goal",
        "Contact",
        "organisation",
        "title",
        "vision",
        "introduction",
        "perspectives",
        "goals",
        "text",
        "id",
        "contact",
        "lines",
        "last_updated_label",
        "last_updated",
        "Some",
        "None",
        "true",
        "0",
        "-1",
        "1e999",
        "0x",
        "\u{feff}",
        "å",
        "\u{1b}",
        "\u{0}",
        "\"x\"",
        "title: \"t\",",
        "id: \"a\",",
        "text: \"\",",
    ]);
    prop_oneof![
        6 => fixed.prop_map(str::to_string),
        1 => "[a-zA-Z0-9_]{1,8}",
        1 => (0usize..300, prop::sample::select(vec!["[", "(", "{", "Goal(", "[\""]))
            .prop_map(|(n, s)| s.repeat(n)),
    ]
}

/// A valid document with a slice replaced by random pieces, so the parser gets deep into it.
fn mangled_document() -> impl Strategy<Value = String> {
    let len = content::BUNDLED.len();
    (
        0..len,
        0..200usize,
        prop::collection::vec(ron_piece(), 0..20),
    )
        .prop_map(move |(at, cut, pieces)| {
            let at = (0..=at)
                .rev()
                .find(|&i| content::BUNDLED.is_char_boundary(i))
                .unwrap_or(0);
            let end = (at + cut..=len)
                .find(|&i| content::BUNDLED.is_char_boundary(i))
                .unwrap_or(len);
            format!(
                "{}{}{}",
                &content::BUNDLED[..at],
                pieces.concat(),
                &content::BUNDLED[end..]
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_ron_never_panics(pieces in prop::collection::vec(ron_piece(), 0..60)) {
        let source = pieces.concat();
        if let Err(e) = content::load("x.ron", &source) {
            prop_assert!(!e.problems.is_empty());
            let _ = e.render(malbild::i18n::Lang::En);
            let _ = e.render(malbild::i18n::Lang::Sv);
        }
    }

    #[test]
    fn any_text_never_panics(source in any::<String>()) {
        if let Err(e) = content::load("x.ron", &source) {
            prop_assert!(!e.render(malbild::i18n::Lang::Sv).chars().any(is_unsafe));
        }
    }

    #[test]
    fn mangled_documents_never_panic(source in mangled_document()) {
        if let Err(e) = content::load("x.ron", &source) {
            prop_assert!(!e.problems.is_empty());
            let text = e.render(malbild::i18n::Lang::Sv);
            prop_assert!(text.starts_with("x.ron:"), "{}", text);
            prop_assert!(!text.chars().any(is_unsafe), "{:?}", text);
        }
    }
}
