//! The help's content: its lines at a width, keys beside or above what they do. Where the help
//! goes on the screen is `layout`'s.

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

/// The help's lines at `width` columns, descriptions wrapped under their key, for a document of
/// `goals` goals (the digits that reach them). `unaligned` (screen-reader mode): each
/// description right after its key, not in a column, so that a braille line does not start
/// with a run of blank cells.
pub fn lines(
    strings: &Strings,
    symbols: &Symbols,
    kiosk: bool,
    goals: usize,
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
    // The digits stop at the last goal, and at 9.
    let last = goals.min(9).to_string();
    let shown = |t: &str| symbols.keys(&t.replace("{n}", &last), strings.arrows_ascii);
    let names: Vec<String> = keys.iter().map(|(k, _)| shown(k)).collect();
    let key_width = names.iter().map(|k| width(k)).max().unwrap_or(0) + 2;
    // On a narrow screen the text goes under the key instead of beside it.
    let beside = width_cols >= key_width + 20;
    for (name, (_, what)) in names.into_iter().zip(keys) {
        let what = shown(what);
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
    let close = if kiosk {
        strings.kiosk_help_close
    } else {
        strings.help_close
    };
    let close = symbols.keys(close, strings.arrows_ascii);
    for range in text::wrap(&close, width_cols) {
        out.push(HelpLine {
            key: String::new(),
            text: close[range].to_string(),
            footer: true,
        });
    }
    out
}
