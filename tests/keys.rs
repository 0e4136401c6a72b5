//! The key table in `keymap::BINDINGS` is what the keymap does; the help (every language, both
//! modes) and the README's key table must say the same.

use std::time::Instant;

use malbild::app::{Action, App, Config};
use malbild::content::Outline;
use malbild::i18n::Lang;
use malbild::keymap::{self, BINDINGS, Context};
use malbild::ui;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

/// The keys a name in the help or the README stands for; `None` for what is no key (the mouse).
fn named(name: &str) -> Option<Vec<(KeyCode, KeyModifiers)>> {
    let plain = |c| Some(vec![(c, KeyModifiers::NONE)]);
    match name {
        "↑" => plain(KeyCode::Up),
        "↓" => plain(KeyCode::Down),
        "←" => plain(KeyCode::Left),
        "→" => plain(KeyCode::Right),
        "Enter" => plain(KeyCode::Enter),
        "Mellanslag" | "Space" | "Välilyönti" => plain(KeyCode::Char(' ')),
        "Home" => plain(KeyCode::Home),
        "End" => plain(KeyCode::End),
        "PgUp" => plain(KeyCode::PageUp),
        "PgDn" => plain(KeyCode::PageDown),
        "Tab" => plain(KeyCode::Tab),
        "Shift-Tab" => Some(vec![(KeyCode::BackTab, KeyModifiers::SHIFT)]),
        "Esc" => plain(KeyCode::Esc),
        "F1" => plain(KeyCode::F(1)),
        "Ctrl-C" => Some(vec![(KeyCode::Char('c'), KeyModifiers::CONTROL)]),
        range if range.len() > 1 && range.contains(['–', '-']) && range.starts_with('1') => {
            let last = range.trim_start_matches('1').trim_start_matches(['–', '-']);
            let last: char = last.parse().expect("a digit");
            Some(
                ('1'..=last)
                    .map(|c| (KeyCode::Char(c), KeyModifiers::NONE))
                    .collect(),
            )
        }
        "Mus" | "Mouse" | "mouse" | "Hiiri" => None,
        one if one.chars().count() == 1 => {
            let c = one.chars().next().unwrap();
            let m = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            Some(vec![(KeyCode::Char(c), m)])
        }
        other => panic!("a key name the test does not know: {other:?}"),
    }
}

fn action(code: KeyCode, modifiers: KeyModifiers, kiosk: bool) -> Option<Action> {
    let cx = Context {
        kiosk,
        ..Context::default()
    };
    keymap::map(&Event::Key(KeyEvent::new(code, modifiers)), cx)
}

/// Every key named in `columns` does something in that mode, and (with `complete`) every key
/// of the table that the mode has is named.
fn check(what: &str, columns: &[String], kiosk: bool, complete: bool) {
    let mut documented = Vec::new();
    for column in columns {
        for name in column.split_whitespace() {
            for (code, m) in named(name).unwrap_or_default() {
                if let KeyCode::Char(d @ '0'..='9') = code {
                    let goals = Outline::bundled().goals().count();
                    assert!(
                        d.to_digit(10).is_some_and(|d| d as usize <= goals),
                        "{what}: {name} names digit {d}, but there are {goals} goals"
                    );
                }
                let got = action(code, m, kiosk);
                assert!(
                    !matches!(got, None | Some(Action::Touch)),
                    "{what}: {name} is documented but does nothing"
                );
                documented.push(code);
            }
        }
    }
    if complete {
        for b in BINDINGS.iter().filter(|b| b.kiosk || !kiosk) {
            for key in b.keys {
                assert!(
                    documented.contains(key),
                    "{what}: {key:?} ({:?}) is not documented",
                    b.action
                );
            }
        }
        // The digits reach the document's goals, no further.
        let goals = Outline::bundled().goals().count().min(9);
        for digit in ('0'..='9').take(goals + 1) {
            assert!(
                documented.contains(&KeyCode::Char(digit)),
                "{what}: {digit}"
            );
        }
    }
}

#[test]
fn the_table_is_what_the_keymap_does() {
    for b in BINDINGS {
        for &key in b.keys {
            let m = match key {
                KeyCode::Char(c) if c.is_uppercase() => KeyModifiers::SHIFT,
                KeyCode::BackTab => KeyModifiers::SHIFT,
                _ => KeyModifiers::NONE,
            };
            assert_eq!(action(key, m, false), Some(b.action.clone()), "{key:?}");
            let in_kiosk = if b.kiosk {
                b.action.clone()
            } else {
                Action::Touch
            };
            assert_eq!(action(key, m, true), Some(in_kiosk), "{key:?} in a kiosk");
        }
    }
}

#[test]
fn the_help_names_every_key_and_only_keys() {
    for lang in Lang::ALL {
        let s = lang.strings();
        let goals = Outline::bundled().goals().count().to_string();
        let keys: Vec<String> = s
            .help_keys
            .iter()
            .map(|(k, _)| k.replace("{n}", &goals))
            .collect();
        check(&format!("help {lang:?}"), &keys, false, true);
        // The kiosk's help is shorter on purpose; what it names must work there.
        let keys: Vec<String> = s
            .kiosk_help_keys
            .iter()
            .map(|(k, _)| k.replace("{n}", &goals))
            .collect();
        check(&format!("kiosk help {lang:?}"), &keys, true, false);
    }
}

#[test]
fn the_readme_names_every_key() {
    let readme = include_str!("../README.md");
    let table = readme
        .split("## Keys")
        .nth(1)
        .expect("a Keys section")
        .split("\n\n")
        .nth(1)
        .expect("its table");
    let columns: Vec<String> = table
        .lines()
        .skip(2)
        .map(|row| {
            let first = row.split('|').nth(1).unwrap_or("");
            first
                .split('`')
                .skip(1)
                .step_by(2)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    check("README", &columns, false, true);
}

/// The hint bar names keys that do what it says, wherever the user is: in each state below,
/// every key it shows maps to an action (never to nothing) in that state's context.
#[test]
fn the_hint_bar_names_keys_that_work_there() {
    let searched = || {
        vec![
            Action::SearchOpen,
            Action::SearchInput("eko".into()),
            Action::SearchDone,
        ]
    };
    let states: Vec<(&str, bool, bool, Vec<Action>)> = vec![
        ("start", false, false, vec![]),
        ("text", false, false, vec![Action::FocusNext]),
        ("help", false, false, vec![Action::Help]),
        ("typing a search", false, false, vec![Action::SearchOpen]),
        ("after a search", false, false, searched()),
        ("screen reader", false, true, vec![]),
        ("kiosk", true, false, vec![]),
        ("kiosk text", true, false, vec![Action::FocusNext]),
        ("kiosk after a search", true, false, searched()),
    ];
    for (name, kiosk, screen_reader, actions) in states {
        let now = Instant::now();
        let config = Config {
            kiosk,
            screen_reader,
            ..Config::default()
        };
        let mut app = App::new(Outline::bundled(), config, now);
        for a in actions {
            let _ = app.update(a, now);
        }
        let hints = ui::hints(&app);
        assert!(!hints.is_empty(), "{name}");
        let cx = Context::of(&app, None);
        for (key, what, _) in hints {
            // "↑↓", "←→" and "n/N" stand for two keys each.
            let names: Vec<String> = match key.as_str() {
                "↑↓" | "←→" => key.chars().map(String::from).collect(),
                k if k.contains('/') && k.len() > 1 => k.split('/').map(String::from).collect(),
                k => vec![k.to_string()],
            };
            for n in names {
                for (code, m) in named(&n).unwrap() {
                    let got = keymap::map(&Event::Key(KeyEvent::new(code, m)), cx);
                    assert!(
                        !matches!(got, None | Some(Action::Touch)),
                        "{name}: the hint {n} ({what}) does nothing here"
                    );
                }
            }
        }
    }
}
