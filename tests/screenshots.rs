//! Screenshots as SVG, drawn from the same buffer the terminal gets: an exact cell grid in a
//! monospace font, the 16 terminal colours mapped to one fixed palette, reverse video, bold and
//! underline honoured.
//!
//! The committed files in `screenshots/` must match what the app draws now. After a deliberate
//! change to the interface, rewrite them with `UPDATE_SCREENSHOTS=1 cargo test --test screenshots`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

#[path = "common/palette.rs"]
mod palette;

use malbild::app::{Action, App, Config};
use malbild::content::Outline;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// One cell, in pixels.
const CELL_W: u32 = 9;
const CELL_H: u32 = 18;
/// Space around the grid, in pixels.
const PAD: u32 = 8;
const FONT_SIZE: u32 = 15;
/// From a cell's top to the text's baseline.
const BASELINE: u32 = 14;

/// The terminal's own colours, for `Color::Reset`.
const DEFAULT_FG: &str = "#d4d4d4";
const DEFAULT_BG: &str = "#1e1e1e";

/// The 16 base colours, in ANSI order.
const PALETTE: [&str; 16] = [
    "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
];

/// A colour as the palette shows it; `None` for the terminal's default.
fn rgb(colour: Color) -> Option<String> {
    let index = match colour {
        Color::Reset => return None,
        Color::Rgb(r, g, b) => return Some(format!("#{r:02x}{g:02x}{b:02x}")),
        other => palette::base16(other)
            .unwrap_or_else(|| panic!("{other:?} is outside the 16 colours a screenshot shows")),
    };
    Some(PALETTE[index].to_string())
}

/// The colours a cell is drawn in, reverse video applied.
fn colours(cell: &Cell) -> (String, String) {
    let fg = rgb(cell.fg).unwrap_or_else(|| DEFAULT_FG.to_string());
    let bg = rgb(cell.bg).unwrap_or_else(|| DEFAULT_BG.to_string());
    if cell.modifier.contains(Modifier::REVERSED) {
        (bg, fg)
    } else {
        (fg, bg)
    }
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

/// How a run of text is drawn: every cell in a run shares it.
#[derive(PartialEq, Eq, Clone)]
struct TextStyle {
    fill: String,
    bold: bool,
    italic: bool,
    underline: bool,
}

fn text_style(cell: &Cell) -> TextStyle {
    TextStyle {
        fill: colours(cell).0,
        bold: cell.modifier.contains(Modifier::BOLD),
        italic: cell.modifier.contains(Modifier::ITALIC),
        underline: cell.modifier.contains(Modifier::UNDERLINED),
    }
}

/// One `<text>` for a run of cells, each character placed on its own cell.
fn push_text(out: &mut String, y: u16, style: &TextStyle, glyphs: &[(u16, &str)]) {
    let xs: Vec<String> = glyphs
        .iter()
        .map(|(x, _)| (PAD + u32::from(*x) * CELL_W).to_string())
        .collect();
    let baseline = PAD + u32::from(y) * CELL_H + BASELINE;
    write!(
        out,
        r#"<text x="{}" y="{baseline}" fill="{}""#,
        xs.join(" "),
        style.fill
    )
    .unwrap();
    if style.bold {
        out.push_str(r#" font-weight="bold""#);
    }
    if style.italic {
        out.push_str(r#" font-style="italic""#);
    }
    if style.underline {
        out.push_str(r#" text-decoration="underline""#);
    }
    out.push('>');
    for (_, symbol) in glyphs {
        escape(symbol, out);
    }
    out.push_str("</text>\n");
}

/// The buffer as an SVG image.
fn svg(buf: &Buffer) -> String {
    let (cols, rows) = (u32::from(buf.area.width), u32::from(buf.area.height));
    let (w, h) = (cols * CELL_W + 2 * PAD, rows * CELL_H + 2 * PAD);
    let mut out = String::new();
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#
    )
    .unwrap();
    writeln!(
        out,
        r#"<rect width="{w}" height="{h}" rx="6" fill="{DEFAULT_BG}"/>"#
    )
    .unwrap();
    writeln!(
        out,
        r#"<g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{FONT_SIZE}" xml:space="preserve" style="white-space: pre">"#
    )
    .unwrap();
    for y in 0..buf.area.height {
        // Backgrounds: one rectangle per run of the same colour, the default left out.
        let mut x = 0u16;
        while x < buf.area.width {
            let bg = colours(&buf[(x, y)]).1;
            let start = x;
            while x < buf.area.width && colours(&buf[(x, y)]).1 == bg {
                x += 1;
            }
            if bg != DEFAULT_BG {
                writeln!(
                    out,
                    r#"<rect x="{}" y="{}" width="{}" height="{CELL_H}" fill="{bg}"/>"#,
                    PAD + u32::from(start) * CELL_W,
                    PAD + u32::from(y) * CELL_H,
                    u32::from(x - start) * CELL_W
                )
                .unwrap();
            }
        }
        // Text: runs of one style; a cluster of several characters gets a text of its own, so
        // every character sits exactly on its cell.
        let mut run: Vec<(u16, &str)> = Vec::new();
        let mut run_style: Option<TextStyle> = None;
        let mut x = 0u16;
        while x < buf.area.width {
            let cell = &buf[(x, y)];
            let symbol = cell.symbol();
            let style = text_style(cell);
            let single = symbol.chars().count() == 1;
            let blank = symbol == " " && !style.underline;
            if run_style.as_ref() != Some(&style) || !single || blank {
                if let Some(s) = run_style.take() {
                    push_text(&mut out, y, &s, &run);
                }
                run.clear();
            }
            if !blank {
                if single {
                    run.push((x, symbol));
                    run_style = Some(style);
                } else {
                    push_text(&mut out, y, &style, &[(x, symbol)]);
                }
            }
            x += u16::try_from(symbol.width().max(1)).unwrap_or(1);
        }
        if let Some(s) = run_style.take() {
            push_text(&mut out, y, &s, &run);
        }
    }
    out.push_str("</g>\n</svg>\n");
    out
}

fn app(width: u16, height: u16, actions: &[Action]) -> App {
    let now = Instant::now();
    let config = Config {
        colour: true,
        mouse: true,
        ..Config::default()
    };
    let mut app = App::new(Outline::bundled(), config, now);
    app.update(Action::Resize { width, height }, now);
    for a in actions {
        app.update(a.clone(), now);
    }
    app
}

fn render(app: &App) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal.draw(|f| f.render_widget(app, f.area())).unwrap();
    terminal.backend().buffer().clone()
}

/// Compares the screenshot with the committed file, or rewrites it when asked to.
fn check(name: &str, app: &App) {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "screenshots", name]
        .iter()
        .collect();
    let image = svg(&render(app));
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some_and(|v| v != "0") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &image).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run UPDATE_SCREENSHOTS=1 cargo test --test screenshots",
            path.display()
        )
    });
    assert!(
        committed == image,
        "{} differs from what the app draws now; if the change is meant, run \
         UPDATE_SCREENSHOTS=1 cargo test --test screenshots and look at the result",
        path.display()
    );
}

#[test]
fn start() {
    check("start.svg", &app(80, 24, &[]));
}

#[test]
fn goal() {
    check("goal.svg", &app(80, 24, &[Action::Jump(3), Action::Read]));
}

#[test]
fn help() {
    check("help.svg", &app(80, 24, &[Action::Help]));
}

#[test]
fn stacked_40x12() {
    check("stacked-40x12.svg", &app(40, 12, &[Action::Jump(1)]));
}

#[test]
fn search() {
    let mut actions = vec![Action::SearchOpen];
    actions.extend(
        "hållbar"
            .chars()
            .map(|c| Action::SearchInput(c.to_string())),
    );
    actions.push(Action::SearchDone);
    actions.push(Action::NextMatch);
    check("search.svg", &app(80, 24, &actions));
}

// The writer itself.

#[test]
fn svg_escapes_and_places_every_character_on_its_cell() {
    let buf = Buffer::with_lines(["a<&\"'>b"]);
    let image = svg(&buf);
    assert!(
        image.contains(">a&lt;&amp;&quot;&apos;&gt;b</text>"),
        "{image}"
    );
    let xs: Vec<String> = (0..7).map(|i| (PAD + i * CELL_W).to_string()).collect();
    assert!(
        image.contains(&format!(r#"x="{}""#, xs.join(" "))),
        "{image}"
    );
    assert_eq!(image.matches("<rect").count(), 1, "only the background");
}

#[test]
fn svg_honours_reverse_bold_colours_and_wide_cells() {
    let mut buf = Buffer::with_lines(["ab漢c"]);
    buf[(0, 0)].modifier = Modifier::REVERSED;
    buf[(1, 0)].modifier = Modifier::BOLD;
    buf[(1, 0)].fg = Color::Yellow;
    buf[(1, 0)].bg = Color::Blue;
    let image = svg(&buf);
    // Reverse video: the default foreground becomes the background, and the other way round.
    assert!(
        image.contains(&format!(
            r#"<rect x="{PAD}" y="{PAD}" width="{CELL_W}" height="{CELL_H}" fill="{DEFAULT_FG}"/>"#
        )),
        "{image}"
    );
    assert!(image.contains(&format!(r#"fill="{DEFAULT_BG}">a</text>"#)));
    assert!(image.contains(&format!(
        r#"fill="{}" font-weight="bold">b</text>"#,
        PALETTE[3]
    )));
    assert!(image.contains(&format!(
        r#"width="{CELL_W}" height="{CELL_H}" fill="{}""#,
        PALETTE[4]
    )));
    // The wide character takes two cells: the next one starts two cells on.
    let x_wide = PAD + 2 * CELL_W;
    let x_after = PAD + 4 * CELL_W;
    assert!(
        image.contains(&format!(r#"x="{x_wide} {x_after}""#)),
        "{image}"
    );
}
