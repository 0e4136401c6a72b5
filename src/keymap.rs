//! Terminal events to `Action`s: a pure function of the event and the mode it arrives in.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::app::{Action, App};

/// What the mapping depends on besides the event.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// The search line has the keyboard.
    pub searching: bool,
    /// No key leaves the app, except `admin_exit`.
    pub kiosk: bool,
    /// The one key that exits in kiosk mode.
    pub admin_exit: Option<KeySpec>,
}

impl Context {
    /// The context of `app` as it is now.
    pub fn of(app: &App, admin_exit: Option<KeySpec>) -> Context {
        Context {
            searching: app.search.editing,
            kiosk: app.config.kiosk,
            admin_exit,
        }
    }
}

/// Maps one terminal event to an action, or `None` when it means nothing.
pub fn map(event: &Event, cx: Context) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => Some(map_key(key, cx)),
        Event::Mouse(mouse) => map_mouse(mouse),
        Event::Resize(width, height) => Some(Action::Resize {
            width: *width,
            height: *height,
        }),
        // In the kiosk a paste is not input at all: whatever a selection holds stays out.
        Event::Paste(_) if cx.kiosk => None,
        Event::Paste(text) if cx.searching => Some(Action::SearchInput(text.clone())),
        Event::Paste(_) => Some(Action::Touch),
        _ => None,
    }
}

fn map_key(key: &KeyEvent, cx: Context) -> Action {
    if cx.admin_exit.is_some_and(|spec| spec.matches(key)) {
        return Action::Quit;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    if ctrl && !alt && key.code == KeyCode::Char('c') {
        return if cx.kiosk {
            Action::Touch
        } else {
            Action::Quit
        };
    }
    if ctrl || alt {
        // Ctrl-Q, Ctrl-Z and Ctrl-\ arrive as q, z and 4 with CONTROL: they are not q, z, 4.
        return Action::Touch;
    }
    if cx.searching {
        match key.code {
            KeyCode::Char(c) => return Action::SearchInput(c.to_string()),
            KeyCode::Backspace => return Action::SearchBackspace,
            KeyCode::Enter => return Action::SearchDone,
            KeyCode::Esc => return Action::Back,
            _ => {}
        }
    }
    match key.code {
        KeyCode::Char(c @ '0'..='9') => Action::Jump(c as usize - '0' as usize),
        code => BINDINGS
            .iter()
            .find(|b| b.keys.contains(&code) && (b.kiosk || !cx.kiosk))
            .map_or(Action::Touch, |b| b.action.clone()),
    }
}

/// One row of the key table: the keys, the action they ask for, and whether a kiosk has it.
#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [KeyCode],
    pub action: Action,
    /// Also in kiosk mode, where nothing may leave the app or reach the clipboard.
    pub kiosk: bool,
}

const fn bind(keys: &'static [KeyCode], action: Action, kiosk: bool) -> Binding {
    Binding {
        keys,
        action,
        kiosk,
    }
}

/// Every key without Ctrl or Alt, besides the digits (`1`–`9` jump to a goal, `0` to the
/// vision) and what the search line takes while it is open. The help and the README's table
/// are checked against it (`tests/keys.rs`).
pub const BINDINGS: &[Binding] = &[
    bind(&[KeyCode::Up, KeyCode::Char('k')], Action::Up, true),
    bind(&[KeyCode::Down, KeyCode::Char('j')], Action::Down, true),
    bind(&[KeyCode::Left, KeyCode::Char('h')], Action::Left, true),
    bind(&[KeyCode::Right, KeyCode::Char('l')], Action::Right, true),
    bind(&[KeyCode::Enter, KeyCode::Char(' ')], Action::Read, true),
    bind(&[KeyCode::Home, KeyCode::Char('g')], Action::First, true),
    bind(&[KeyCode::End, KeyCode::Char('G')], Action::Last, true),
    bind(&[KeyCode::PageUp], Action::PageUp, true),
    bind(&[KeyCode::PageDown], Action::PageDown, true),
    bind(&[KeyCode::Tab], Action::FocusNext, true),
    bind(&[KeyCode::BackTab], Action::FocusPrev, true),
    bind(&[KeyCode::Char('?'), KeyCode::F(1)], Action::Help, true),
    bind(&[KeyCode::Esc], Action::Back, true),
    bind(&[KeyCode::Char('q')], Action::Quit, false),
    bind(&[KeyCode::Char('/')], Action::SearchOpen, true),
    bind(&[KeyCode::Char('n')], Action::NextMatch, true),
    bind(&[KeyCode::Char('N')], Action::PrevMatch, true),
    bind(&[KeyCode::Char('c')], Action::ToggleColour, true),
    bind(&[KeyCode::Char('y')], Action::Copy, false),
    bind(&[KeyCode::Char('s')], Action::NextLang, true),
];

/// The name the bottom line gives a key: its arrow, or its label on the keyboard.
pub fn key_name(code: KeyCode) -> String {
    match code {
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::F(n) => format!("F{n}"),
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) => c.to_string(),
        other => format!("{other:?}"),
    }
}

/// The key column of a hint for `actions`, from the key table: the first key bound to each,
/// arrows side by side ("↑↓"), other keys with a slash between ("n/N"). Empty when the table
/// binds one of them to no key `kiosk` has, so no hint shows a key that does nothing.
pub fn hint_keys(actions: &[Action], kiosk: bool) -> String {
    let mut names = Vec::new();
    for action in actions {
        let Some(binding) = BINDINGS
            .iter()
            .find(|b| b.action == *action && (b.kiosk || !kiosk))
        else {
            return String::new();
        };
        names.push(key_name(binding.keys[0]));
    }
    let arrows = names
        .iter()
        .all(|n| n.chars().count() == 1 && !n.is_ascii());
    names.join(if arrows { "" } else { "/" })
}

fn map_mouse(mouse: &MouseEvent) -> Option<Action> {
    let (column, row) = (mouse.column, mouse.row);
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click { column, row }),
        MouseEventKind::ScrollUp => Some(Action::WheelUp { column, row }),
        MouseEventKind::ScrollDown => Some(Action::WheelDown { column, row }),
        MouseEventKind::Down(_) => Some(Action::Touch),
        _ => None,
    }
}

/// A key with modifiers, as written on the command line: `F12`, `ctrl-alt-q`, `ctrl+q`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeySpec {
    /// Parses a key name; `None` for anything that is not one.
    pub fn parse(text: &str) -> Option<KeySpec> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        // Split on '-' or '+', but a trailing '-' or '+' is the key itself.
        let mut parts: Vec<&str> = text.split(['-', '+']).collect();
        let n = parts.len();
        if n >= 3 && parts[n - 1].is_empty() && parts[n - 2].is_empty() {
            parts.truncate(n - 2);
            parts.push(&text[text.len() - 1..]);
        }
        let (key, mods) = parts.split_last()?;
        let mut modifiers = KeyModifiers::NONE;
        for m in mods {
            modifiers |= match m.to_ascii_lowercase().as_str() {
                "ctrl" | "control" | "c" => KeyModifiers::CONTROL,
                "alt" | "meta" | "m" | "a" => KeyModifiers::ALT,
                "shift" | "s" => KeyModifiers::SHIFT,
                _ => return None,
            };
        }
        let lower = key.to_ascii_lowercase();
        let code = match lower.as_str() {
            "esc" | "escape" => KeyCode::Esc,
            "enter" | "return" => KeyCode::Enter,
            "tab" => KeyCode::Tab,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "space" => KeyCode::Char(' '),
            f if f.len() >= 2
                && f.starts_with('f')
                && f[1..].bytes().all(|b| b.is_ascii_digit()) =>
            {
                let n: u8 = f[1..].parse().ok()?;
                if !(1..=24).contains(&n) {
                    return None;
                }
                KeyCode::F(n)
            }
            _ => {
                let mut chars = key.chars();
                let c = chars.next()?;
                if chars.next().is_some() || c.is_control() {
                    return None;
                }
                KeyCode::Char(c.to_ascii_lowercase())
            }
        };
        if modifiers.is_empty() && matches!(code, KeyCode::Char(_)) {
            // A plain letter would be typed by every visitor: not an exit key.
            return None;
        }
        Some(KeySpec { code, modifiers })
    }

    /// True when `key` is this key with exactly these modifiers (Shift on letters aside).
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let code = match key.code {
            KeyCode::Char(c) => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        let mut modifiers = key.modifiers;
        if matches!(code, KeyCode::Char(_)) && !self.modifiers.contains(KeyModifiers::SHIFT) {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        code == self.code && modifiers == self.modifiers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, modifiers))
    }

    fn plain(code: KeyCode) -> Event {
        key(code, KeyModifiers::NONE)
    }

    fn normal() -> Context {
        Context::default()
    }

    fn kiosk() -> Context {
        Context {
            kiosk: true,
            ..Context::default()
        }
    }

    #[test]
    fn arrows_and_vim_keys() {
        for (code, action) in [
            (KeyCode::Up, Action::Up),
            (KeyCode::Char('k'), Action::Up),
            (KeyCode::Down, Action::Down),
            (KeyCode::Char('j'), Action::Down),
            (KeyCode::Left, Action::Left),
            (KeyCode::Char('h'), Action::Left),
            (KeyCode::Right, Action::Right),
            (KeyCode::Char('l'), Action::Right),
            (KeyCode::Enter, Action::Read),
            (KeyCode::Char(' '), Action::Read),
            (KeyCode::Home, Action::First),
            (KeyCode::Char('g'), Action::First),
            (KeyCode::End, Action::Last),
            (KeyCode::Char('G'), Action::Last),
            (KeyCode::PageUp, Action::PageUp),
            (KeyCode::PageDown, Action::PageDown),
            (KeyCode::Tab, Action::FocusNext),
            (KeyCode::BackTab, Action::FocusPrev),
            (KeyCode::Char('?'), Action::Help),
            (KeyCode::F(1), Action::Help),
            (KeyCode::Esc, Action::Back),
            (KeyCode::Char('q'), Action::Quit),
            (KeyCode::Char('/'), Action::SearchOpen),
            (KeyCode::Char('n'), Action::NextMatch),
            (KeyCode::Char('N'), Action::PrevMatch),
            (KeyCode::Char('3'), Action::Jump(3)),
            (KeyCode::Char('0'), Action::Jump(0)),
            (KeyCode::Char('c'), Action::ToggleColour),
            (KeyCode::Char('y'), Action::Copy),
        ] {
            assert_eq!(map(&plain(code), normal()), Some(action), "{code:?}");
        }
    }

    #[test]
    fn ctrl_c_quits_but_ctrl_letters_are_not_letters() {
        assert_eq!(
            map(&key(KeyCode::Char('c'), KeyModifiers::CONTROL), normal()),
            Some(Action::Quit)
        );
        for c in ['q', 'z', '4', 'd', '\\'] {
            assert_eq!(
                map(&key(KeyCode::Char(c), KeyModifiers::CONTROL), normal()),
                Some(Action::Touch)
            );
        }
        assert_eq!(
            map(&key(KeyCode::Char('q'), KeyModifiers::ALT), normal()),
            Some(Action::Touch)
        );
    }

    #[test]
    fn hints_name_the_tables_first_keys() {
        assert_eq!(hint_keys(&[Action::Up, Action::Down], false), "↑↓");
        assert_eq!(
            hint_keys(&[Action::NextMatch, Action::PrevMatch], false),
            "n/N"
        );
        assert_eq!(hint_keys(&[Action::Read], true), "Enter");
        assert_eq!(hint_keys(&[Action::Back], true), "Esc");
        assert_eq!(hint_keys(&[Action::Quit], false), "q");
        assert_eq!(hint_keys(&[Action::Quit], true), "");
    }

    #[test]
    fn releases_are_ignored() {
        let mut k = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        k.kind = KeyEventKind::Release;
        assert_eq!(map(&Event::Key(k), normal()), None);
    }

    #[test]
    fn kiosk_ignores_every_quit_key() {
        let quits = [
            plain(KeyCode::Char('q')),
            key(KeyCode::Char('c'), KeyModifiers::CONTROL),
            key(KeyCode::Char('d'), KeyModifiers::CONTROL),
            key(KeyCode::Char('z'), KeyModifiers::CONTROL),
            key(KeyCode::Char('\\'), KeyModifiers::CONTROL),
            key(KeyCode::Char('4'), KeyModifiers::CONTROL),
            key(KeyCode::Char('q'), KeyModifiers::CONTROL),
            plain(KeyCode::F(10)),
            plain(KeyCode::Char(':')),
        ];
        for event in &quits {
            assert_ne!(map(event, kiosk()), Some(Action::Quit), "{event:?}");
        }
        assert_eq!(map(&plain(KeyCode::Esc), kiosk()), Some(Action::Back));
        assert_eq!(
            map(&plain(KeyCode::Char('y')), kiosk()),
            Some(Action::Touch)
        );
    }

    #[test]
    fn admin_exit_is_the_one_way_out() {
        let cx = Context {
            admin_exit: KeySpec::parse("F12"),
            ..kiosk()
        };
        assert_eq!(map(&plain(KeyCode::F(12)), cx), Some(Action::Quit));
        assert_eq!(map(&plain(KeyCode::F(11)), cx), Some(Action::Touch));
        let cx = Context {
            admin_exit: KeySpec::parse("ctrl-alt-q"),
            ..kiosk()
        };
        let both = KeyModifiers::CONTROL | KeyModifiers::ALT;
        assert_eq!(map(&key(KeyCode::Char('q'), both), cx), Some(Action::Quit));
        assert_eq!(
            map(&key(KeyCode::Char('q'), KeyModifiers::CONTROL), cx),
            Some(Action::Touch)
        );
    }

    #[test]
    fn key_names_people_write() {
        let ctrl_q = KeySpec {
            code: KeyCode::Char('q'),
            modifiers: KeyModifiers::CONTROL,
        };
        assert_eq!(KeySpec::parse("F12").unwrap().code, KeyCode::F(12));
        assert_eq!(KeySpec::parse("f1").unwrap().code, KeyCode::F(1));
        assert_eq!(KeySpec::parse("ctrl+q"), Some(ctrl_q));
        assert_eq!(KeySpec::parse("Ctrl-Q"), Some(ctrl_q));
        assert_eq!(
            KeySpec::parse("ctrl-alt-q").unwrap().modifiers,
            KeyModifiers::CONTROL | KeyModifiers::ALT
        );
        assert_eq!(KeySpec::parse("alt+-").unwrap().code, KeyCode::Char('-'));
        for bad in [
            "",
            "F99",
            "F0",
            "hyper-q",
            "ctrl-",
            "q",
            "ctrl-qq",
            "banana",
            "ctrl-alt-",
        ] {
            assert_eq!(KeySpec::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn search_line_takes_letters() {
        let cx = Context {
            searching: true,
            ..normal()
        };
        assert_eq!(
            map(&plain(KeyCode::Char('q')), cx),
            Some(Action::SearchInput("q".into()))
        );
        assert_eq!(
            map(&plain(KeyCode::Char('å')), cx),
            Some(Action::SearchInput("å".into()))
        );
        assert_eq!(
            map(&plain(KeyCode::Backspace), cx),
            Some(Action::SearchBackspace)
        );
        assert_eq!(map(&plain(KeyCode::Enter), cx), Some(Action::SearchDone));
        assert_eq!(map(&plain(KeyCode::Esc), cx), Some(Action::Back));
        assert_eq!(map(&plain(KeyCode::Down), cx), Some(Action::Down));
        assert_eq!(
            map(&Event::Paste("q x".into()), cx),
            Some(Action::SearchInput("q x".into()))
        );
        assert_eq!(
            map(&Event::Paste("q".into()), normal()),
            Some(Action::Touch)
        );
    }

    #[test]
    fn a_paste_is_nothing_in_the_kiosk() {
        let searching = Context {
            searching: true,
            ..kiosk()
        };
        for cx in [kiosk(), searching] {
            assert_eq!(map(&Event::Paste("q/eko\r".into()), cx), None);
        }
    }

    #[test]
    fn mouse_clicks_and_wheel() {
        let m = |kind| {
            Event::Mouse(MouseEvent {
                kind,
                column: 5,
                row: 7,
                modifiers: KeyModifiers::NONE,
            })
        };
        assert_eq!(
            map(&m(MouseEventKind::Down(MouseButton::Left)), normal()),
            Some(Action::Click { column: 5, row: 7 })
        );
        assert_eq!(
            map(&m(MouseEventKind::ScrollDown), normal()),
            Some(Action::WheelDown { column: 5, row: 7 })
        );
        assert_eq!(map(&m(MouseEventKind::Moved), normal()), None);
    }
}
