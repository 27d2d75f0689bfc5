//! What text is allowed to be once it enters Thamgia.
//!
//! The same Vietnamese word arrives composed (NFC, most keyboards) or
//! decomposed (NFD, some keyboards and files made on macOS): "Hội" is 3 or 5
//! code points. Stored as typed, one title passes a length check the other
//! fails and one activity code becomes two records. So every text input is
//! brought to one form at the edge — line ends to LF, then NFC — and natural
//! keys are compared in that form.
//!
//! Control characters other than tab and LF are refused with a field error
//! rather than stored: PostgreSQL cannot store NUL in text at all (an error
//! deep in the driver), SQLite can, and the same input must get the same
//! answer on both databases.

use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The error code a field gets when it holds a refused control character.
pub const CONTROL_CHARACTER: &str = "control_character";

/// CRLF and CR become LF, then the text is composed (NFC). Borrows when the
/// text is already in that form, which is nearly always.
pub fn normalize(s: &str) -> Cow<'_, str> {
    let s: Cow<'_, str> = if s.contains('\r') {
        Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(s)
    };
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// [`normalize`] into an owned string.
pub fn nfc(s: &str) -> String {
    normalize(s).into_owned()
}

/// True when the text holds a control character that is refused: any of
/// Unicode's category Cc (C0, DEL, C1) except tab and LF. Run it after
/// [`normalize`], which has already turned CR into LF.
pub fn has_control_character(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\t' && c != '\n')
}

/// Normalises a text and refuses it if a control character remains.
pub fn clean(s: &str) -> Result<Cow<'_, str>, &'static str> {
    let n = normalize(s);
    if has_control_character(&n) {
        Err(CONTROL_CHARACTER)
    } else {
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_text_is_composed() {
        let nfd = "Ho\u{323}\u{302}i";
        let n = normalize(nfd);
        assert_eq!(n, "Hội");
        assert_eq!(n.chars().count(), 3);
        assert!(matches!(normalize("Hội đồng"), Cow::Borrowed(_)));
    }

    #[test]
    fn line_ends_become_lf() {
        assert_eq!(normalize("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert!(!has_control_character(&normalize("a\r\nb\tc")));
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(clean("a\0b"), Err(CONTROL_CHARACTER));
        assert_eq!(clean("a\u{7f}"), Err(CONTROL_CHARACTER));
        assert_eq!(clean("a\u{85}"), Err(CONTROL_CHARACTER));
        assert_eq!(clean("a\u{1b}[0m"), Err(CONTROL_CHARACTER));
        assert_eq!(clean("a\tb\r\nc").as_deref(), Ok("a\tb\nc"));
    }
}
