use std::time::{Duration, Instant};

use super::*;
use crate::app::Config;
use crate::content::Outline;
use crate::input::{ESC_DELAY, PASTE_KEEP};

fn session(config: Config) -> (Session, Instant) {
    let now = Instant::now();
    let app = App::new(Outline::bundled(), config, now);
    (Session::new(app, None, 80, 24, now), now)
}

fn kiosk() -> Config {
    Config {
        kiosk: true,
        ..Config::default()
    }
}

#[test]
fn the_start_enters_the_interface_and_draws_once() {
    let (mut s, _) = session(Config {
        mouse: true,
        ..Config::default()
    });
    let first = s.take_output();
    assert!(first.starts_with(ENTER));
    assert!(first[ENTER.len()..].starts_with(MOUSE_ON));
    assert!(first.len() > 1000, "a whole first frame");
    assert!(
        s.take_output().is_empty(),
        "nothing changed, nothing to write"
    );
    assert_eq!(s.deadline(), None, "nothing due: the shell may block");
}

#[test]
fn a_key_that_changes_nothing_writes_nothing() {
    let (mut s, now) = session(Config::default());
    s.take_output();
    s.feed(b"k", now);
    assert!(s.take_output().is_empty());
    s.feed(b"j", now);
    assert!(!s.take_output().is_empty());
}

#[test]
fn q_ends_the_session_but_not_in_kiosk_mode() {
    let (mut s, now) = session(Config::default());
    s.feed(b"q", now);
    assert_eq!(s.ended(), Some(Ended::Quit));
    let (mut s, now) = session(kiosk());
    s.feed(b"q\x03\x04\x1aZQ\x1b[21~", now);
    s.tick(now + ESC_DELAY);
    assert_eq!(s.ended(), None);
}

#[test]
fn a_lone_esc_is_the_key_after_the_pause() {
    let (mut s, now) = session(Config::default());
    s.feed(b"?", now);
    assert!(s.app().help);
    s.feed(b"\x1b", now);
    assert!(s.app().help);
    assert_eq!(s.deadline(), Some(now + ESC_DELAY));
    s.tick(now + ESC_DELAY - Duration::from_millis(1));
    assert!(s.app().help, "not yet");
    s.tick(now + ESC_DELAY);
    assert!(!s.app().help, "Esc closes the help");
    assert_eq!(s.ended(), None, "and never quits");
    assert_eq!(s.deadline(), None);
}

#[test]
fn a_long_paste_with_q_and_digits_is_never_keys() {
    for kiosk_mode in [false, true] {
        let config = Config {
            kiosk: kiosk_mode,
            ..Config::default()
        };
        let (mut s, now) = session(config);
        s.take_output();
        let body: Vec<u8> = b"q1jG/".iter().copied().cycle().take(70_000).collect();
        let paste = [&b"\x1b[200~"[..], &body, b"\x1b[201~"].concat();
        for chunk in paste.chunks(1000) {
            s.feed(chunk, now);
        }
        s.tick(now + Duration::from_secs(1));
        assert_eq!(s.ended(), None);
        assert_eq!(s.app().selected, 0, "the selection did not move");
    }
}

#[test]
fn a_paste_goes_into_the_search_line_cut_to_what_it_keeps() {
    let (mut s, now) = session(Config::default());
    s.feed(b"/", now);
    let body = "ekokommun ".repeat(500);
    s.feed(format!("\x1b[200~{body}\x1b[201~").as_bytes(), now);
    let query = &s.app().search.query;
    assert!(query.starts_with("ekokommun"));
    assert!(query.len() <= PASTE_KEEP);
}

#[test]
fn a_resize_repaints_the_whole_screen() {
    let (mut s, now) = session(Config::default());
    s.take_output();
    s.resize(100, 30, now);
    let bytes = s.take_output();
    let clear = b"\x1b[H\x1b[2J";
    let at = bytes.windows(clear.len()).position(|w| w == clear);
    assert!(at.is_some_and(|at| at < 10), "the screen cleared first");
    assert!(bytes.len() > 1000, "then drawn whole");
    assert_eq!((s.app().width, s.app().height), (100, 30));
}

#[test]
fn a_narrower_screen_is_cleared_once() {
    let (mut s, now) = session(Config::default());
    s.take_output();
    s.resize(60, 20, now);
    let bytes = s.take_output();
    let clears = bytes.windows(4).filter(|w| w == b"\x1b[2J").count();
    assert_eq!(clears, 1);
}

#[test]
fn events_fed_as_events_draw_what_their_bytes_draw() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
    let (mut from_bytes, now) = session(Config::default());
    let (mut from_events, _) = session(Config::default());
    assert_eq!(from_bytes.take_output(), from_events.take_output());
    from_bytes.feed(b"\x1b[B\x1b[B\r", now);
    // The Windows console reports every key twice, pressed and released.
    for code in [KeyCode::Down, KeyCode::Down, KeyCode::Enter] {
        for kind in [KeyEventKind::Press, KeyEventKind::Release] {
            let key = KeyEvent {
                kind,
                ..KeyEvent::from(code)
            };
            from_events.feed_event(&Event::Key(key), now);
        }
    }
    assert_eq!(from_events.app().selected, from_bytes.app().selected);
    assert_ne!(from_events.app().selected, 0);
    assert_eq!(from_bytes.take_output(), from_events.take_output());
    from_events.feed_event(&Event::Key(KeyEvent::from(KeyCode::Char('q'))), now);
    assert_eq!(from_events.ended(), Some(Ended::Quit));
}

#[test]
fn a_resize_event_repaints_the_whole_screen() {
    let (mut s, now) = session(Config::default());
    s.take_output();
    s.feed_event(&Event::Resize(100, 30), now);
    let bytes = s.take_output();
    let clear = b"\x1b[H\x1b[2J";
    let at = bytes.windows(clear.len()).position(|w| w == clear);
    assert!(at.is_some_and(|at| at < 10), "the screen cleared first");
    assert_eq!((s.app().width, s.app().height), (100, 30));
}

#[test]
fn copy_writes_osc_52_and_kiosk_mode_never_does() {
    let (mut s, now) = session(Config::default());
    s.take_output();
    s.feed(b"y", now);
    let bytes = String::from_utf8(s.take_output()).unwrap();
    assert!(bytes.contains("\x1b]52;c;"), "{bytes:?}");
    let (mut s, now) = session(kiosk());
    s.take_output();
    s.feed(b"y", now);
    let bytes = String::from_utf8(s.take_output()).unwrap();
    assert!(!bytes.contains("\x1b]52"));
}

#[test]
fn the_idle_reset_is_a_deadline() {
    let config = Config {
        kiosk: true,
        idle_reset: Some(Duration::from_secs(120)),
        ..Config::default()
    };
    let (mut s, now) = session(config);
    s.take_output();
    assert_eq!(s.deadline(), None, "at the start screen nothing is due");
    s.feed(b"j", now);
    assert_eq!(s.deadline(), Some(now + Duration::from_secs(120)));
    s.take_output();
    s.tick(now + Duration::from_secs(120));
    assert_eq!(s.app().selected, 0);
    assert!(!s.take_output().is_empty());
}

#[test]
fn base64_matches_the_standard() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64("Hållbarhet".as_bytes()), "SMOlbGxiYXJoZXQ=");
}
