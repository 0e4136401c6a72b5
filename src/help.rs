//! The help overlay's content and box, shared by `update` (to scroll it) and the view.

use ratatui::layout::Rect;

use crate::i18n::Strings;
use crate::text::{self, width};
use crate::theme::Symbols;

/// One line of the help: a key column (empty on continuation lines) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLine {
    pub key: String,
    pub text: String,
    /// The closing line ("Esc or ? closes the help").
    pub footer: bool,
}

/// Where the help box goes on a `screen`, for a help of `lines` lines: centred, as tall as it
/// needs up to the screen less its top and bottom rows. `plain` (screen-reader mode): no box,
/// the whole screen between the title and the hint bar, so a braille line holds only text.
pub fn area(screen: Rect, lines: usize, plain: bool) -> Rect {
    if plain {
        return body(screen);
    }
    let box_width = screen.width.saturating_sub(4).min(72);
    let wanted = u16::try_from(lines).unwrap_or(u16::MAX).saturating_add(2);
    let height = wanted.min(screen.height.saturating_sub(2));
    Rect::new(
        screen.x + (screen.width.saturating_sub(box_width)) / 2,
        screen.y + (screen.height.saturating_sub(height)) / 2,
        box_width,
        height,
    )
}

/// The screen less its title and hint rows.
fn body(screen: Rect) -> Rect {
    Rect::new(
        screen.x,
        screen.y.saturating_add(1),
        screen.width,
        screen.height.saturating_sub(2),
    )
}

/// The width of text inside the help box.
pub fn text_width(screen: Rect, plain: bool) -> usize {
    if plain {
        return usize::from(screen.width);
    }
    usize::from(screen.width.saturating_sub(4).min(72).saturating_sub(4))
}

/// How many lines of the help fit in the box.
pub fn visible(screen: Rect, plain: bool) -> usize {
    if plain {
        return usize::from(body(screen).height);
    }
    usize::from(screen.height.saturating_sub(4))
}

/// The help's lines at `width` columns, descriptions wrapped under their key. `unaligned`
/// (screen-reader mode): each description right after its key, not in a column, so that a
/// braille line does not start with a run of blank cells.
pub fn lines(
    strings: &Strings,
    symbols: &Symbols,
    kiosk: bool,
    width_cols: usize,
    unaligned: bool,
) -> Vec<HelpLine> {
    let keys = if kiosk {
        strings.kiosk_help_keys
    } else {
        strings.help_keys
    };
    let mut out = Vec::new();
    let plain = |text: &str| HelpLine {
        key: String::new(),
        text: text.to_string(),
        footer: false,
    };
    if kiosk {
        for range in text::wrap(strings.kiosk_help_intro, width_cols) {
            out.push(plain(&strings.kiosk_help_intro[range]));
        }
        out.push(plain(""));
    }
    let names: Vec<String> = keys
        .iter()
        .map(|(k, _)| symbols.keys(k, strings.arrows_ascii))
        .collect();
    let key_width = names.iter().map(|k| width(k)).max().unwrap_or(0) + 2;
    // On a narrow screen the text goes under the key instead of beside it.
    let beside = width_cols >= key_width + 20;
    for (name, (_, what)) in names.into_iter().zip(keys) {
        let what = symbols.keys(what, strings.arrows_ascii);
        if unaligned {
            let key = format!("{name}  ");
            let room = width_cols.saturating_sub(width(&key)).max(1);
            for (i, range) in text::wrap(&what, room).into_iter().enumerate() {
                out.push(HelpLine {
                    key: if i == 0 { key.clone() } else { String::new() },
                    text: what[range].to_string(),
                    footer: false,
                });
            }
        } else if beside {
            let room = width_cols - key_width;
            for (i, range) in text::wrap(&what, room).into_iter().enumerate() {
                let key = if i == 0 { name.clone() } else { String::new() };
                out.push(HelpLine {
                    key: format!("{key}{}", " ".repeat(key_width.saturating_sub(width(&key)))),
                    text: what[range].to_string(),
                    footer: false,
                });
            }
        } else {
            out.push(HelpLine {
                key: name,
                text: String::new(),
                footer: false,
            });
            for range in text::wrap(&what, width_cols.saturating_sub(2)) {
                out.push(plain(&format!("  {}", &what[range])));
            }
        }
    }
    out.push(plain(""));
    let close = symbols.keys(strings.help_close, strings.arrows_ascii);
    for range in text::wrap(&close, width_cols) {
        out.push(HelpLine {
            key: String::new(),
            text: close[range].to_string(),
            footer: true,
        });
    }
    out
}
