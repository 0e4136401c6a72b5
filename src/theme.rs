//! Styles and symbol sets. Colours come only from the 16 base ANSI colours, and meaning is never
//! carried by colour alone: selection is reverse video plus a marker; focus is a double border,
//! or on the Linux console (whose fonts draw double lines as single ones) a marked title in
//! reverse video.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

/// Which glyphs the terminal can be trusted to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Glyphs {
    /// Any UTF-8 terminal emulator.
    #[default]
    Unicode,
    /// The Linux console: only what its standard fonts draw, each with a glyph of its own: the
    /// VGA ROM font (CP437) and Debian's Lat15, Uni2 and Uni3 fonts (`tests/console_fonts.rs`).
    Console,
    /// Plain ASCII.
    Ascii,
}

impl Glyphs {
    /// Chooses from TERM and the locale: ASCII when the locale is not UTF-8, the console set on
    /// TERM=linux, full Unicode otherwise.
    pub fn detect(
        term: Option<&str>,
        lc_all: Option<&str>,
        lc_ctype: Option<&str>,
        lang: Option<&str>,
    ) -> Glyphs {
        if !locale_is_utf8(lc_all, lc_ctype, lang) {
            Glyphs::Ascii
        } else if term.is_some_and(|t| t == "linux" || t.starts_with("linux-")) {
            Glyphs::Console
        } else if cfg!(windows) && term.is_none() {
            // The Windows console and Windows Terminal set no TERM; the console's fonts
            // (Consolas, Cascadia) draw the console set, not every symbol of the full one.
            Glyphs::Console
        } else {
            Glyphs::Unicode
        }
    }

    /// The symbols of this set.
    pub fn symbols(self) -> &'static Symbols {
        match self {
            Glyphs::Unicode => &UNICODE,
            Glyphs::Console => &CONSOLE,
            Glyphs::Ascii => &ASCII,
        }
    }
}

/// True when the locale that applies (LC_ALL, then LC_CTYPE, then LANG; the first one set and
/// non-empty) names UTF-8. With none set, the C locale applies on Unix, which is not UTF-8; on
/// Windows, where these variables are rarely set, the console takes Unicode whatever they say
/// (Rust's standard output writes to it in UTF-16).
pub fn locale_is_utf8(lc_all: Option<&str>, lc_ctype: Option<&str>, lang: Option<&str>) -> bool {
    let locale = [lc_all, lc_ctype, lang]
        .into_iter()
        .flatten()
        .find(|v| !v.is_empty());
    let Some(locale) = locale else {
        return cfg!(windows);
    };
    let locale = locale.to_ascii_lowercase();
    locale.contains("utf-8") || locale.contains("utf8")
}

/// Every symbol the interface draws.
pub struct Symbols {
    pub border: border::Set<'static>,
    pub focus_border: border::Set<'static>,
    /// Where the focus border looks like the other one: a mark before the focused pane's
    /// title, which is then drawn in reverse video.
    pub focus_mark: Option<&'static str>,
    pub expanded: &'static str,
    pub collapsed: &'static str,
    pub leaf: &'static str,
    pub selected: &'static str,
    pub ellipsis: &'static str,
    pub breadcrumb: &'static str,
    pub bullet: &'static str,
    pub more_above: &'static str,
    pub more_below: &'static str,
    pub dot: &'static str,
    /// Up, down, left, right as shown in key hints.
    pub arrows: Option<[&'static str; 4]>,
    pub dash: &'static str,
}

impl Symbols {
    /// The set's text symbols (borders and arrows aside), for the tests that check what a
    /// font or an encoding can show.
    pub fn texts(&self) -> [&'static str; 11] {
        [
            self.expanded,
            self.collapsed,
            self.leaf,
            self.selected,
            self.ellipsis,
            self.breadcrumb,
            self.bullet,
            self.more_above,
            self.more_below,
            self.dot,
            self.dash,
        ]
    }

    /// Rewrites the arrows and dashes of a key description for this symbol set.
    pub fn keys(&self, text: &str, ascii_words: [&'static str; 4]) -> String {
        let arrows = self.arrows.unwrap_or(ascii_words);
        let mut out = String::with_capacity(text.len());
        let mut after_arrow = false;
        for c in text.chars() {
            let arrow = match c {
                '↑' => Some(arrows[0]),
                '↓' => Some(arrows[1]),
                '←' => Some(arrows[2]),
                '→' => Some(arrows[3]),
                _ => None,
            };
            match arrow {
                Some(a) => {
                    // Words need a separator where arrows stand side by side: "Up/Down".
                    if after_arrow && self.arrows.is_none() {
                        out.push('/');
                    }
                    out.push_str(a);
                }
                None if c == '–' => out.push_str(self.dash),
                None => out.push(c),
            }
            after_arrow = arrow.is_some();
        }
        out
    }
}

/// A UTF-8 terminal emulator.
pub static UNICODE: Symbols = Symbols {
    border: border::PLAIN,
    focus_border: border::DOUBLE,
    focus_mark: None,
    expanded: "▾ ",
    collapsed: "▸ ",
    leaf: "• ",
    selected: "▶ ",
    ellipsis: "…",
    breadcrumb: " › ",
    bullet: "• ",
    more_above: "▲",
    more_below: "▼",
    dot: " · ",
    arrows: Some(["↑", "↓", "←", "→"]),
    dash: "–",
};

/// The Linux console: characters its fonts draw with a glyph of their own. They have no ► and
/// draw ▼ as ↓ and ═║╔ as ─│┌, so the tree markers are + and -, the scroll arrows ↑↓, and the
/// focused pane is told by its title.
pub static CONSOLE: Symbols = Symbols {
    border: border::PLAIN,
    focus_border: border::PLAIN,
    focus_mark: Some("■ "),
    expanded: "- ",
    collapsed: "+ ",
    leaf: "· ",
    selected: "» ",
    ellipsis: "...",
    breadcrumb: " » ",
    bullet: "· ",
    more_above: "↑",
    more_below: "↓",
    dot: " · ",
    arrows: Some(["↑", "↓", "←", "→"]),
    dash: "-",
};

/// Plain ASCII.
pub static ASCII: Symbols = Symbols {
    border: border::Set {
        top_left: "+",
        top_right: "+",
        bottom_left: "+",
        bottom_right: "+",
        vertical_left: "|",
        vertical_right: "|",
        horizontal_top: "-",
        horizontal_bottom: "-",
    },
    focus_border: border::Set {
        top_left: "#",
        top_right: "#",
        bottom_left: "#",
        bottom_right: "#",
        vertical_left: "#",
        vertical_right: "#",
        horizontal_top: "=",
        horizontal_bottom: "=",
    },
    focus_mark: None,
    expanded: "v ",
    collapsed: "> ",
    leaf: "- ",
    selected: "* ",
    ellipsis: "...",
    breadcrumb: " > ",
    bullet: "- ",
    more_above: "^",
    more_below: "v",
    dot: " - ",
    arrows: None,
    dash: "-",
};

/// The styles of the interface, with colour or without.
///
/// The palette is chosen for xterm's default 16 colours on a black and on a white background
/// alike (`tests/contrast.rs`): every character at least 3:1 against what is behind it, letters
/// and digits 4.5:1, whether the terminal draws bold text in colours 0–7 bright (xterm does) or
/// not. No colour but the terminal's own foreground reaches 4.5:1 on both black and white, so all
/// text is in the default colour (headings and names bold), and colour is kept for what is not
/// read letter by letter:
///
/// - the title line: white on blue, 7.5:1 (9.4:1 bright), whatever the background;
/// - borders of panes without focus and tree markers: dark grey (#7f7f7f), 5.2:1 on black and
///   4.0:1 on white; the focused pane's border is bold in the default colour, and double;
/// - search matches: black on yellow, not bold (bold black is drawn grey, 2.4:1), 12:1,
///   underlined too, so colour is never all that marks them;
/// - the selection: reverse video, not bold, so a match on it stays yellow on black and a
///   marker's grey, turned background, keeps 4.0:1 or more.
///
/// Cyan or yellow text would be 1.1–2.0:1 on white, blue 2.2:1 on black.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub colour: bool,
}

impl Theme {
    fn fg(self, style: Style, colour: Color) -> Style {
        if self.colour { style.fg(colour) } else { style }
    }

    /// The title line at the top.
    pub fn title(self) -> Style {
        let s = Style::new().add_modifier(Modifier::BOLD);
        if self.colour {
            s.fg(Color::White).bg(Color::Blue)
        } else {
            s.add_modifier(Modifier::REVERSED)
        }
    }

    /// The key-hint bar at the bottom.
    pub fn hints(self) -> Style {
        Style::new()
    }

    /// A key's name in the hint bar and the help.
    pub fn key(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// A pane's border: double and bold when focused, dark grey when not.
    pub fn border(self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            self.fg(Style::new(), Color::DarkGray)
        }
    }

    /// A pane's title: bold when focused; in the default colour, not its border's grey.
    pub fn pane_title(self, focused: bool) -> Style {
        let s = Style::new().fg(Color::Reset);
        if focused {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }

    /// The selected tree row: reverse video, with or without colour. Not bold: a search match
    /// on the row is black on yellow, and bold black turned background is grey (2.4:1).
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// A tree row's label by depth: the vision and the perspectives bold.
    pub fn node(self, depth: usize) -> Style {
        match depth {
            0 | 1 => Style::new().add_modifier(Modifier::BOLD),
            _ => Style::new(),
        }
    }

    /// Tree markers (expand and collapse).
    pub fn marker(self) -> Style {
        self.fg(Style::new(), Color::DarkGray)
    }

    /// The breadcrumb above the detail.
    pub fn breadcrumb(self) -> Style {
        Style::new()
    }

    /// The detail's title.
    pub fn heading(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// A heading inside the detail text (the contact block).
    pub fn subheading(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// A search match: underlined, and black on yellow when colour is on (bold without).
    pub fn highlight(self) -> Style {
        let s = Style::new().add_modifier(Modifier::UNDERLINED);
        if self.colour {
            s.fg(Color::Black).bg(Color::Yellow)
        } else {
            s.add_modifier(Modifier::BOLD)
        }
    }

    /// The scroll indicator: in the default colour, not its border's grey.
    pub fn scroll(self) -> Style {
        Style::new().fg(Color::Reset)
    }

    /// The search line and status messages.
    pub fn status(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The help overlay's border and title.
    pub fn help_border(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_detection_follows_posix_precedence() {
        assert!(locale_is_utf8(None, None, Some("sv_SE.UTF-8")));
        assert!(locale_is_utf8(None, Some("en_US.utf8"), Some("C")));
        assert!(!locale_is_utf8(
            Some("C"),
            Some("sv_SE.UTF-8"),
            Some("sv_SE.UTF-8")
        ));
        assert!(!locale_is_utf8(None, None, Some("sv_SE.ISO-8859-1")));
        // Unset: the C locale on Unix; the console's Unicode on Windows.
        assert_eq!(locale_is_utf8(None, None, None), cfg!(windows));
        assert!(locale_is_utf8(Some(""), None, Some("C.UTF-8")));
    }

    #[test]
    fn glyphs_from_term_and_locale() {
        let utf8 = Some("C.UTF-8");
        // Nothing set: Windows' console, or a Unix process started with an empty environment.
        let bare = if cfg!(windows) {
            Glyphs::Console
        } else {
            Glyphs::Ascii
        };
        assert_eq!(Glyphs::detect(None, None, None, None), bare);
        assert_eq!(
            Glyphs::detect(Some("xterm-256color"), None, None, utf8),
            Glyphs::Unicode
        );
        assert_eq!(
            Glyphs::detect(Some("linux"), None, None, utf8),
            Glyphs::Console
        );
        assert_eq!(
            Glyphs::detect(Some("xterm"), Some("POSIX"), None, utf8),
            Glyphs::Ascii
        );
    }

    #[test]
    fn the_selection_marker_is_not_a_tree_marker() {
        for s in [&UNICODE, &CONSOLE, &ASCII] {
            let two = |t: &str| unicode_width::UnicodeWidthStr::width(t) as u16;
            assert_eq!(two(s.selected), crate::layout::POINTER_WIDTH);
            for m in [s.expanded, s.collapsed, s.leaf] {
                assert_eq!(two(m), crate::layout::MARKER_WIDTH, "{m:?}");
            }
            assert_ne!(s.selected, s.collapsed);
            assert_ne!(s.selected, s.expanded);
            assert_ne!(s.selected, s.leaf);
        }
    }

    #[test]
    fn ascii_symbols_are_ascii() {
        let s = &ASCII;
        for text in s.texts() {
            assert!(text.is_ascii(), "{text:?}");
        }
        assert_eq!(
            s.keys("↑↓ välj 1–9", ["Up", "Down", "Left", "Right"]),
            "Up/Down välj 1-9"
        );
    }
}
