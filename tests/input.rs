//! The one input decoder, as both fronts use it: bytes to events to actions. Local terminal and
//! SSH visitors feed the same `malbild::input::Decoder`, so these hold for both.

use malbild::app::Action;
use malbild::input::{Decoder, MAX_SEQUENCE, PASTE_KEEP};
use malbild::keymap::{self, Context};
use proptest::prelude::*;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// Decodes `chunks` as separate arrivals, then lets the input go quiet.
fn events(chunks: &[&[u8]]) -> Vec<Event> {
    let mut d = Decoder::default();
    let mut out = Vec::new();
    for c in chunks {
        d.feed(c, &mut out);
    }
    d.flush(&mut out);
    out
}

fn action(event: &Event) -> Option<Action> {
    keymap::map(event, Context::default())
}

fn kiosk_action(event: &Event) -> Option<Action> {
    keymap::map(
        event,
        Context {
            kiosk: true,
            ..Context::default()
        },
    )
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

#[test]
fn arrows_and_letters() {
    let got = events(&[b"\x1b[A\x1b[B\x1bOC\x1b[Dq"]);
    let actions: Vec<_> = got.iter().filter_map(action).collect();
    assert_eq!(
        actions,
        [
            Action::Up,
            Action::Down,
            Action::Right,
            Action::Left,
            Action::Quit
        ]
    );
}

#[test]
fn ctrl_arrows_keep_their_modifier() {
    let got = events(&[b"\x1b[1;5C\x1b[1;3A"]);
    assert_eq!(
        got,
        vec![
            key(KeyCode::Right, KeyModifiers::CONTROL),
            key(KeyCode::Up, KeyModifiers::ALT),
        ]
    );
    // With a modifier an arrow is not a plain move.
    assert_eq!(action(&got[0]), Some(Action::Touch));
}

#[test]
fn function_keys() {
    let got = events(&[b"\x1bOP\x1b[24~\x1b[15~"]);
    assert_eq!(
        got,
        vec![
            key(KeyCode::F(1), KeyModifiers::NONE),
            key(KeyCode::F(12), KeyModifiers::NONE),
            key(KeyCode::F(5), KeyModifiers::NONE),
        ]
    );
    assert_eq!(action(&got[0]), Some(Action::Help));
}

#[test]
fn sgr_mouse_clicks_and_wheel() {
    let got = events(&[b"\x1b[<0;10;5M\x1b[<0;10;5m\x1b[<64;3;4M"]);
    assert_eq!(
        got[0],
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 9,
            row: 4,
            modifiers: KeyModifiers::NONE,
        })
    );
    let actions: Vec<_> = got.iter().filter_map(action).collect();
    assert_eq!(
        actions,
        [
            Action::Click { column: 9, row: 4 },
            Action::WheelUp { column: 2, row: 3 }
        ]
    );
}

#[test]
fn a_paste_containing_q_does_not_quit() {
    let got = events(&[b"\x1b[200~q\x1b[201~"]);
    assert_eq!(got, vec![Event::Paste("q".into())]);
    assert_eq!(action(&got[0]), Some(Action::Touch));
    // While searching, the paste is the query.
    let cx = Context {
        searching: true,
        ..Context::default()
    };
    assert_eq!(
        keymap::map(&got[0], cx),
        Some(Action::SearchInput("q".into()))
    );
}

#[test]
fn a_paste_split_across_packets_is_one_paste() {
    let got = events(&[b"\x1b[200~quit", b" now\x1b[2", b"01~"]);
    assert_eq!(got, vec![Event::Paste("quit now".into())]);
}

#[test]
fn a_lone_esc_waits_for_the_pause() {
    let mut d = Decoder::default();
    let mut out = Vec::new();
    d.feed(b"\x1b", &mut out);
    assert!(out.is_empty());
    assert!(d.flush_after().is_some());
    d.flush(&mut out);
    assert_eq!(out, vec![key(KeyCode::Esc, KeyModifiers::NONE)]);
    assert_eq!(action(&out[0]), Some(Action::Back));
    assert_eq!(d.flush_after(), None);
}

#[test]
fn ctrl_c_quits_and_ctrl_letters_do_not() {
    let got = events(&[b"\x03\x11"]);
    assert_eq!(action(&got[0]), Some(Action::Quit));
    assert_eq!(action(&got[1]), Some(Action::Touch));
}

/// Pastes of every length around the old limits, with `q`, digits and `j` in them, arriving in
/// packets of every common size: one paste event, never a key, and the key after it is a key.
#[test]
fn pastes_of_any_length_are_never_keys() {
    for len in [1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 10 * 1024 * 1024] {
        let body: Vec<u8> = b"q7j0G".iter().copied().cycle().take(len).collect();
        let all = [&b"\x1b[200~"[..], &body, b"\x1b[201~", b"k"].concat();
        for packet in [1000, 4096, 32 * 1024] {
            if len > 1_000_000 && packet < 4096 {
                continue;
            }
            let chunks: Vec<&[u8]> = all.chunks(packet).collect();
            let got = events(&chunks);
            assert_eq!(got.len(), 2, "{len} bytes in packets of {packet}");
            assert!(matches!(&got[0], Event::Paste(t) if t.len() == len.min(PASTE_KEEP)));
            assert_eq!(action(&got[1]), Some(Action::Up));
        }
    }
}

/// Bytes for one key as a terminal sends it, and the event it must decode to.
fn spelled() -> impl Strategy<Value = (Vec<u8>, Event)> {
    let none = KeyModifiers::NONE;
    prop_oneof![
        prop::char::range('a', 'z')
            .prop_map(move |c| (c.to_string().into_bytes(), key(KeyCode::Char(c), none))),
        prop::sample::select(vec!['å', 'ä', 'ö', 'é', '€', '日'])
            .prop_map(move |c| (c.to_string().into_bytes(), key(KeyCode::Char(c), none))),
        prop::sample::select(vec![
            (&b"\x1b[A"[..], KeyCode::Up),
            (b"\x1b[B", KeyCode::Down),
            (b"\x1bOC", KeyCode::Right),
            (b"\x1b[D", KeyCode::Left),
            (b"\x1b[5~", KeyCode::PageUp),
            (b"\x1b[6~", KeyCode::PageDown),
            (b"\x1bOP", KeyCode::F(1)),
            (b"\x1b[21~", KeyCode::F(10)),
            (b"\r", KeyCode::Enter),
            (b"\t", KeyCode::Tab),
            (b"\x7f", KeyCode::Backspace),
        ])
        .prop_map(move |(b, code)| (b.to_vec(), key(code, none))),
        (0u16..300, 0u16..100).prop_map(|(x, y)| (
            format!("\x1b[<0;{};{}M", x + 1, y + 1).into_bytes(),
            Event::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: x,
                row: y,
                modifiers: KeyModifiers::NONE,
            })
        )),
    ]
}

/// Bytes that are no key at all: replies to queries, unknown and over-long sequences, string
/// sequences, stray continuation bytes.
fn noise() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"\x1b[?1;2c".to_vec()),
        Just(b"\x1b[I".to_vec()),
        Just(b"\x1b[99x".to_vec()),
        Just(b"\x1b]11;rgb:0000/0000/0000\x07".to_vec()),
        Just(b"\x1bPqj1G\x1b\\".to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"\x80".to_vec()),
        (MAX_SEQUENCE..500).prop_map(|n| [&b"\x1b["[..], &vec![b'1'; n], b"q"].concat()),
        (0usize..2000).prop_map(|n| [&b"\x1b]0;"[..], &vec![b'q'; n], b"\x07"].concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Keys as terminals spell them, with noise between them, cut into packets anywhere:
    /// exactly the keys come out, in order.
    #[test]
    fn only_the_keys_the_bytes_spell(
        items in prop::collection::vec(
            prop_oneof![
                3 => spelled().prop_map(|(b, e)| (b, Some(e))),
                1 => noise().prop_map(|b| (b, None)),
            ],
            0..40,
        ),
        cuts in prop::collection::vec(1usize..64, 0..20),
    ) {
        let bytes: Vec<u8> = items.iter().flat_map(|(b, _)| b.clone()).collect();
        let want: Vec<Event> = items.into_iter().filter_map(|(_, e)| e).collect();
        let mut chunks = Vec::new();
        let mut rest = &bytes[..];
        for cut in cuts {
            let (a, b) = rest.split_at(cut.min(rest.len()));
            chunks.push(a);
            rest = b;
        }
        chunks.push(rest);
        prop_assert_eq!(events(&chunks), want);
    }

    /// Random bytes in kiosk mode never quit, and what is held stays bounded.
    #[test]
    fn random_bytes_never_quit_a_kiosk(
        chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 0..50),
    ) {
        let mut d = Decoder::default();
        let mut out = Vec::new();
        for c in &chunks {
            d.feed(c, &mut out);
        }
        d.flush(&mut out);
        for e in &out {
            prop_assert_ne!(kiosk_action(e), Some(Action::Quit));
        }
    }
}
