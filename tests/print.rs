//! `--print` and pipes: the real binary's output against its approved snapshots, every
//! paragraph of the source document present, the width followed, and nothing a terminal would
//! act on.
//!
//! After changing the layout on purpose, rewrite the snapshots with
//! `INSTA_UPDATE=always cargo test --test print` and read the diff.

use std::process::{Command, Stdio};

use malbild::content::Outline;
use malbild::text;

#[path = "common/approve.rs"]
mod approve;
#[path = "common/locale.rs"]
mod locale;
use locale::Locale;
#[path = "common/run.rs"]
mod run;
use run::run_in_pty;

const BIN: &str = env!("CARGO_BIN_EXE_malbild");

/// Runs malbild with stdout piped; it must succeed and write nothing to stderr.
fn stdout(args: &[&str]) -> String {
    let o = Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .locale("C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .expect("run malbild");
    assert_eq!(o.status.code(), Some(0), "{args:?}");
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

/// The output against its approved snapshot `tests/snapshots/print__NAME.snap`.
fn approve(name: &str, actual: &str) {
    approve::assert_edges(name, actual);
    insta::assert_snapshot!(name, actual);
}

#[test]
fn print_text_is_approved() {
    approve("text", &stdout(&["--print"]));
}

#[test]
fn print_markdown_is_approved() {
    approve("markdown", &stdout(&["--print", "--format", "markdown"]));
}

#[test]
fn a_pipe_gets_the_text_like_print() {
    let printed = stdout(&["--print"]);
    assert_eq!(stdout(&[]), printed);
    // The bundled document has no translation: the Swedish, and a line under the title.
    let title_end = printed.find("\n\n").unwrap();
    assert_eq!(
        stdout(&["--lang", "en"]),
        format!(
            "{}\n\nThis document has no English translation; its text is in Swedish.{}",
            &printed[..title_end],
            &printed[title_end..]
        ),
    );
    assert_eq!(
        stdout(&["--format", "md"]),
        stdout(&["--print", "--format", "markdown"])
    );
}

/// The paragraphs of the verbatim source document: text between blank lines.
fn source_paragraphs() -> Vec<String> {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/source.txt"),
    )
    .expect("data/source.txt");
    let paragraphs: Vec<String> = source
        .split("\n\n")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    assert!(paragraphs.len() > 20, "source.txt looks truncated");
    paragraphs
}

/// Whitespace runs made single spaces, so wrapped text compares with unwrapped.
fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_source_paragraph_is_in_both_outputs() {
    let outputs = [
        ("text", words(&stdout(&["--print"]))),
        (
            "markdown",
            words(&stdout(&["--print", "--format", "markdown"])),
        ),
    ];
    for p in source_paragraphs() {
        if p == "Sidan senast uppdaterad:" {
            // A label with no date after it is left out.
            for (name, out) in &outputs {
                assert!(!out.contains(&p), "{name} output prints an empty label");
            }
            continue;
        }
        for (name, out) in &outputs {
            assert!(out.contains(&words(&p)), "{name} output lacks {p:?}");
        }
    }
}

/// Every title and block of the outline, and its document title and organisation.
fn outline_texts(outline: &Outline) -> Vec<&str> {
    let mut texts = vec![outline.title.as_str(), outline.organisation.as_str()];
    for node in &outline.nodes {
        texts.push(&node.title);
        texts.extend(node.blocks.iter().map(|b| b.text()));
    }
    texts
}

#[test]
fn every_source_paragraph_is_in_the_app_and_nothing_else_is() {
    let outline = Outline::bundled();
    let texts = outline_texts(&outline);
    let paragraphs = source_paragraphs();
    // The source's date line is a label with no date after it, which the app leaves out.
    let empty_label = "Sidan senast uppdaterad:";
    for p in paragraphs.iter().filter(|p| *p != empty_label) {
        assert!(
            texts.contains(&p.as_str()),
            "the app lacks the paragraph {p:?}"
        );
    }
    // The other way round: the app adds no paragraph of its own to the document.
    for node in &outline.nodes {
        for block in &node.blocks {
            assert!(
                paragraphs.iter().any(|p| p == block.text()),
                "{:?} is not in data/source.txt",
                block.text()
            );
        }
    }
}

#[test]
fn text_is_wrapped_to_80_columns_with_clear_headings() {
    let out = stdout(&["--print"]);
    assert!(
        out.lines().all(|l| text::width(l) <= 80),
        "a line is over 80 columns"
    );
    let lines: Vec<&str> = out.lines().collect();
    // Every heading is underlined across its whole width.
    for (title, rule) in [
        ("Vision", '='),
        ("Hållbarhet", '='),
        ("Hög sysselsättning", '-'),
        ("Kontakt", '='),
    ] {
        let i = lines.iter().position(|l| *l == title).expect(title);
        assert_eq!(lines[i + 1], rule.to_string().repeat(text::width(title)));
    }
    assert_eq!(lines[0], lines[2], "the document title is framed");
    assert_eq!(lines[1], "Smedjebackens kommun – Vision och mål");
    // The contact block comes last.
    let contact = lines.iter().position(|l| *l == "Kontakt").unwrap();
    assert!(lines[contact..].contains(&"0240-66 00 00"));
    assert!(!lines[contact..].contains(&"Bra verksamhet"));
}

#[test]
fn markdown_has_the_heading_levels() {
    let out = stdout(&["--print", "--format", "markdown"]);
    let headings: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headings,
        [
            "# Smedjebackens kommun – Vision och mål",
            "## Vision",
            "## Hållbarhet",
            "### En kommun för alla",
            "### En ekokommun i framkant",
            "## Utveckling",
            "### Hög sysselsättning",
            "### Attraktivt boende",
            "## Effektivitet",
            "### Bra ekonomi",
            "### Bra verksamhet",
            "## Kontakt",
        ]
    );
}

/// ESC, any other control but newline, C1 controls and DEL.
fn assert_inert(name: &str, out: &str) {
    if let Some(c) = out.chars().find(|&c| c.is_control() && c != '\n') {
        panic!("{name}: {c:?} in output");
    }
    assert!(
        !out.chars()
            .any(|c| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
        "{name}: bidi control in output"
    );
}

#[test]
fn nothing_printed_is_an_escape_sequence() {
    for format in ["text", "markdown"] {
        assert_inert(format, &stdout(&["--print", "--format", format]));
        // A file whose texts hold them is refused, and the report is inert too.
        let o = Command::new(BIN)
            .args([
                "--print",
                "--format",
                format,
                "--data",
                "tests/data/hostile.ron",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .locale("C.UTF-8")
            .output()
            .expect("run malbild");
        assert_eq!(o.status.code(), Some(2));
        assert!(o.stdout.is_empty());
        let report = String::from_utf8(o.stderr).unwrap();
        assert_inert(&format!("hostile {format}"), &report);
        assert!(report.contains("styrtecken"), "{report}");
    }
}

/// Runs `malbild --print` in a pseudo-terminal `cols` wide and returns what it wrote.
fn print_in_pty(cols: u16) -> String {
    let (out, status) = run_in_pty(&["--print"], cols);
    assert_eq!(status, 0, "--print failed");
    String::from_utf8(out).expect("UTF-8").replace("\r\n", "\n")
}

#[test]
fn print_to_a_terminal_wraps_to_its_width() {
    let out = print_in_pty(50);
    assert!(out.lines().all(|l| text::width(l) <= 50), "{out}");
    // The long paragraphs use the room: a line over 40 columns shows it did not wrap at 20.
    assert!(out.lines().any(|l| text::width(l) > 40), "{out}");
    assert_eq!(
        words(&out),
        words(&stdout(&["--print"])),
        "same words, other breaks"
    );
    let wide = print_in_pty(120);
    assert!(wide.lines().any(|l| text::width(l) > 80), "{wide}");
}

#[test]
fn markdown_paragraphs_keep_their_text() {
    let outline = Outline::bundled();
    let out = stdout(&["--print", "--format", "markdown"]);
    for node in &outline.nodes {
        for block in &node.blocks {
            assert!(out.contains(block.text()), "{:?}", block.text());
        }
    }
}

#[test]
fn print_follows_the_language_where_the_data_file_is_translated() {
    let data = ["--data", "tests/data/translated.ron", "--print"];
    let with = |more: &[&str]| stdout(&[&data[..], more].concat());
    let text = with(&["--lang", "fi"]);
    assert!(
        text.starts_with(
            "===\nSmedjebackenin kunta – Visio ja tavoitteet\n==="
                .replace("===", &"=".repeat(42))
                .as_str()
        ),
        "{text}"
    );
    for shown in [
        "Kaikkien kunta\n----",
        "Tehokkuus\n====",
        "Yhteystiedot\n====",
        "Kansliaosasto",
    ] {
        assert!(text.contains(shown), "{shown}: {text}");
    }
    assert!(
        !text.contains("ruotsiksi") && !text.contains("Hållbarhet"),
        "{text}"
    );
    let markdown = with(&[
        "--lang",
        "fi",
        "--format",
        "markdown",
        "--goal",
        "bra-ekonomi",
    ]);
    assert!(
        markdown.starts_with("# Smedjebackenin kunta – Visio ja tavoitteet\n\n### Hyvä talous\n"),
        "{markdown}"
    );
    // No English translation: the Swedish, and a line under the title that says so.
    let english = with(&["--lang", "en"]);
    assert!(
        english.contains("\nThis document has no English translation; its text is in Swedish.\n")
    );
    assert!(english.contains("En kommun för alla"));
    // Swedish is the document's own language: nothing to say.
    assert_eq!(with(&["--lang", "sv"]), stdout(&["--print"]));
}
