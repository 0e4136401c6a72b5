//! Text for a terminal that shows only ASCII (`--ascii`, or a locale that is not UTF-8): every
//! character becomes its nearest ASCII. Letters lose their accents and keep their case (å→a,
//! Ö→O, é→e), typographic dashes and quotes become `-`, `"` and `'`, arrows and box lines their
//! ASCII look-alikes, and anything else `?`.
//!
//! The interface is rewritten a cell at a time, after it is drawn, so each cell keeps its one
//! column and nothing moves; printed text may take more than one character for one (`…` is
//! `...`). Search is untouched: it folds accents itself, so `hallbarhet` still finds the
//! goal, whichever way the terminal shows it.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// The one ASCII character that stands for `c` in a cell.
pub fn one(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'æ' => 'a',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Æ' => 'A',
        'ç' | 'č' | 'ć' => 'c',
        'Ç' | 'Č' | 'Ć' => 'C',
        'ð' | 'ď' => 'd',
        'Ð' | 'Ď' => 'D',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ě' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ě' => 'E',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => 'I',
        'ł' => 'l',
        'Ł' => 'L',
        'ñ' | 'ń' | 'ň' => 'n',
        'Ñ' | 'Ń' | 'Ň' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ő' | 'ō' | 'œ' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ő' | 'Ō' | 'Œ' => 'O',
        'ř' => 'r',
        'Ř' => 'R',
        'ß' | 'š' | 'ś' => 's',
        'Š' | 'Ś' => 'S',
        'þ' | 'ť' => 't',
        'Þ' | 'Ť' => 'T',
        'ù' | 'ú' | 'û' | 'ü' | 'ű' | 'ū' | 'ů' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ű' | 'Ū' | 'Ů' => 'U',
        'ý' | 'ÿ' => 'y',
        'Ý' | 'Ÿ' => 'Y',
        'ž' | 'ź' | 'ż' => 'z',
        'Ž' | 'Ź' | 'Ż' => 'Z',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{2043}' => '-',
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => '"',
        '‘' | '’' | '‚' | '‛' | '′' | '´' => '\'',
        '‹' | '◀' | '◂' | '←' => '<',
        '›' | '▶' | '▸' | '►' | '→' => '>',
        '↑' | '▲' | '▴' => '^',
        '↓' | '▼' | '▾' => 'v',
        '…' | '·' => '.',
        '•' | '■' | '▪' | '●' | '◆' => '*',
        '×' => 'x',
        '─' | '━' | '═' => '-',
        '│' | '┃' | '║' => '|',
        '\u{2500}'..='\u{257f}' => '+',
        '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => ' ',
        _ => '?',
    }
}

/// `text` in ASCII, a character at a time; text that is ASCII already comes back as it is.
pub fn text(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // Marks that combine with the letter before them: the letter says it.
            '\u{300}'..='\u{36f}' => {}
            '…' => out.push_str("..."),
            'æ' => out.push_str("ae"),
            'Æ' => out.push_str("AE"),
            'œ' => out.push_str("oe"),
            'Œ' => out.push_str("OE"),
            'ß' => out.push_str("ss"),
            c => out.push(one(c)),
        }
    }
    Cow::Owned(out)
}

/// Rewrites every cell of `area` in ASCII, each in its own column: a cell's first character
/// stands for the whole of it (a letter and its combining marks), and the cells a wide
/// character covers keep theirs.
pub fn cells(buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            let symbol = cell.symbol();
            if symbol.is_ascii() {
                continue;
            }
            let first = symbol.chars().next().map_or(' ', one);
            cell.set_char(first);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_letters_dashes_and_quotes() {
        assert_eq!(
            text("Hållbarhet – Öppen för ”alla” — é…"),
            "Hallbarhet - Oppen for \"alla\" - e..."
        );
        assert_eq!(
            text("Vänster/Höger fäll ihop/ut"),
            "Vanster/Hoger fall ihop/ut"
        );
        assert_eq!(
            text("Skärmläsare: --screen-reader"),
            "Skarmlasare: --screen-reader"
        );
        assert_eq!(text("e\u{301}t 漢"), "et ?");
        assert!(matches!(text("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn every_cell_keeps_its_column() {
        let mut buf = Buffer::with_lines(["┌─ Mål ─┐", "│Hög … »│"]);
        let area = buf.area;
        cells(&mut buf, area);
        assert_eq!(buf, Buffer::with_lines(["+- Mal -+", "|Hog . \"|"]));
    }

    #[test]
    fn every_character_becomes_ascii() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert!(one(c).is_ascii(), "{c:?}");
            assert!(text(&c.to_string()).is_ascii(), "{c:?}");
        }
    }
}
