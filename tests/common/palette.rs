//! The 16 base colours as palette indices, for tests that compare or draw what a cell shows.

use ratatui::style::Color;

/// The palette index (0–15) of one of the 16 base colours; `None` for the terminal's default,
/// and for any other colour.
pub fn base16(colour: Color) -> Option<usize> {
    Some(match colour {
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Indexed(i) if i < 16 => usize::from(i),
        _ => return None,
    })
}
