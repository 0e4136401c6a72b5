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

/// The bundled document with `translations` added before its closing parenthesis.
fn with_translations(translations: &str) -> String {
    let end = BUNDLED.rfind(')').unwrap();
    format!(
        "{}    translations: [\n{translations}    ],\n{}",
        &BUNDLED[..end],
        &BUNDLED[end..]
    )
}

/// A translation into `lang` of every node of the bundled document, each node's title and
/// text its id with `lang` before it, and `extra` nodes after them.
fn translation(lang: &str, extra: &str) -> String {
    let outline = Outline::bundled();
    let mut nodes = String::new();
    for id in outline.ids() {
        nodes.push_str(&format!(
            "                Node(id: \"{id}\", title: \"{lang} {id}\", text: \"{lang} text {id}\"),\n"
        ));
    }
    format!(
        "        Translation(
            lang: \"{lang}\",
            organisation: \"{lang} organisation\",
            title: \"{lang} title\",
            introduction: \"{lang} introduction\",
            nodes: [
{nodes}{extra}            ],
            contact: Contact(title: \"{lang} contact\", lines: [\"{lang} line\"]),
            last_updated_label: \"{lang} updated:\",
        ),
"
    )
}

/// Line and column of the first `needle` in `source`, as the loader counts them.
fn position_of(source: &str, needle: &str) -> (usize, usize) {
    let line = source.lines().position(|l| l.contains(needle)).unwrap();
    let text = source.lines().nth(line).unwrap();
    let column = text[..text.find(needle).unwrap()].chars().count() + 1;
    (line + 1, column)
}

#[test]
fn a_translation_gives_every_node_in_its_language_and_keeps_the_tree() {
    let source = with_translations(&translation("fi", ""));
    let outline = load("x.ron", &source).expect("a whole translation loads");
    assert_eq!(outline.lang, Lang::Sv);
    assert_eq!(outline.translations.len(), 1);
    let fi = outline.in_lang(Lang::Fi);
    assert_eq!(fi.lang, Lang::Fi);
    assert_eq!(fi.organisation, "fi organisation");
    assert_eq!(fi.ids(), outline.ids());
    for (own, translated) in outline.nodes.iter().zip(&fi.nodes) {
        assert_eq!(translated.title, format!("fi {}", own.id));
        assert_eq!((translated.kind, translated.parent), (own.kind, own.parent));
        assert_eq!(translated.children, own.children);
    }
    // A perspective lists its goals by their translated titles.
    let p = fi.find("effektivitet").unwrap();
    assert!(
        fi.nodes[p]
            .blocks
            .contains(&Block::Item("fi bra-ekonomi".into()))
    );
    let texts: Vec<&str> = fi.nodes[0].blocks.iter().map(Block::text).collect();
    assert_eq!(
        texts,
        ["fi text vision", "fi introduction", "fi contact", "fi line"]
    );
    // No English translation: English readers get the Swedish.
    assert_eq!(outline.in_lang(Lang::En).lang, Lang::Sv);
    assert_eq!(outline.in_lang(Lang::Sv).title, "Vision och mål");
}

#[test]
fn a_translation_must_be_into_fi_or_en_and_only_once() {
    let source = with_translations(&translation("se", ""));
    let e = load("x.ron", &source).unwrap_err();
    assert_eq!(e.problems[0].issue, Issue::UnknownLanguage("se".into()));
    assert_eq!(e.problems[0].position, Some(position_of(&source, "\"se\"")));
    assert!(
        e.render(Lang::Fi)
            .contains("käännöksen kieli \"se\" on tuntematon")
    );

    let source = with_translations(&(translation("fi", "") + &translation("fi", "")));
    let e = load("x.ron", &source).unwrap_err();
    assert_eq!(e.problems.len(), 1, "{}", e.render(Lang::En));
    let first = position_of(&source, "Translation(");
    assert_eq!(
        e.problems[0].issue,
        Issue::DuplicateTranslation {
            lang: "fi".into(),
            first: Some(first)
        }
    );
    let second = source.match_indices("lang: \"fi\"").nth(1).unwrap().0;
    let line = source[..second].lines().count();
    assert_eq!(e.problems[0].position.map(|p| p.0), Some(line));
}

#[test]
fn a_translation_names_each_node_once_and_only_the_documents() {
    let typo = "                Node(id: \"bra-ekonomy\", title: \"x\", text: \"y\"),\n";
    let twice = "                Node(id: \"vision\", title: \"x\", text: \"y\"),\n";
    let source = with_translations(&translation("fi", &format!("{typo}{twice}")));
    let e = load("x.ron", &source).unwrap_err();
    let issues: Vec<&Issue> = e.problems.iter().map(|p| &p.issue).collect();
    assert_eq!(issues.len(), 2, "{}", e.render(Lang::En));
    assert!(
        matches!(issues[0], Issue::UnknownNode { id, place: Place::Node { n: 11, .. }, nearest: Some(near) } if id == "bra-ekonomy" && near == "bra-ekonomi")
    );
    assert_eq!(
        e.problems[0].position,
        Some(position_of(&source, "\"bra-ekonomy\""))
    );
    assert!(matches!(issues[1], Issue::DuplicateId { id, .. } if id == "vision"));
    assert!(
        e.render(Lang::En)
            .contains("\"bra-ekonomy\" in the \"fi\" translation: the document has no node with the id \"bra-ekonomy\"")
    );
}

#[test]
fn a_translation_that_misses_nodes_names_each_at_its_list() {
    let whole = translation("fi", "");
    let partial: String = whole
        .lines()
        .filter(|l| !l.contains("\"bra-ekonomi\"") && !l.contains("\"utveckling\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let source = with_translations(&partial);
    let e = load("x.ron", &source).unwrap_err();
    let nodes_at = position_of(&source, "nodes:");
    let missing: Vec<(&str, Option<(usize, usize)>)> = e
        .problems
        .iter()
        .map(|p| match &p.issue {
            Issue::Untranslated { id, .. } => (id.as_str(), p.position),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        missing,
        [
            ("utveckling", Some(nodes_at)),
            ("bra-ekonomi", Some(nodes_at))
        ]
    );
    let report = e.render(Lang::Sv);
    assert!(
        report.contains("översättningen \"fi\" saknar \"bra-ekonomi\" (Bra ekonomi)"),
        "{report}"
    );
    assert!(
        report.contains("lägg till Node(id: \"bra-ekonomi\""),
        "{report}"
    );
}

#[test]
fn a_translations_texts_are_checked_like_the_documents() {
    let source = with_translations(&translation("fi", ""))
        .replace("\"fi bra-ekonomi\"", "\"fi \\u{1b}[2Jbra\"")
        .replace("\"fi text hog-sysselsattning\"", "\"  \"")
        .replace("\"fi line\"", "\"fi \\u{7}line\"");
    let e = load("x.ron", &source).unwrap_err();
    let report = e.render(Lang::En);
    assert_eq!(e.problems.len(), 3, "{report}");
    assert!(
        report.contains("the `text` of \"hog-sysselsattning\" in the \"fi\" translation is empty"),
        "{report}"
    );
    assert!(
        report.contains("the `title` of \"bra-ekonomi\" in the \"fi\" translation holds a control character (ESC"),
        "{report}"
    );
    assert!(
        report.contains("the `lines` of the \"fi\" translation holds a control character (U+0007)"),
        "{report}"
    );
    assert_eq!(
        e.problems[1].position,
        Some(position_of(&source, "\"fi \\u{1b}"))
    );
}

#[test]
fn the_translation_records_refuse_unknown_fields_and_are_named_in_the_message() {
    let source = with_translations(&translation("fi", ""));
    for record in [Record::Translation, Record::Node] {
        let head = format!("{}(", record.name());
        let bogus = source.replacen(&head, &format!("{head}bogus: \"x\", "), 1);
        let Issue::UnknownField {
            found,
            expected,
            place,
        } = first_issue(&bogus)
        else {
            panic!("{head}: not an unknown field");
        };
        assert_eq!(found, "bogus");
        assert_eq!(expected, record.fields());
        let want = match record {
            Record::Translation => Place::Translation(1, Some("fi".into())),
            _ => Place::Node {
                n: 1,
                id: Some("vision".into()),
                translation: 1,
                lang: Some("fi".into()),
            },
        };
        assert_eq!(place, want, "{head}");
    }
}
