//! The Linux console draws only what its font has. The Console symbol set, and every screen
//! drawn with it, must use characters that the VGA ROM font (code page 437) and Debian's
//! console fonts draw with a glyph of their own: a character the font only maps onto another's
//! glyph (═ onto ─, ▼ onto ↓) does not show what it means. The fonts come from Debian's
//! `console-setup-linux` package, which `.ci/run` installs.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use malbild::app::{Action, App, Config};
use malbild::content::Outline;
use malbild::theme::{CONSOLE, Glyphs};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const FONTS: &str = "/usr/share/consolefonts";
/// Debian's default (Lat15-Fixed16) and the others its installer offers for Swedish.
const FONT_NAMES: [&str; 4] = [
    "Lat15-Fixed16",
    "Uni2-Fixed16",
    "Lat15-Terminus16",
    "Uni3-Terminus16",
];

/// Code page 437, the VGA ROM font, from 0x01 to 0xFF (0x00 and 0xFF are blanks, left out).
const CP437: &str = concat!(
    "☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼",
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`",
    "abcdefghijklmnopqrstuvwxyz{|}~⌂",
    "ÇüéâäåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»",
    "░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀",
    "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■",
);

/// One font's unicode table: for each character, the glyph it maps to and whether that glyph
/// is its own (the first character the table lists for the glyph).
struct Font {
    name: String,
    glyphs: BTreeMap<char, (usize, bool)>,
}

impl Font {
    fn load(name: &str) -> Font {
        let path = Path::new(FONTS).join(format!("{name}.psf.gz"));
        assert!(
            path.exists(),
            "{} is missing: install Debian's console-setup-linux package",
            path.display()
        );
        let out = Command::new("gzip")
            .arg("-dc")
            .arg(&path)
            .output()
            .expect("gzip runs");
        assert!(out.status.success(), "gzip -dc {}", path.display());
        let entries = unicode_table(&out.stdout);
        let mut glyphs = BTreeMap::new();
        for (glyph, chars) in entries.iter().enumerate() {
            for (i, &c) in chars.iter().enumerate() {
                glyphs.entry(c).or_insert((glyph, i == 0));
            }
        }
        Font {
            name: name.to_string(),
            glyphs,
        }
    }

    /// Why the font does not draw `c` as itself, if it does not.
    fn problem(&self, c: char) -> Option<String> {
        match self.glyphs.get(&c) {
            None => Some(format!(
                "{}: no glyph for {c:?} (U+{:04X})",
                self.name, c as u32
            )),
            Some((glyph, false)) => Some(format!(
                "{}: {c:?} (U+{:04X}) only borrows glyph {glyph}",
                self.name, c as u32
            )),
            Some(_) => None,
        }
    }
}

fn u16_at(d: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([d[at], d[at + 1]])
}

fn u32_at(d: &[u8], at: usize) -> usize {
    u32::from_le_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]]) as usize
}

/// The characters of each glyph, in the order the font lists them, from a PSF1 or PSF2 font's
/// unicode table (sequences of combining characters left out).
fn unicode_table(d: &[u8]) -> Vec<Vec<char>> {
    let mut out = Vec::new();
    if d.starts_with(&[0x36, 0x04]) {
        // PSF1: mode, glyph height; the table is 16-bit values, each glyph's ending in 0xFFFF,
        // its sequences after 0xFFFE.
        let (mode, size) = (d[2], usize::from(d[3]));
        assert!(mode & 0x06 != 0, "a PSF1 font without a unicode table");
        let count = if mode & 0x01 != 0 { 512 } else { 256 };
        let mut at = 4 + count * size;
        for _ in 0..count {
            let mut chars = Vec::new();
            let mut sequences = false;
            loop {
                let v = u16_at(d, at);
                at += 2;
                match v {
                    0xFFFF => break,
                    0xFFFE => sequences = true,
                    _ if !sequences => chars.extend(char::from_u32(u32::from(v))),
                    _ => {}
                }
            }
            out.push(chars);
        }
    } else {
        assert!(d.starts_with(&[0x72, 0xb5, 0x4a, 0x86]), "not a PSF font");
        // PSF2: a header of 32-bit fields; the table is UTF-8, each glyph's ending in 0xFF,
        // its sequences after 0xFE.
        let (header, flags, count, size) =
            (u32_at(d, 8), u32_at(d, 12), u32_at(d, 16), u32_at(d, 20));
        assert!(flags & 1 != 0, "a PSF2 font without a unicode table");
        let mut at = header + count * size;
        for _ in 0..count {
            let end = at + d[at..].iter().position(|&b| b == 0xFF).expect("table ends");
            let entry = &d[at..end];
            let singles = entry.split(|&b| b == 0xFE).next().unwrap_or_default();
            out.push(String::from_utf8_lossy(singles).chars().collect());
            at = end + 1;
        }
    }
    out
}

fn fonts() -> Vec<Font> {
    FONT_NAMES.iter().map(|n| Font::load(n)).collect()
}

/// Why `c` would not show as itself on the console, if it would not.
fn problems(fonts: &[Font], c: char) -> Vec<String> {
    let mut out = Vec::new();
    if !CP437.contains(c) {
        out.push(format!(
            "VGA ROM font (CP437): no {c:?} (U+{:04X})",
            c as u32
        ));
    }
    out.extend(fonts.iter().filter_map(|f| f.problem(c)));
    out
}

/// Every string the Console symbol set draws.
fn console_symbols() -> Vec<&'static str> {
    let s = &CONSOLE;
    let mut out = s.texts().to_vec();
    out.extend(s.focus_mark);
    out.extend(s.arrows.into_iter().flatten());
    for set in [s.border, s.focus_border] {
        out.extend([
            set.top_left,
            set.top_right,
            set.bottom_left,
            set.bottom_right,
            set.vertical_left,
            set.vertical_right,
            set.horizontal_top,
            set.horizontal_bottom,
        ]);
    }
    out
}

#[test]
fn the_tables_are_read_right() {
    // The checks below are only as good as the reading of the tables: known facts about them.
    let fonts = fonts();
    for f in &fonts {
        for c in ['A', 'å', 'Ö', '─', '│', '·', '»', '↓'] {
            assert_eq!(f.problem(c), None, "{c:?}");
        }
        assert!(f.problem('►').is_some(), "{} has no ►", f.name);
        assert!(f.problem('═').is_some(), "{} draws ═ as ─", f.name);
        assert!(f.problem('▼').is_some(), "{} draws ▼ as ↓", f.name);
    }
    assert!(problems(&fonts, '€').iter().any(|p| p.contains("CP437")));
}

#[test]
fn the_console_symbols_are_in_every_console_font() {
    let fonts = fonts();
    let mut bad = Vec::new();
    for symbol in console_symbols() {
        for c in symbol.chars() {
            bad.extend(problems(&fonts, c));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn the_focused_pane_is_marked_in_a_way_the_console_draws() {
    // Double lines are not drawn as such, so the focus needs a mark the fonts have.
    assert_eq!(CONSOLE.border, CONSOLE.focus_border);
    let mark = CONSOLE.focus_mark.expect("a focus mark");
    assert!(!mark.trim().is_empty());
}

/// Every character on the screens drawn with the Console set: the symbols, the interface text,
/// and the document's text.
#[test]
fn console_screens_use_only_what_the_fonts_draw() {
    let fonts = fonts();
    let screens: &[&[Action]] = &[
        &[],
        &[Action::Down, Action::Down, Action::Read],
        &[
            Action::Down,
            Action::Down,
            Action::FocusNext,
            Action::PageDown,
        ],
        &[Action::Left],
        &[Action::Help],
        &[
            Action::SearchOpen,
            Action::SearchInput("eko".into()),
            Action::SearchDone,
        ],
    ];
    let outline = Outline::bundled();
    let mut bad = BTreeMap::new();
    for kiosk in [false, true] {
        for (w, h) in [(80, 24), (40, 12)] {
            for actions in screens {
                let now = Instant::now();
                let config = Config {
                    glyphs: Glyphs::Console,
                    kiosk,
                    ..Config::default()
                };
                let mut app = App::new(outline.clone(), config, now);
                app.update(
                    Action::Resize {
                        width: w,
                        height: h,
                    },
                    now,
                );
                for a in actions.iter() {
                    app.update(a.clone(), now);
                }
                let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
                term.draw(|f| f.render_widget(&app, f.area())).unwrap();
                for cell in term.backend().buffer().content() {
                    for c in cell.symbol().chars() {
                        for p in problems(&fonts, c) {
                            bad.entry(p)
                                .or_insert_with(|| format!("{w}x{h} after {actions:?}"));
                        }
                    }
                }
            }
        }
    }
    // And the text of every node, which not every screen above shows.
    let mut app = App::new(
        outline.clone(),
        Config {
            glyphs: Glyphs::Console,
            ..Config::default()
        },
        Instant::now(),
    );
    for node in 0..outline.nodes.len() {
        app.selected = node;
        for line in app.detail_lines() {
            for c in line.text.chars() {
                for p in problems(&fonts, c) {
                    bad.entry(p).or_insert_with(|| format!("node {node}"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}
