//! The pictures a child sees beside an answer option.
//!
//! A small, fixed library shipped in the binary (the `web` crate draws each
//! key as SVG), so a phone needs no emoji font to show a picture. Officials
//! pick a picture by its key where they used to type an emoji: the option's
//! picture field (`nhãn | school | English`) may hold one key, and anything
//! else typed there (an emoji, a word) stays as text beside the picture,
//! never instead of it. An option without a key gets the neutral picture
//! [`NEUTRAL`], so every option on a child's page has a picture of the same
//! size and none depends on a font.
//!
//! A few common emoji name a key by themselves (`⚽` is `sport`), so answers
//! typed before the library existed get a real picture too; the emoji stays.

/// The keys officials may type, in the order the question builder lists them.
pub const KEYS: &[&str] = &[
    "school", "home", "play", "book", "family", "friends", "food", "water", "tree", "health",
    "safety", "sport", "music", "yes", "no", "question",
];

/// The picture of an option that names none.
pub const NEUTRAL: &str = "dot";

/// Emoji that stand for a key of the library.
const EMOJI: &[(&str, &str)] = &[
    ("🏫", "school"),
    ("🏠", "home"),
    ("🏡", "home"),
    ("🪁", "play"),
    ("🎠", "play"),
    ("🛝", "play"),
    ("📚", "book"),
    ("📖", "book"),
    ("👨‍👩‍👧", "family"),
    ("👪", "family"),
    ("🧑‍🤝‍🧑", "friends"),
    ("🍚", "food"),
    ("🍲", "food"),
    ("💧", "water"),
    ("🚰", "water"),
    ("🌳", "tree"),
    ("🌲", "tree"),
    ("🏥", "health"),
    ("💊", "health"),
    ("🛡", "safety"),
    ("⚽", "sport"),
    ("🏐", "sport"),
    ("🎵", "music"),
    ("🎶", "music"),
    ("👍", "yes"),
    ("✅", "yes"),
    ("👎", "no"),
    ("❌", "no"),
    ("❓", "question"),
    ("❔", "question"),
];

/// What an option's picture field says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionPicture {
    /// The library's picture: the key typed, or the one an emoji stands for,
    /// or [`NEUTRAL`].
    pub key: &'static str,
    /// What else was typed (an emoji, say), shown as text beside the picture.
    pub text: Option<String>,
}

/// The library key `s` names, if any (ASCII letters, any case).
pub fn key(s: &str) -> Option<&'static str> {
    KEYS.iter().copied().find(|k| k.eq_ignore_ascii_case(s))
}

fn is_word(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Reads an option's picture field as shown to a child: never fails (a word
/// that is no key, stored before the rule existed, stays as text).
pub fn read(field: Option<&str>) -> OptionPicture {
    let mut key_found = None;
    let mut rest = vec![];
    for token in field.unwrap_or("").split_whitespace() {
        match key(token) {
            Some(k) if key_found.is_none() => key_found = Some(k),
            _ => rest.push(token),
        }
    }
    let text = rest.join(" ");
    let key = key_found
        .or_else(|| {
            rest.iter().find_map(|t| {
                let bare = t.trim_end_matches('\u{fe0f}');
                EMOJI.iter().find(|(e, _)| *e == bare).map(|(_, k)| *k)
            })
        })
        .unwrap_or(NEUTRAL);
    OptionPicture {
        key,
        text: (!text.is_empty()).then_some(text),
    }
}

/// Checks a picture field as an official typed it: at most one key, and no
/// plain word that is not a key (a typo would silently show the neutral
/// picture). Emoji and other symbols are free text. The error is the code
/// for the field.
pub fn check(field: &str) -> Result<(), &'static str> {
    let mut keys = 0;
    for token in field.split_whitespace() {
        if key(token).is_some() {
            keys += 1;
        } else if is_word(token) {
            return Err("unknown_picture");
        }
    }
    if keys > 1 {
        return Err("one_picture");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_picks_the_picture_and_an_emoji_stays_beside_it() {
        assert_eq!(
            read(Some("school")),
            OptionPicture {
                key: "school",
                text: None
            }
        );
        assert_eq!(
            read(Some("🎠 Play")),
            OptionPicture {
                key: "play",
                text: Some("🎠".into())
            }
        );
        // An emoji alone stays as text; a known one also brings its picture.
        assert_eq!(
            read(Some("⚽")),
            OptionPicture {
                key: "sport",
                text: Some("⚽".into())
            }
        );
        assert_eq!(read(Some("👍\u{fe0f}")).key, "yes");
        assert_eq!(
            read(Some("⏰")),
            OptionPicture {
                key: NEUTRAL,
                text: Some("⏰".into())
            }
        );
        assert_eq!(
            read(None),
            OptionPicture {
                key: NEUTRAL,
                text: None
            }
        );
        assert_eq!(read(Some("  ")).text, None);
    }

    #[test]
    fn officials_type_known_keys_only() {
        assert_eq!(check("school"), Ok(()));
        assert_eq!(check("Tree 🌳"), Ok(()));
        assert_eq!(check("⏰"), Ok(()));
        assert_eq!(check(""), Ok(()));
        assert_eq!(check("shcool"), Err("unknown_picture"));
        assert_eq!(check("school home"), Err("one_picture"));
        assert!(
            !KEYS.contains(&NEUTRAL),
            "the neutral picture is not offered"
        );
        for (_, k) in EMOJI {
            assert!(KEYS.contains(k), "{k}");
        }
    }
}
