use super::*;

/// Decodes `reads` one after another, as separate arrivals, then lets the input go quiet.
fn events(reads: &[&[u8]]) -> Vec<Event> {
    let mut decoder = Decoder::default();
    let mut out = Vec::new();
    for read in reads {
        decoder.feed(read, &mut out);
    }
    decoder.flush(&mut out);
    out
}

fn k(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

fn p(code: KeyCode) -> Event {
    k(code, KeyModifiers::NONE)
}

fn c(ch: char) -> Event {
    p(KeyCode::Char(ch))
}

#[test]
fn keys_as_crossterm_reports_them() {
    let none = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    let alt = KeyModifiers::ALT;
    for (bytes, event) in [
        (&b"j"[..], c('j')),
        (b"G", k(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        ("å".as_bytes(), c('å')),
        (b"\r", p(KeyCode::Enter)),
        (b"\t", p(KeyCode::Tab)),
        (b"\x7f", p(KeyCode::Backspace)),
        (b"\x03", k(KeyCode::Char('c'), ctrl)),
        (b"\x1c", k(KeyCode::Char('4'), ctrl)),
        (b"\x1b", p(KeyCode::Esc)),
        (b"\x1bq", k(KeyCode::Char('q'), alt)),
        (b"\x1b\x1b[A", k(KeyCode::Up, alt)),
        (b"\x1b[A", p(KeyCode::Up)),
        (b"\x1b[B", p(KeyCode::Down)),
        (b"\x1bOC", p(KeyCode::Right)),
        (b"\x1b[D", p(KeyCode::Left)),
        (b"\x1b[H", p(KeyCode::Home)),
        (b"\x1b[4~", p(KeyCode::End)),
        (b"\x1b[5~", p(KeyCode::PageUp)),
        (b"\x1b[6~", p(KeyCode::PageDown)),
        (b"\x1b[Z", k(KeyCode::BackTab, KeyModifiers::SHIFT)),
        (b"\x1bOP", p(KeyCode::F(1))),
        (b"\x1b[[A", p(KeyCode::F(1))),
        (b"\x1b[21~", p(KeyCode::F(10))),
        (b"\x1b[24~", p(KeyCode::F(12))),
        (b"\x1b[1;5A", k(KeyCode::Up, ctrl)),
        (b"\x1b[24;2~", k(KeyCode::F(12), KeyModifiers::SHIFT)),
        (b"\x1b[3~", k(KeyCode::Delete, none)),
    ] {
        assert_eq!(events(&[bytes]), vec![event], "{bytes:?}");
    }
}

#[test]
fn two_escapes_are_two_esc_keys() {
    assert_eq!(events(&[b"\x1b\x1b"]), vec![p(KeyCode::Esc); 2]);
}

#[test]
fn sequences_split_across_reads_are_joined() {
    assert_eq!(events(&[b"\x1b[<0;3", b";4M"]).len(), 1);
    assert_eq!(events(&[b"\x1b[2", b"4~"]), vec![p(KeyCode::F(12))]);
    let a = "ä".as_bytes();
    assert_eq!(events(&[&a[..1], &a[1..]]), vec![c('ä')]);
}

/// Every input cut in two at every byte gives what it gives whole.
#[test]
fn a_cut_at_any_byte_changes_nothing() {
    let inputs: &[&[u8]] = &[
        b"jk\x1b[B\x1b[1;5A\x1bOP\x1b[24;2~q",
        b"\x1b[<0;10;5M\x1b[<65;2;3M",
        b"\x1b[M *%\x1b[M#\x1b\x1bj\x1b[Ma\x00\xffk",
        b"\x1b[200~q1j\x1b[201~n",
        b"\x1b]52;c;cXE=\x07j\x1bP+q\x1b\\k",
        "\x1b[?1;2cåäö\x1bq".as_bytes(),
    ];
    for input in inputs {
        let whole = events(&[input]);
        assert!(!whole.is_empty());
        for cut in 1..input.len() {
            let (a, b) = input.split_at(cut);
            assert_eq!(events(&[a, b]), whole, "{input:?} cut at {cut}");
        }
    }
}

#[test]
fn a_partial_sequence_waits_for_the_pause() {
    let mut decoder = Decoder::default();
    let mut out = Vec::new();
    decoder.feed(b"\x1b", &mut out);
    assert!(out.is_empty(), "ESC may start a sequence");
    assert_eq!(decoder.flush_after(), Some(ESC_DELAY));
    decoder.feed(b"[B", &mut out);
    assert_eq!(out, vec![p(KeyCode::Down)]);
    assert_eq!(decoder.flush_after(), None);
}

#[test]
fn an_unfinished_sequence_is_dropped_whole_at_the_pause() {
    for bytes in [
        &b"\x1b["[..],
        b"\x1b[<0;3",
        b"\x1b[1;",
        b"\x1bO",
        b"\xc3",
        b"\x1b[M",
        b"\x1b[M *",
    ] {
        assert_eq!(events(&[bytes]), vec![], "{bytes:?}");
    }
    // And what comes after the pause is read afresh.
    let mut decoder = Decoder::default();
    let mut out = Vec::new();
    decoder.feed(b"\x1b[1;", &mut out);
    decoder.flush(&mut out);
    decoder.feed(b"j", &mut out);
    assert_eq!(out, vec![c('j')]);
}

#[test]
fn several_keys_in_one_read() {
    assert_eq!(
        events(&[b"jj\r\x1b[Bq"]),
        vec![c('j'), c('j'), p(KeyCode::Enter), p(KeyCode::Down), c('q')]
    );
}

#[test]
fn sgr_mouse_reports() {
    assert_eq!(
        events(&[b"\x1b[<0;10;5M\x1b[<0;10;5m"]),
        vec![
            mouse(MouseEventKind::Down(MouseButton::Left), 9, 4),
            mouse(MouseEventKind::Up(MouseButton::Left), 9, 4),
        ]
    );
    assert_eq!(
        events(&[b"\x1b[<64;1;1M\x1b[<65;2;3M"]),
        vec![
            mouse(MouseEventKind::ScrollUp, 0, 0),
            mouse(MouseEventKind::ScrollDown, 1, 2),
        ]
    );
}

fn mouse(kind: MouseEventKind, column: u16, row: u16) -> Event {
    Event::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

/// `ESC [ M` and three bytes, each a value plus 32 (coordinates from 1).
fn normal(cb: u8, column: u8, row: u8) -> Vec<u8> {
    [b"\x1b[M".as_slice(), &[cb + 32, column + 32, row + 32]].concat()
}

#[test]
fn normal_mouse_reports_read_as_their_sgr_twins() {
    let (left, middle, right) = (MouseButton::Left, MouseButton::Middle, MouseButton::Right);
    for (cb, kind) in [
        (0, MouseEventKind::Down(left)),
        (1, MouseEventKind::Down(middle)),
        (2, MouseEventKind::Down(right)),
        (3, MouseEventKind::Up(left)),
        (32, MouseEventKind::Drag(left)),
        (35, MouseEventKind::Moved),
        (64, MouseEventKind::ScrollUp),
        (65, MouseEventKind::ScrollDown),
    ] {
        let x10 = normal(cb, 10, 5);
        assert_eq!(events(&[&x10]), vec![mouse(kind, 9, 4)], "{x10:?}");
        if cb != 3 {
            let sgr = format!("\x1b[<{cb};10;5M");
            assert_eq!(events(&[&x10]), events(&[sgr.as_bytes()]), "{sgr}");
        }
    }
    // Shift, Alt and Ctrl as in SGR.
    let Event::Mouse(m) = events(&[&normal(4 | 8 | 16, 1, 1)])[0] else {
        panic!("not a mouse event");
    };
    assert_eq!(m.kind, MouseEventKind::Down(left));
    assert_eq!(
        m.modifiers,
        KeyModifiers::SHIFT | KeyModifiers::ALT | KeyModifiers::CONTROL
    );
}

#[test]
fn normal_mouse_coordinates_to_their_limits() {
    let down = MouseEventKind::Down(MouseButton::Left);
    // The first cell, and the last the encoding holds in a byte of its own (223 from 1).
    assert_eq!(events(&[b"\x1b[M !!"]), vec![mouse(down, 0, 0)]);
    assert_eq!(events(&[b"\x1b[M \xff\xff"]), vec![mouse(down, 222, 222)]);
    // Past it xterm sends 0, "223 or further": the first column it cannot name.
    assert_eq!(events(&[b"\x1b[M \x00\x00"]), vec![mouse(down, 223, 223)]);
    // The Linux console wraps the byte: column 240 of a 1920-pixel console is 33 + 239 - 256.
    assert_eq!(events(&[b"\x1b[M \x10!"]), vec![mouse(down, 239, 0)]);
    // Bytes that are control characters elsewhere are coordinates here, not keys.
    assert_eq!(
        events(&[b"\x1b[M \x1b\x03j"]),
        vec![mouse(down, 250, 226), c('j')]
    );
}

#[test]
fn normal_mouse_garbage_is_dropped() {
    // A button byte below 32 is no report; buttons the encoding has no name for are dropped.
    assert_eq!(events(&[b"\x1b[M\x1f!!j"]), vec![c('j')]);
    assert_eq!(events(&[&normal(128 + 3, 1, 1), b"j"]), vec![c('j')]);
    // Split across reads: the report is joined; cut off by a pause: dropped whole.
    let x10 = normal(0, 10, 5);
    let (a, b) = x10.split_at(4);
    assert_eq!(
        events(&[a, b]),
        vec![mouse(MouseEventKind::Down(MouseButton::Left), 9, 4)]
    );
    let mut decoder = Decoder::default();
    let mut out = Vec::new();
    decoder.feed(a, &mut out);
    decoder.flush(&mut out);
    decoder.feed(b"j", &mut out);
    assert_eq!(out, vec![c('j')]);
}

#[test]
fn bracketed_paste_is_one_event() {
    assert_eq!(
        events(&[b"\x1b[200~q x\x1b[", b"B\x1b[201~j"]),
        vec![Event::Paste("q x\x1b[B".into()), c('j')]
    );
}

/// A paste of `len` bytes of `q`, digits and `j`, in reads of 4 KiB.
fn long_paste(len: usize) -> Vec<Event> {
    let body: Vec<u8> = b"q1j".iter().copied().cycle().take(len).collect();
    let all = [PASTE_START, &body, PASTE_END, b"k"].concat();
    let reads: Vec<&[u8]> = all.chunks(4096).collect();
    events(&reads)
}

#[test]
fn a_paste_of_any_length_is_text_and_never_keys() {
    for len in [1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 10_000_000] {
        let out = long_paste(len);
        assert_eq!(
            out.len(),
            2,
            "one paste, then the key after it ({len} bytes)"
        );
        let Event::Paste(text) = &out[0] else {
            panic!("not a paste: {:?}", out[0]);
        };
        assert_eq!(text.len(), len.min(PASTE_KEEP), "{len}");
        assert!(text.starts_with('q'));
        assert_eq!(out[1], c('k'));
    }
}

#[test]
fn a_kept_paste_ends_on_a_whole_character() {
    let body = "ö".repeat(PASTE_KEEP);
    let all = [PASTE_START, body.as_bytes(), PASTE_END].concat();
    let out = events(&[&all]);
    let Event::Paste(text) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!(text.chars().count(), PASTE_KEEP / 2);
}

#[test]
fn a_paste_that_never_ends_swallows_everything_until_esc() {
    let mut decoder = Decoder::default();
    let mut out = Vec::new();
    decoder.feed(PASTE_START, &mut out);
    decoder.feed(&[b'q'; 100_000], &mut out);
    decoder.flush(&mut out);
    decoder.feed(b"jjq", &mut out);
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(decoder.flush_after(), None, "no deadline while pasting");
    // A lone Esc, then a pause, ends it.
    decoder.feed(b"\x1b", &mut out);
    assert_eq!(decoder.flush_after(), Some(PASTE_ESC_DELAY));
    decoder.flush(&mut out);
    decoder.feed(b"j", &mut out);
    assert_eq!(out.len(), 2);
    assert!(matches!(&out[0], Event::Paste(t) if t.len() == PASTE_KEEP));
    assert_eq!(out[1], c('j'));
}

#[test]
fn the_late_rest_of_an_end_marker_is_not_keys() {
    let mut decoder = Decoder::default();
    let mut out = Vec::new();
    decoder.feed(b"\x1b[200~abc\x1b", &mut out);
    decoder.flush(&mut out);
    decoder.feed(b"[201~j", &mut out);
    assert_eq!(out, vec![Event::Paste("abc".into()), c('j')]);
}

#[test]
fn noise_is_dropped_and_decoding_goes_on() {
    assert_eq!(events(&[b"\x1b[?1;2c\x1b[99x\xff\x1b[Ij"]), vec![c('j')]);
    // Too long: dropped up to its final byte, which is part of it.
    let long = [b"\x1b[".as_slice(), &[b'1'; 200], b"qj"].concat();
    assert_eq!(events(&[&long]), vec![c('j')]);
    let long_mouse = [b"\x1b[<".as_slice(), &[b'9'; 100], b";1;1Mj"].concat();
    assert_eq!(events(&[&long_mouse]), vec![c('j')]);
}

#[test]
fn string_sequences_are_dropped_to_their_end() {
    assert_eq!(events(&[b"\x1b]0;qqq\x07j"]), vec![c('j')]);
    assert_eq!(events(&[b"\x1b]11;rgb:0/0/0\x1b\\j"]), vec![c('j')]);
    assert_eq!(events(&[b"\x1bPq1j\x1b\\k"]), vec![c('k')]);
    let long = [b"\x1b]".as_slice(), &[b'q'; 100_000], b"\x07j"].concat();
    assert_eq!(events(&[&long]), vec![c('j')]);
}

#[test]
fn c1_controls_are_not_keys() {
    let shift_j = k(KeyCode::Char('J'), KeyModifiers::SHIFT);
    assert_eq!(
        events(&["\u{9b}2J\u{85}j".as_bytes()]),
        vec![c('2'), shift_j, c('j')]
    );
}

#[test]
fn what_is_held_stays_small() {
    let mut decoder = Decoder::default();
    let mut out = Vec::new();
    for chunk in [
        &b"\x1b["[..],
        &[b'1'; 10_000],
        PASTE_START,
        &[b'x'; 100_000],
    ] {
        decoder.feed(chunk, &mut out);
        assert!(decoder.buffer.len() <= MAX_SEQUENCE);
        assert!(decoder.paste.len() <= PASTE_KEEP);
    }
}
