//! What text from outside may put in a terminal cell or on stdout.
//!
//! The data file, a file name, an id typed on the command line: anything the app did not write
//! itself passes through [`clean`] before it is drawn or printed, so it can never move the
//! cursor, retitle the window, reach the clipboard or reverse the text around it.

/// Tab stops used when a tab is expanded to spaces.
const TAB: usize = 4;

/// Makes text safe for a terminal cell or stdout.
///
/// Escape sequences (CSI, OSC, DCS and the rest) are removed whole; any other C0 control but
/// newline, DEL, the C1 controls and the bidirectional overrides are dropped; a tab becomes
/// spaces to the next stop. Text without any of these comes back unchanged.
pub fn clean(text: &str) -> String {
    if !text.chars().any(needs_cleaning) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut column = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                out.push('\n');
                column = 0;
            }
            '\t' => {
                let n = TAB - column % TAB;
                out.extend(std::iter::repeat_n(' ', n));
                column += n;
            }
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{90}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if needs_cleaning(c) => {}
            c => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

/// True for a character [`clean`] removes or rewrites.
pub fn needs_cleaning(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Skips the rest of an escape sequence whose ESC has been read.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_until_final(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        Some(c) if (' '..='/').contains(c) => {
            // Intermediate bytes, then one final byte.
            while chars.next_if(|c| (' '..='/').contains(c)).is_some() {}
            chars.next_if(|c| !c.is_control());
        }
        Some(c) if !c.is_control() => {
            chars.next();
        }
        _ => {}
    }
}

/// Skips a CSI's parameters up to and including its final byte. A control character ends it
/// too, and is left for the caller: it may begin a sequence of its own.
fn skip_until_final(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next_if(|c| !c.is_control()) {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// Skips an OSC, DCS or similar string up to its terminator: BEL, ST or ESC \\. Any other ESC
/// ends it too, and is left for the caller, as a terminal would start a new sequence there.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(&c) = chars.peek() {
        match c {
            '\u{7}' | '\u{9c}' => {
                chars.next();
                break;
            }
            '\u{1b}' => {
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek() == Some(&'\\') {
                    chars.next();
                    chars.next();
                }
                break;
            }
            _ => {
                chars.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_passes_unchanged() {
        let s = "Hållbarhet – 0240-66 00 00\n\nå ä ö é ü 漢字 🙂";
        assert_eq!(clean(s), s);
    }

    #[test]
    fn clean_removes_escape_sequences_whole() {
        assert_eq!(clean("a\u{1b}]0;title\u{7}b"), "ab");
        assert_eq!(clean("a\u{1b}]52;c;aGVq\u{1b}\\b"), "ab");
        assert_eq!(clean("a\u{1b}[31;1mb\u{1b}[0m"), "ab");
        assert_eq!(clean("a\u{9b}2Jb"), "ab");
        assert_eq!(clean("a\u{7f}\u{85}\u{0}b\r"), "ab");
        assert_eq!(clean("a\tb"), "a   b");
        assert_eq!(clean("x\u{202e}y"), "xy");
    }

    #[test]
    fn clean_leaves_the_next_sequence_to_be_removed() {
        assert_eq!(clean("a\u{1b}]0;t\u{1b}[1;1Hb"), "ab");
        assert_eq!(clean("a\u{9b}\nb"), "a\nb");
        assert_eq!(clean("a\u{1b}(\nb"), "a\nb");
        let many = "\u{1b}]".repeat(100_000);
        assert_eq!(clean(&many), "");
    }
}
