//! Contrast of every drawn character on xterm's default 16-colour palette, on a black and on a
//! white background: at least 3:1 for every character, 4.5:1 for letters and digits (the text
//! people read). Default colours, reverse video and bold count: xterm draws bold text in colours
//! 0–7 in their bright versions (its `boldColors`), other terminals do not, so both are checked.
//!
//! `cargo test --test contrast -- --nocapture` prints the worst contrast found.

use std::time::Instant;

#[path = "common/palette.rs"]
mod palette;

use malbild::app::{Action, App, Config};
use malbild::content::Outline;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::widgets::Widget;

/// xterm's default palette, colours 0–15.
const XTERM: [u32; 16] = [
    0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5, 0x7f7f7f,
    0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
];

/// A terminal's default foreground and background.
#[derive(Debug, Clone, Copy)]
struct Background {
    name: &'static str,
    fg: u32,
    bg: u32,
}

const BACKGROUNDS: [Background; 2] = [
    Background {
        name: "black",
        fg: 0xe5e5e5,
        bg: 0x000000,
    },
    Background {
        name: "white",
        fg: 0x000000,
        bg: 0xffffff,
    },
];

/// The palette index of a named colour, `None` for the terminal's default.
fn index(colour: Color) -> Option<usize> {
    match colour {
        Color::Reset => None,
        other => Some(
            palette::base16(other)
                .unwrap_or_else(|| panic!("a colour outside the 16 base colours: {other:?}")),
        ),
    }
}

/// WCAG relative luminance of an sRGB colour.
fn luminance(rgb: u32) -> f64 {
    let channel = |shift: u32| {
        let c = f64::from((rgb >> shift) & 0xff) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
}

fn ratio(a: u32, b: u32) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// The colours a cell is drawn in: foreground, background.
fn drawn(
    fg: Color,
    bg: Color,
    modifier: Modifier,
    on: Background,
    bright_bold: bool,
) -> (u32, u32) {
    let fg = match index(fg) {
        Some(i) if i < 8 && bright_bold && modifier.contains(Modifier::BOLD) => XTERM[i + 8],
        Some(i) => XTERM[i],
        None => on.fg,
    };
    let bg = index(bg).map_or(on.bg, |i| XTERM[i]);
    if modifier.contains(Modifier::REVERSED) {
        (bg, fg)
    } else {
        (fg, bg)
    }
}

/// The worst contrast in `buf`: (for letters and digits, for any other character), each with
/// where it was.
fn worst(buf: &Buffer, on: Background) -> ((f64, String), (f64, String)) {
    let mut text = (f64::MAX, String::new());
    let mut other = (f64::MAX, String::new());
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            let symbol = cell.symbol();
            if symbol.trim().is_empty() {
                continue;
            }
            for bright_bold in [false, true] {
                let (fg, bg) = drawn(cell.fg, cell.bg, cell.modifier, on, bright_bold);
                let r = ratio(fg, bg);
                let slot = if symbol.chars().any(char::is_alphanumeric) {
                    &mut text
                } else {
                    &mut other
                };
                if r < slot.0 {
                    *slot = (
                        r,
                        format!(
                            "{symbol:?} at ({x},{y}) {:?} on {:?} {:?}",
                            cell.fg, cell.bg, cell.modifier
                        ),
                    );
                }
            }
        }
    }
    (text, other)
}

fn screens() -> Vec<(String, App)> {
    let normal = Config {
        colour: true,
        mouse: true,
        ..Config::default()
    };
    let kiosk = Config {
        kiosk: true,
        ..normal.clone()
    };
    let reader = Config {
        screen_reader: true,
        ..normal.clone()
    };
    let search = |word: &str| {
        vec![
            Action::SearchOpen,
            Action::SearchInput(word.into()),
            Action::SearchDone,
        ]
    };
    let cases: Vec<(&str, Config, Vec<Action>)> = vec![
        ("start", normal.clone(), vec![]),
        ("a goal", normal.clone(), vec![Action::Jump(3)]),
        (
            "a goal's text",
            normal.clone(),
            vec![Action::Jump(3), Action::Read],
        ),
        ("the help", normal.clone(), vec![Action::Help]),
        (
            "typing a search",
            normal.clone(),
            vec![Action::SearchOpen, Action::SearchInput("eko".into())],
        ),
        ("a search's matches", normal.clone(), search("kommun")),
        ("colour toggled", normal.clone(), vec![Action::ToggleColour]),
        ("kiosk", kiosk.clone(), vec![]),
        ("kiosk help", kiosk, vec![Action::Help]),
        ("screen reader", reader.clone(), vec![]),
        ("screen reader text", reader, vec![Action::Read]),
    ];
    let mut out = Vec::new();
    for (w, h) in [(80, 24), (40, 12)] {
        for (name, config, actions) in &cases {
            let now = Instant::now();
            let mut app = App::new(Outline::bundled(), config.clone(), now);
            app.update(
                Action::Resize {
                    width: w,
                    height: h,
                },
                now,
            );
            for a in actions {
                app.update(a.clone(), now);
            }
            out.push((format!("{name} at {w}×{h}"), app));
        }
    }
    out
}

#[test]
fn every_character_stands_out_on_black_and_on_white() {
    let mut failures = Vec::new();
    let mut worst_text = (f64::MAX, String::new());
    let mut worst_other = (f64::MAX, String::new());
    for (name, app) in screens() {
        let area = Rect::new(0, 0, app.width, app.height);
        let mut buf = Buffer::empty(area);
        app.render(area, &mut buf);
        for on in BACKGROUNDS {
            let (text, other) = worst(&buf, on);
            let at = |(r, w): &(f64, String)| (*r, format!("{name}, on {}: {w}", on.name));
            if text.0 < worst_text.0 {
                worst_text = at(&text);
            }
            if other.0 < worst_other.0 {
                worst_other = at(&other);
            }
            if text.0 < 4.5 {
                failures.push(format!("text {:.2}:1 — {}", text.0, at(&text).1));
            }
            if other.0 < 3.0 {
                failures.push(format!("other {:.2}:1 — {}", other.0, at(&other).1));
            }
        }
    }
    println!(
        "worst contrast: text {:.2}:1 ({}); other characters {:.2}:1 ({})",
        worst_text.0, worst_text.1, worst_other.0, worst_other.1
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
