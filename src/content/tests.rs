//! The loader as a whole: the bundled file, what every struct refuses, where positions land.

use super::messages::{closest, suggest_id};
use super::problem::{EXCERPT_WIDTH, excerpt};
use super::schema::Record;
use super::*;
use crate::i18n::Lang;
use crate::text;

#[test]
fn the_bundled_document_loads() {
    // A broken file fails here with the loader's report: FILE:LINE:COLUMN: message.
    let outline = Outline::bundled();
    assert!(!BUNDLED.starts_with('\u{feff}'));
    assert_eq!(outline.nodes.len(), 10);
}

#[test]
fn bundled_document_is_valid() {
    let outline = load(BUNDLED_NAME, BUNDLED).expect("bundled file is valid");
    assert_eq!(outline.nodes.len(), 10);
    assert_eq!(outline.goals().count(), 6);
    assert_eq!(outline.nodes[0].kind, Kind::Vision);
    assert_eq!(
        outline.ids(),
        [
            "vision",
            "hallbarhet",
            "en-kommun-for-alla",
            "ekokommun-i-framkant",
            "utveckling",
            "hog-sysselsattning",
            "attraktivt-boende",
            "effektivitet",
            "bra-ekonomi",
            "bra-verksamhet"
        ]
    );
}

/// The issue of the first problem loading `source`.
fn first_issue(source: &str) -> Issue {
    load("x.ron", source).unwrap_err().problems.remove(0).issue
}

#[test]
fn every_type_refuses_unknown_fields() {
    for record in [
        Record::Document,
        Record::Vision,
        Record::Perspective,
        Record::Goal,
        Record::Contact,
    ] {
        let head = format!("{}(", record.name());
        let source = BUNDLED.replacen(&head, &format!("{head} bogus: \"x\","), 1);
        let Issue::UnknownField {
            found, expected, ..
        } = first_issue(&source)
        else {
            panic!("{head}: not an unknown field");
        };
        assert_eq!(found, "bogus", "{head}");
        // The schema's table names the fields serde knows, in serde's order.
        assert_eq!(expected, record.fields(), "{head}");
    }
}

#[test]
fn byte_order_mark_and_crlf_are_accepted() {
    let crlf = BUNDLED.replace('\n', "\r\n");
    assert!(load("x.ron", &format!("\u{feff}{crlf}")).is_ok());
    let broken = format!("\u{feff}{}", BUNDLED.replacen("title:", "titel:", 1));
    let e = load("x.ron", &broken).unwrap_err();
    let line = BUNDLED.lines().position(|l| l.contains("title:")).unwrap() + 1;
    assert_eq!(e.problems[0].position, Some((line, 5)));
}

#[test]
fn wrong_type_names_the_field_and_node() {
    let source = BUNDLED.replacen("title: \"Bra ekonomi\"", "title: 42", 1);
    let issue = first_issue(&source);
    assert_eq!(
        issue,
        Issue::WrongType {
            place: Place::Goal(1, 3, Some("effektivitet".into())),
            field: Some("title".into()),
            shape: Shape::Text,
        }
    );
    assert_eq!(
        issue.describe(Lang::En).0,
        "`title` in goal 1 of perspective \"effektivitet\" should be a string in double quotes"
    );
}

#[test]
fn ids_must_be_lowercase_ascii() {
    for bad in ["Bra-ekonomi", "bra ekonomi", "bra_ekonomi", "ekonomi✓"] {
        let source = BUNDLED.replace("\"bra-ekonomi\"", &format!("\"{bad}\""));
        assert!(matches!(first_issue(&source), Issue::BadId(..)), "{bad}");
    }
    assert_eq!(suggest_id("Hållbarhet & Ö"), "hallbarhet-o");
}

#[test]
fn a_long_line_is_shown_around_the_column() {
    let line = format!("{}X{}", "a".repeat(300), "b".repeat(300));
    let (text, caret) = excerpt(&line, 301);
    assert!(text::width(&text) <= EXCERPT_WIDTH + 2, "{text}");
    assert_eq!(text.chars().nth(caret.len() - 1), Some('X'));
    let (text, caret) = excerpt("\tå 漢字 x", 7);
    assert_eq!(text, "    å 漢字 x");
    assert_eq!(caret, format!("{}^", " ".repeat(11)));
}

#[test]
fn closest_field_name() {
    assert_eq!(closest("titel", &["id", "title", "text"]), Some("title"));
    assert_eq!(closest("zzzzzzzz", &["id", "title"]), None);
}

#[test]
fn an_empty_date_shows_no_label() {
    let says = |outline: &Outline, what: &str| {
        outline.nodes[0]
            .blocks
            .iter()
            .any(|b| b.text().contains(what))
    };
    let bundled = load(BUNDLED_NAME, BUNDLED).unwrap();
    assert!(!says(&bundled, "Sidan senast uppdaterad"));
    let dated = BUNDLED.replace("last_updated: \"\"", "last_updated: \"3 december 2026\"");
    let dated = load(BUNDLED_NAME, &dated).unwrap();
    assert!(says(&dated, "Sidan senast uppdaterad: 3 december 2026"));
}

#[test]
fn control_characters_in_any_text_are_errors_where_the_file_has_them() {
    let escaped = BUNDLED.replace(
        "title: \"Bra ekonomi\"",
        "title: \"Bra \\u{1b}[31mekonomi\"",
    );
    let e = load("x.ron", &escaped).unwrap_err();
    assert_eq!(e.problems.len(), 1);
    let line = escaped.lines().position(|l| l.contains("\\u{1b}")).unwrap();
    let column = escaped.lines().nth(line).unwrap().find('"').unwrap() + 1;
    assert_eq!(e.problems[0].position, Some((line + 1, column)));
    let message = e.render(Lang::En);
    assert!(
        message.starts_with(&format!(
            "x.ron:{}:{column}: the `title` of goal 1 of perspective \"effektivitet\" holds a control character (ESC, U+001B, which starts an escape sequence)",
            line + 1
        )),
        "{message}"
    );
    // Every text, a contact line and the date included; a tab and a CRLF line end are text.
    let many = BUNDLED
        .replace("\"Kansliavdelningen\"", "\"Kansli\\u{7}avdelningen\"")
        .replace("last_updated: \"\"", "last_updated: \"\\u{202e}2026\"")
        .replace(
            "organisation: \"Smedjebackens",
            "organisation: \"\\tSmedjebackens",
        )
        .replace("Kommunens vision", "Kommunens\\r\\nvision");
    let e = load("x.ron", &many).unwrap_err();
    let found: Vec<_> = e.problems.iter().map(|p| p.issue.clone()).collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        e.render(Lang::Sv)
            .contains("`lines` i kontaktblocket har ett styrtecken (U+0007)")
    );
    assert!(
        e.render(Lang::Sv)
            .contains("`last_updated` i dokumentet har ett styrtecken (U+202E)")
    );
}
