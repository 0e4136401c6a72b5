//! Every combination of options does what it says or is refused with one sentence and exit
//! status 2; `--check` names what it checked. The real binary, as a user runs it.

use std::process::{Command, Output, Stdio};

#[path = "common/locale.rs"]
mod locale;
use locale::Locale;

const BIN: &str = env!("CARGO_BIN_EXE_malbild");

/// Runs malbild in a directory with no data file, stdout and stderr piped, in a locale that
/// asks for no language (so Swedish) whatever the machine's is.
fn run(args: &[&str]) -> Output {
    run_in(args, &[("LANG", "C.UTF-8")])
}

/// Runs malbild with only the locale variables `locale`.
fn run_in(args: &[&str], locale: &[(&str, &str)]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .env_remove("LC_CTYPE")
        .envs(locale.iter().copied())
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null())
        .output()
        .expect("run malbild")
}

fn stdout(args: &[&str]) -> String {
    let o = run(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {o:?}");
    String::from_utf8(o.stdout).unwrap()
}

/// The one line malbild refuses `args` with, exit status 2 and nothing on stdout.
fn refusal(args: &[&str]) -> String {
    let o = run(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
    assert!(o.stdout.is_empty(), "{args:?}");
    let err = String::from_utf8(o.stderr).unwrap();
    err.lines().next().unwrap_or_default().to_string()
}

#[test]
fn print_goal_prints_that_node() {
    let goal = stdout(&["--print", "--goal", "bra-ekonomi"]);
    assert!(goal.contains("\nBra ekonomi\n-----------\n"), "{goal}");
    assert!(!goal.contains("Bra verksamhet"), "{goal}");
    assert!(!goal.contains("Kontakt"), "{goal}");
    let perspective = stdout(&["--print", "--goal", "effektivitet", "--format", "md"]);
    let headings: Vec<&str> = perspective.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headings,
        [
            "# Smedjebackens kommun – Vision och mål",
            "## Effektivitet",
            "### Bra ekonomi",
            "### Bra verksamhet"
        ]
    );
    assert_eq!(
        stdout(&["--print", "--goal", "vision"]),
        stdout(&["--print"])
    );
}

#[test]
fn options_that_do_not_apply_are_refused() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--print", "--kiosk"],
            "malbild: --kiosk is for the interface and cannot be used with --print or --format",
        ),
        (
            &["--format", "markdown", "--color", "always"],
            "malbild: --color is for the interface and cannot be used with --print or --format",
        ),
        (
            &["--check", "--print"],
            "malbild: --print cannot be used with --check",
        ),
        (
            &["--check", "--goal", "vision"],
            "malbild: --goal cannot be used with --check",
        ),
        (
            &["--check", "--screen-reader"],
            "malbild: --screen-reader cannot be used with --check",
        ),
        // Stdout is a pipe here: no terminal for the interface.
        (
            &["--kiosk"],
            "malbild: --kiosk needs a terminal, and stdout is not one; --print writes the text",
        ),
        (
            &["--no-mouse"],
            "malbild: --no-mouse needs a terminal, and stdout is not one; --print writes the text",
        ),
    ];
    for (args, said) in cases {
        let mut args = args.to_vec();
        args.extend(["--lang", "en"]);
        assert_eq!(refusal(&args), *said, "{args:?}");
    }
    assert_eq!(
        refusal(&["--print", "--kiosk"]),
        "malbild: --kiosk gäller gränssnittet och går inte att använda med --print eller --format"
    );
}

#[test]
fn format_prints_without_print() {
    assert_eq!(
        stdout(&["--format", "markdown"]),
        stdout(&["--print", "--format", "markdown"])
    );
}

#[test]
fn check_names_what_it_checked() {
    assert_eq!(
        stdout(&["--check", "--lang", "en"]),
        "The bundled document is valid (3 perspectives, 6 goals); check a file with --check --data FILE\n"
    );
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/data/smedjebacken.ron");
    assert_eq!(
        stdout(&["--check", "--data", file]),
        format!("{file}: giltig (3 perspektiv, 6 mål)\n")
    );
}

#[test]
fn check_reports_an_escape_sequence_where_it_is() {
    let dir = std::env::temp_dir().join(format!("malbild-options-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("escape.ron");
    let source = include_str!("../data/smedjebacken.ron").replace(
        "title: \"Bra ekonomi\"",
        "title: \"Bra \\u{1b}[31mekonomi\"",
    );
    std::fs::write(&file, &source).unwrap();
    let line = source.lines().position(|l| l.contains("\\u{1b}")).unwrap() + 1;
    let column = source.lines().nth(line - 1).unwrap().find('"').unwrap() + 1;
    let said = refusal(&["--check", "--lang", "en", "--data", file.to_str().unwrap()]);
    assert_eq!(
        said,
        format!(
            "{}:{line}:{column}: the `title` of goal 1 of perspective \"effektivitet\" holds a control character (ESC, U+001B, which starts an escape sequence)",
            file.display()
        )
    );
    // The interface will not start on it either.
    let said = refusal(&["--print", "--data", file.to_str().unwrap()]);
    assert!(said.contains("styrtecken"), "{said}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A build without the server says so in the interface language and names the README's command.
#[cfg(not(feature = "serve"))]
#[test]
fn serve_in_a_build_without_it() {
    assert_eq!(
        refusal(&["serve", "--lang", "en"]),
        "malbild serve: this build has no SSH server; build one with: cargo build --profile serve --features serve"
    );
    assert_eq!(
        refusal(&["serve"]),
        "malbild serve: det här bygget har ingen SSH-server; bygg ett med: cargo build --profile serve --features serve"
    );
}

/// `--ascii`: the printed text and the messages too, every byte; a pipe under a locale that is
/// not UTF-8 still gets UTF-8, as the README says.
#[test]
fn ascii_applies_to_what_is_printed_and_said() {
    for format in ["text", "markdown"] {
        let out = stdout(&["--print", "--ascii", "--format", format]);
        assert!(out.is_ascii(), "{format}");
        assert!(
            out.contains("Smedjebackens kommun - Vision och mal\n"),
            "{out}"
        );
        assert!(out.contains("Hallbarhet") && out.contains("forutsattningar"));
    }
    let said = refusal(&["--ascii", "--print", "--kiosk"]);
    assert_eq!(
        said,
        "malbild: --kiosk galler granssnittet och gar inte att anvanda med --print eller --format"
    );
    let help = stdout(&["--ascii", "--help"]);
    assert!(help.is_ascii() && help.contains("Anvandning"), "{help}");
    let piped = Command::new(BIN)
        .args(["--print"])
        .locale("C")
        .output()
        .unwrap();
    assert!(
        String::from_utf8(piped.stdout)
            .unwrap()
            .contains("Hållbarhet")
    );
}

/// `--lang fi`: the refusals, `--check`'s answers and `--help` in Finnish; what is printed is
/// the document, which has no interface words, so it is the same in every language.
#[test]
fn finnish_is_spoken_everywhere() {
    assert_eq!(
        refusal(&["--print", "--kiosk", "--lang", "fi"]),
        "malbild: --kiosk koskee käyttöliittymää, eikä sitä voi käyttää yhdessä valitsimen \
         --print tai --format kanssa"
    );
    assert_eq!(
        refusal(&["--lang", "fi", "--bogus"]),
        "malbild: tuntematon argumentti \"--bogus\""
    );
    assert_eq!(
        refusal(&["--lang", "xx"]),
        "malbild: okänt språk \"xx\": välj sv, en eller fi"
    );
    assert_eq!(
        stdout(&["--check", "--lang", "fi"]),
        "Sisäänrakennettu asiakirja on kelvollinen (näkökulmia 3, tavoitteita 6); tiedoston voi \
         tarkistaa valitsimilla --check --data TIEDOSTO\n"
    );
    let help = stdout(&["--help", "--lang", "fi"]);
    assert!(help.contains("Käyttö: malbild [VALITSIMET]"), "{help}");
    // The bundled document has no Finnish translation: the Swedish, and a line that says so.
    for format in ["text", "markdown"] {
        let fi = stdout(&["--print", "--format", format, "--lang", "fi"]);
        let sv = stdout(&["--print", "--format", format, "--lang", "sv"]);
        let note = "Asiakirjaa ei ole käännetty suomeksi; teksti on ruotsiksi.";
        assert!(fi.contains(note), "{fi}");
        assert_eq!(fi.replace(&format!("\n\n{note}"), ""), sv);
    }
    let dir = std::env::temp_dir().join(format!("malbild-fi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("typo.ron");
    let source = include_str!("../data/smedjebacken.ron").replacen("title:", "titel:", 1);
    std::fs::write(&file, &source).unwrap();
    let o = run(&["--check", "--lang", "fi", "--data", file.to_str().unwrap()]);
    let err = String::from_utf8(o.stderr).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(": asiakirja: tuntematon kenttä `titel`"),
        "{err}"
    );
    assert!(err.contains("\n    vihje: tarkoititko `title`?"), "{err}");
}

/// Without `--lang`, LC_ALL, then LC_MESSAGES, then LANG (the first set and not empty) choose
/// the language: fi… Finnish, en… English, anything else Swedish; `--lang` wins over them.
#[test]
fn the_locale_chooses_the_language_unless_lang_is_given() {
    let first_line = |args: &[&str], locale: &[(&str, &str)]| {
        let o = run_in(args, locale);
        assert_eq!(o.status.code(), Some(2), "{o:?}");
        let err = String::from_utf8(o.stderr).unwrap();
        err.lines().next().unwrap_or_default().to_string()
    };
    let fi = "malbild: tuntematon argumentti \"--bogus\"";
    let en = "malbild: unknown argument \"--bogus\"";
    let sv = "malbild: okänt argument \"--bogus\"";
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("LANG", "fi_FI.UTF-8")], fi),
        (&[("LANG", "en_GB.UTF-8")], en),
        (&[("LANG", "sv_SE.UTF-8")], sv),
        (&[], sv),
        (
            &[("LC_MESSAGES", "fi_FI.UTF-8"), ("LANG", "en_GB.UTF-8")],
            fi,
        ),
        (
            &[("LC_ALL", "en_US.UTF-8"), ("LC_MESSAGES", "fi_FI.UTF-8")],
            en,
        ),
        (&[("LC_ALL", ""), ("LANG", "fi_FI.UTF-8")], fi),
    ];
    for (locale, said) in cases {
        assert_eq!(first_line(&["--bogus"], locale), *said, "{locale:?}");
    }
    let finnish = [("LANG", "fi_FI.UTF-8")];
    assert_eq!(first_line(&["--bogus", "--lang", "sv"], &finnish), sv);
    let o = run_in(&["--check"], &finnish);
    let said = String::from_utf8(o.stdout).unwrap();
    assert!(said.starts_with("Sisäänrakennettu asiakirja"), "{said}");
}

#[test]
fn every_help_line_fits_80_columns_in_every_language() {
    for lang in ["sv", "en", "fi"] {
        let help = stdout(&["--help", "--lang", lang]);
        for line in help.lines() {
            assert!(
                line.chars().count() <= 80,
                "--help --lang {lang}: {} columns: {line}",
                line.chars().count()
            );
        }
    }
}
