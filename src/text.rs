//! Wrapping and truncating by display width, never by bytes or chars.

use std::borrow::Cow;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The display width of a string.
pub fn width(text: &str) -> usize {
    text.width()
}

/// Breaks `text` into lines no wider than `width` columns, at spaces where it can, and returns
/// each line as a byte range of `text`. A newline always breaks; a word wider than the line is
/// broken where it must be. Spaces at a break are left out of both lines.
pub fn wrap(text: &str, width: usize) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    if width == 0 {
        return lines;
    }
    let mut offset = 0;
    for hard in text.split('\n') {
        wrap_line(hard, offset, width, &mut lines);
        offset += hard.len() + 1;
    }
    lines
}

fn wrap_line(line: &str, base: usize, width: usize, out: &mut Vec<Range<usize>>) {
    let before = out.len();
    let mut start: Option<usize> = None; // start of the current output line
    let mut end = 0; // end of the last word placed on it
    let mut used = 0; // its width so far
    let mut words = line.split(' ').scan(0usize, |at, word| {
        let here = *at;
        *at += word.len() + 1;
        Some((here, word))
    });
    let mut pending: Option<(usize, &str)> = None;
    while let Some((at, word)) = pending.take().or_else(|| words.next()) {
        if word.is_empty() {
            continue;
        }
        let w = word.width();
        match start {
            Some(_) if used + 1 + w <= width => {
                used += 1 + w;
                end = at + word.len();
            }
            Some(s) => {
                out.push(base + s..base + end);
                start = None;
                used = 0;
                pending = Some((at, word));
            }
            None if w <= width => {
                start = Some(at);
                end = at + word.len();
                used = w;
            }
            None => {
                // Too wide for any line: cut it where the line is full.
                let mut cut = 0;
                let mut cols = 0;
                for (i, g) in word.grapheme_indices(true) {
                    let gw = g.width();
                    if cols + gw > width {
                        break;
                    }
                    cols += gw;
                    cut = i + g.len();
                }
                if cut == 0 {
                    // Not even one character fits (a wide one in a 1-column line): skip it.
                    let skip = word.graphemes(true).next().map_or(word.len(), str::len);
                    if skip < word.len() {
                        pending = Some((at + skip, &word[skip..]));
                    }
                    continue;
                }
                out.push(base + at..base + at + cut);
                if cut < word.len() {
                    pending = Some((at + cut, &word[cut..]));
                }
            }
        }
    }
    if let Some(s) = start {
        out.push(base + s..base + end);
    }
    if out.len() == before && line.trim().is_empty() {
        // A blank line stays a line.
        out.push(base..base);
    }
}

/// Shortens `text` to at most `width` columns, ending it with `ellipsis` when anything was cut.
pub fn truncate<'a>(text: &'a str, width: usize, ellipsis: &str) -> Cow<'a, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    let fits = ellipsis.width() <= width;
    let room = if fits {
        width - ellipsis.width()
    } else {
        width
    };
    let mut cols = 0;
    let mut out = String::new();
    for g in text.graphemes(true) {
        let gw = g.width();
        if cols + gw > room {
            break;
        }
        cols += gw;
        out.push_str(g);
    }
    if fits {
        out.push_str(ellipsis);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, width: usize) -> Vec<&str> {
        wrap(text, width).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(lines("en kommun för alla", 10), ["en kommun", "för alla"]);
        assert_eq!(lines("en kommun för alla", 80), ["en kommun för alla"]);
    }

    #[test]
    fn counts_columns_not_bytes() {
        // "åäö åäö" is 7 columns but 13 bytes.
        assert_eq!(lines("åäö åäö", 7), ["åäö åäö"]);
        assert_eq!(lines("漢字 漢字", 4), ["漢字", "漢字"]);
        assert_eq!(lines("漢字漢字", 3), ["漢", "字", "漢", "字"]);
    }

    #[test]
    fn long_words_are_cut() {
        assert_eq!(lines("bredbandsfiber", 5), ["bredb", "andsf", "iber"]);
    }

    #[test]
    fn hard_breaks_and_blank_lines() {
        assert_eq!(lines("a\n\nb", 10), ["a", "", "b"]);
    }

    #[test]
    fn emoji_sequences_are_cut_whole() {
        let family = "👩\u{200d}👩\u{200d}👧\u{200d}👦";
        assert_eq!(width(family), 2);
        assert_eq!(
            truncate(&format!("{family}{family}abc"), 5, "…"),
            format!("{family}{family}…")
        );
        assert_eq!(truncate(&format!("a{family}"), 2, "…"), "a…");
        assert_eq!(lines(&format!("{family}{family}"), 3), [family, family]);
        assert_eq!(
            lines("e\u{301}e\u{301}e\u{301}", 2),
            ["e\u{301}e\u{301}", "e\u{301}"]
        );
    }

    #[test]
    fn zero_width_gives_nothing() {
        assert!(wrap("anything", 0).is_empty());
        assert_eq!(lines("漢", 1), Vec::<&str>::new());
    }

    #[test]
    fn truncates_by_width_with_ellipsis() {
        assert_eq!(truncate("Hållbarhet", 20, "…"), "Hållbarhet");
        assert_eq!(truncate("Hållbarhet", 5, "…"), "Håll…");
        assert_eq!(truncate("Hållbarhet", 5, "..."), "Hå...");
        assert_eq!(truncate("漢字漢字", 5, "…"), "漢字…");
        assert_eq!(truncate("abc", 0, "…"), "");
        assert_eq!(truncate("abcdef", 2, "..."), "ab");
    }
}
