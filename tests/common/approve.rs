//! Approval of the app's own output as insta snapshots, as strict as a byte-for-byte compare.
//!
//! insta compares text with blank lines at the start, white space at the end and CRLF line
//! ends normalised away; the output's edges are held here so that none of them can change
//! unseen. After a deliberate change, run the test with `INSTA_UPDATE=always` (or
//! `cargo insta review`) and read the snapshots' diff.

/// Asserts that `text` has the edges every approved output has: no carriage return, no blank
/// line first, and exactly one newline at the end.
pub fn assert_edges(what: &str, text: &str) {
    assert!(
        !text.contains('\r'),
        "{what}: a carriage return in {text:?}"
    );
    assert!(!text.starts_with('\n'), "{what}: starts with a blank line");
    assert_eq!(
        &text[text.trim_end().len()..],
        "\n",
        "{what}: must end in exactly one newline"
    );
}
